/* Trap reporting, shared by compiled programs and the interpreter so that
 * both print the same line and exit with the same status. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

const char *dagger_trap_message(dagger_trap kind) {
  switch (kind) {
  case DAGGER_TRAP_UNREACHABLE:
    return "unreachable executed";
  case DAGGER_TRAP_OUT_OF_BOUNDS:
    return "out of bounds memory access";
  case DAGGER_TRAP_INT_OVERFLOW:
    return "integer overflow";
  case DAGGER_TRAP_DIV_BY_ZERO:
    return "integer divide by zero";
  case DAGGER_TRAP_INVALID_CONVERSION:
    return "invalid conversion to integer";
  case DAGGER_TRAP_INDIRECT_CALL:
    return "indirect call type mismatch";
  case DAGGER_TRAP_EXHAUSTION:
    return "call stack exhausted";
  case DAGGER_TRAP_EXCEPTION:
    return "uncaught exception";
  case DAGGER_TRAP_TIMEOUT:
    return "time limit exceeded";
  case DAGGER_TRAP_CPU_TIME:
    return "CPU time limit exceeded";
  case DAGGER_TRAP_OTHER:
    break;
  }
  return "trap";
}

int dagger_trap_report(dagger_rt *rt, dagger_trap kind) {
  return dagger_trap_report_at(rt, kind, NULL);
}

/* ---- where: " (8 bytes at 0x10) in f" and the backtrace ---------------- */

static void put_place(char *out, size_t size, dagger_trap kind,
                      const dagger_trap_where *w) {
  size_t n = 0;

  out[0] = '\0';
  if (!w)
    return;
  if (kind == DAGGER_TRAP_OUT_OF_BOUNDS && w->has_address && w->size)
    n = (size_t)snprintf(out, size, " (%" PRIu32 " bytes at 0x%" PRIx64 ")",
                         w->size, w->address);
  else if (kind == DAGGER_TRAP_OUT_OF_BOUNDS && w->has_address)
    n = (size_t)snprintf(out, size, " (at 0x%" PRIx64 ")", w->address);
  if (w->function && n < size)
    snprintf(out + n, size - n, " in %s", w->function);
}

/* One line per frame, a run of the same function (recursion) as one. */
static void put_backtrace(const dagger_rt *rt, const dagger_trap_where *w) {
  if (!w || w->nframes == 0) {
    dagger_rt_diag(rt, "  (no backtrace: %s)",
                   w && w->why ? w->why : "not known here");
    return;
  }
  for (size_t i = 0, k; i < w->nframes; i = k) {
    for (k = i + 1; k < w->nframes && !strcmp(w->frames[k], w->frames[i]);)
      k++;
    if (k - i > 1)
      dagger_rt_diag(rt, "  at %s (%zu times)", w->frames[i], k - i);
    else
      dagger_rt_diag(rt, "  at %s", w->frames[i]);
  }
  if (w->frames_cut)
    dagger_rt_diag(rt, "  ... (deeper frames not shown)");
}

int dagger_trap_report_at(dagger_rt *rt, dagger_trap kind,
                          const dagger_trap_where *w) {
  const char *bt = getenv("DAGGER_BACKTRACE");
  char place[512];

  if ((kind < DAGGER_TRAP_UNREACHABLE || kind > DAGGER_TRAP_OTHER) &&
      kind != DAGGER_TRAP_TIMEOUT && kind != DAGGER_TRAP_CPU_TIME)
    kind = DAGGER_TRAP_OTHER;
  if (rt) {
    rt->stats_store.trap = kind;
    dagger_rt_flush_all(rt);
  }
  put_place(place, sizeof place, kind, w);
  dagger_rt_diag(rt, "trap: %s%s", dagger_trap_message(kind), place);
  if (bt && strcmp(bt, "1") == 0)
    put_backtrace(rt, w);
  return DAGGER_TRAP_EXIT_BASE + (int)kind;
}
