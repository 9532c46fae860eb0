/* Trap reporting, shared by compiled programs and the interpreter so that
 * both print the same line and exit with the same status. */
#include <stdio.h>

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
  if ((kind < DAGGER_TRAP_UNREACHABLE || kind > DAGGER_TRAP_OTHER) &&
      kind != DAGGER_TRAP_TIMEOUT && kind != DAGGER_TRAP_CPU_TIME)
    kind = DAGGER_TRAP_OTHER;
  if (rt) {
    rt->stats_store.trap = kind;
    dagger_rt_flush_all(rt);
  }
  dagger_rt_diag(rt, "trap: %s", dagger_trap_message(kind));
  return DAGGER_TRAP_EXIT_BASE + (int)kind;
}
