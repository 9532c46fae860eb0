/* A route that traps: it starts an answer, then stores far outside its
 * linear memory. The trap ends the program with status 202, and gopherd
 * answers an error item instead of the half-written text. */
#include "route.h"

int dagger_main(void) {
  request req;
  read_request(&req);
  dg_print("This line must never reach a client.\r\n");
  volatile uint32_t *far = (uint32_t *)(uintptr_t)0xfffffff0u;
  *far = 1; /* out of bounds: a trap, never a host crash */
  return 0;
}
