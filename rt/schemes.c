/* The scheme table: one line per scheme. A scheme that this binary was
 * built without keeps its line with a NULL open (see its file), so opening
 * it answers -UNSUPPORTED rather than -UNKNOWN_SCHEME. */
#include <string.h>

#include "rt.h"

static const dagger_scheme *const schemes[] = {
    &dagger_scheme_stdin, &dagger_scheme_stdout, &dagger_scheme_stderr,
    &dagger_scheme_fd,    &dagger_scheme_log,    &dagger_scheme_null,
    &dagger_scheme_zero,  &dagger_scheme_file,   &dagger_scheme_random,
    &dagger_scheme_http,  &dagger_scheme_https,
};

const dagger_scheme *dagger_scheme_find(const char *name) {
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
    if (strcmp(schemes[i]->name, name) == 0)
      return schemes[i];
  return NULL;
}

#define NSCHEMES (sizeof schemes / sizeof schemes[0])
_Static_assert(NSCHEMES <= DAGGER_SCHEME_SLOTS, "raise DAGGER_SCHEME_SLOTS");

unsigned dagger_scheme_slot(const dagger_scheme *scheme) {
  for (unsigned i = 0; i < NSCHEMES; i++)
    if (schemes[i] == scheme)
      return i;
  return 0;
}

const dagger_scheme *dagger_scheme_at(unsigned slot) {
  return slot < NSCHEMES ? schemes[slot] : NULL;
}
