/* One module importing both WASI (through libc) and the Dagger calls: one
 * descriptor table (a Dagger open gets the lowest free number after WASI's
 * 0-3), and fd_write(1) and a stdout:// stream share one buffer, so the
 * lines come out in the order they were written. */
#include <stdio.h>
#include <string.h>

__attribute__((import_module("dagger"), import_name("open"))) int
dg_open(const char *url, int len);
__attribute__((import_module("dagger"), import_name("write"))) int
dg_write(int fd, const void *buf, int len);
__attribute__((import_module("dagger"), import_name("close"))) int
dg_close(int fd);

static void dg_puts(int fd, const char *s) {
  dg_write(fd, s, (int)strlen(s));
}

int main(void) {
  int out = dg_open("stdout://", 9);
  printf("1 libc, stdout:// is descriptor %d\n", out);
  fflush(stdout);
  dg_puts(out, "2 dagger\n");
  printf("3 libc\n");
  fflush(stdout);
  dg_puts(out, "4 dagger\n");
  dg_puts(1, "5 dagger on WASI's descriptor 1\n");
  dg_close(out);
  printf("6 libc, unflushed until exit\n");
  return 0;
}
