/* The limits compiled into a program (daggercc --max-memory, --timeout,
 * --cpu-time): the glue's dagger_glue_limits, which the runtime lowers by
 * the environment and enforces (rt/limits.c, docs/limits.md). Parsing the
 * flags is the driver's (it uses the runtime's parsers, so that a value the
 * driver takes is one the environment may give). */
#include <inttypes.h>
#include <stdio.h>

#include "compiler.h"

void dgc_emit_limits(FILE *out, const dgc_limits *l) {
  static const dgc_limits none;
  if (!l)
    l = &none;
  fprintf(out,
          "const dagger_limits dagger_glue_limits = {.max_pages = %" PRIu32
          ", .timeout_ms = %" PRIu64 ", .cpu_ms = %" PRIu64 "};\n\n",
          l->max_pages, l->timeout_ms, l->cpu_ms);
}
