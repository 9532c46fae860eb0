/* copy: copies file:///in.txt to file:///out.txt inside the jail.
 *
 * file:/// URLs name files under the jail directory (DAGGER_ROOT, default
 * the current directory); "/" in the URL is the jail's root. mode=w
 * creates or truncates. The program then shows that the jail holds: a
 * path that climbs out of it is refused. Exit status 0, or 1 on an error
 * (named on stderr). */
#include <dagger.h>

static char buf[65536];

static int fail(const char *what, int err) {
  dg_eprint("copy: ");
  dg_eprint(what);
  dg_eprint(": ");
  dg_eprint(dg_strerror(err));
  dg_eprint("\n");
  return 1;
}

int dagger_main(void) {
  int in = dg_open("file:///in.txt");
  if (in < 0)
    return fail("file:///in.txt", in);
  int out = dg_open("file:///out.txt?mode=w");
  if (out < 0)
    return fail("file:///out.txt", out);
  uint64_t total = 0;
  for (;;) {
    int n = dg_read(in, buf, sizeof buf);
    if (n < 0)
      return fail("read", n);
    if (n == 0)
      break;
    int err = dg_write_all(out, buf, (size_t)n);
    if (err < 0)
      return fail("write", err);
    total += (uint64_t)n;
  }
  int err = dg_flush(out); /* fsync: the copy is on disk */
  if (err < 0)
    return fail("flush", err);
  dg_close(in);
  dg_close(out);
  dg_print("copied ");
  dg_print_uint(total);
  dg_puts(" bytes");

  const char *outside = "file:///../in.txt";
  int fd = dg_open(outside);
  dg_print(outside);
  dg_print(": ");
  dg_puts(fd < 0 ? dg_strerror(fd) : "opened?!");
  return fd < 0 ? 0 : 1;
}
