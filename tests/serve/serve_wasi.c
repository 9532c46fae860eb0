/* The WASI guest of tests/serve: reads a number from stdin, checks that
 * the driver's control socket (fd 9) is none of its descriptors, prints a
 * counter that a fresh instance always starts at 0 and exits with the
 * number through proc_exit. */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

static int counter;

int main(void) {
  int n = 0;
  __wasi_fdstat_t st;
  __wasi_size_t wrote = 0;
  __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};

  if (scanf("%d", &n) != 1)
    return 3;
  printf("count=%d fdstat(9)=%d write(9)=%d\n", ++counter,
         (int)__wasi_fd_fdstat_get(9, &st),
         (int)__wasi_fd_write(9, &iov, 1, &wrote));
  exit(n);
}
