/* A trap keeps its status (201, unreachable) and the output written before
 * it comes out before the trap line. */
#include <stdio.h>

int main(void) {
  printf("before the trap\n");
  fflush(stdout);
  __builtin_trap();
}
