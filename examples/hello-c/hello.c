/* Hello world: the smallest C guest. dg_puts opens stdout:// on first use;
 * dagger_main's result is the exit status. */
#include <dagger.h>

int dagger_main(void) {
  if (dg_puts("Hello from C, Dagger!") < 0)
    return 1;
  return 0;
}
