/* The targets: config.h's table (generated from compiler/targets.cmake),
 * looked up by triple, and the rules that follow from a row: which bounds
 * strategies a target may use, and which C compiler builds for it.
 *
 * Bounds strategies (see rt/wasm2c/wasm2c.h for the fault handler):
 *  - guard: wasm2c reserves 8 GiB of address space per memory and lets
 *    out-of-bounds accesses fault in it. That needs a 64-bit address space,
 *    and a little-endian target: with WABT_BIG_ENDIAN, wasm2c 1.0.32 stores
 *    memory byte-reversed and addresses byte i at data[size - 1 - i], so an
 *    out-of-bounds address lands *below* the reservation, in host memory,
 *    where no guard page stops it.
 *  - explicit: every access is compared with the memory's size; works
 *    everywhere. */
#include "compiler.h"
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const dgc_target targets[] = {DGC_TARGETS};
enum { NTARGETS = sizeof targets / sizeof targets[0] };

const dgc_target *dgc_target_find(const char *triple) {
  for (size_t i = 0; i < NTARGETS; i++)
    if (triple ? strcmp(targets[i].triple, triple) == 0 : targets[i].host)
      return &targets[i];
  return NULL;
}

const char *dgc_target_names(void) {
  static char names[1024];

  if (names[0])
    return names;
  for (size_t i = 0; i < NTARGETS; i++) {
    size_t n = strlen(names);
    snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
             targets[i].triple);
  }
  return names;
}

/* Why t cannot use guard pages, or NULL when it can. */
static const char *no_guard(const dgc_target *t) {
  if (!t->is64)
    return "guard pages need a 64-bit address space";
  if (t->big_endian)
    return "with wasm2c 1.0.32, guard pages do not catch out-of-bounds "
           "accesses on a big-endian target";
  return NULL;
}

int dgc_target_memcheck(const dgc_target *t, const char *name,
                        const dgc_memcheck **out, dgc_diag *d) {
  const char *why = no_guard(t);

  if (!name)
    name = why ? "explicit" : "guard";
  *out = dgc_memcheck_find(name);
  if (!*out)
    return dgc_fail(d, "--bounds=%s: expected guard or explicit", name);
  if (strcmp(name, "guard") == 0 && why)
    return dgc_fail(d,
                    "--bounds=guard: %s is a %s target, and %s (use "
                    "--bounds=explicit)",
                    t->triple, !t->is64 ? "32-bit" : "big-endian", why);
  return 0;
}

bool dgc_find_program(const char *name) {
  const char *path = getenv("PATH");
  char buf[PATH_MAX];

  if (strchr(name, '/'))
    return access(name, X_OK) == 0;
  if (!path || !*path)
    path = "/usr/bin:/bin";
  while (*path) {
    size_t n = strcspn(path, ":");
    if (n > 0 &&
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, name) <
            (int)sizeof buf &&
        access(buf, X_OK) == 0)
      return true;
    path += n;
    if (*path == ':')
      path++;
  }
  return false;
}

int dgc_target_check_cc(const dgc_target *t, const char *cc, dgc_diag *d) {
  if (cc)
    return 0; /* $CC: whatever it names runs, or fails, as given */
  if (dgc_find_program(t->cc)) {
    if (!t->libc_file[0] || access(t->libc_file, R_OK) == 0)
      return 0;
    return dgc_fail(d,
                    "%s: %s has no C library (%s is missing): install the "
                    "Debian package %s",
                    t->triple, t->cc, t->libc_file, t->libc_package);
  }
  if (t->host)
    return dgc_fail(d, "the C compiler %s is missing", t->cc);
  return dgc_fail(d,
                  "%s: no C compiler %s: install the Debian package %s (or "
                  "set CC)",
                  t->triple, t->cc, t->package);
}

int dgc_target_check_static(const dgc_target *t, dgc_diag *d) {
  static const char *const sanitize[] = {DGC_SANITIZE_FLAGS NULL};

  if (t->host && sanitize[0])
    return dgc_fail(d, "--static: this daggercc's runtime for the host is "
                       "built with sanitizers, which cannot link statically");
  return 0;
}
