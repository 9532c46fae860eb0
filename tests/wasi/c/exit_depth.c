/* proc_exit from deep inside the guest gives its status, and output still
 * in libc's and the runtime's buffers is written first. */
#include <stdio.h>
#include <stdlib.h>

static int down(int n) {
  if (n == 0) {
    printf("at the bottom, exiting");
    exit(42);
  }
  return down(n - 1) + 1;
}

int main(void) {
  printf("going down\n");
  return down(1000);
}
