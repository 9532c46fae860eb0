/* A route that never ends: gopherd kills it at its time limit and answers
 * an error item. */
#include "route.h"

int dagger_main(void) {
  request req;
  read_request(&req);
  volatile uint32_t spins = 0;
  for (;;)
    spins++;
}
