/* Run statistics: the counters every system call bumps, and the one JSON
 * object written at the end of a run when DAGGER_STATS names a file (or
 * "-", standard error). docs/limits.md lists the keys.
 *
 * The counters are plain increments in the call path (core.c, policy.c,
 * the WASI dispatch), always on: one add per call, no lock (one guest, one
 * thread of system calls). Only the end of the run reads them, from
 * dagger_rt_exit, or from the path that stops a program at a limit (which
 * then owns the runtime: limits.c). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rt.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void dagger_stats_init(dagger_stats *st) {
  const char *path = getenv("DAGGER_STATS");
  st->path = path && *path ? path : NULL;
  st->start_ns = now_ns();
}

/* ---- the JSON object ---------------------------------------------------- */

static void put_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static void put_seconds_or_null(FILE *f, const char *key, uint64_t ms) {
  if (ms)
    fprintf(f, "\"%s\": %.3f", key, (double)ms / 1000);
  else
    fprintf(f, "\"%s\": null", key);
}

static const char *limit_name(const dagger_stats *st) {
  if (st->trap == DAGGER_TRAP_TIMEOUT)
    return "timeout";
  if (st->trap == DAGGER_TRAP_CPU_TIME)
    return "cpu-time";
  return st->limit;
}

static const char *ending(const dagger_stats *st, const char *limit) {
  return limit ? "limit" : st->trap ? "trap" : st->ended ? st->ended : "exit";
}

static void put_ending(FILE *f, const dagger_rt *rt, int status) {
  const dagger_stats *st = rt->stats;
  const char *limit = limit_name(st);
  fprintf(f, "  \"status\": %d,\n  \"ended\": \"%s\",\n  \"trap\": ", status,
          ending(st, limit));
  if (st->trap)
    put_string(f, dagger_trap_message((dagger_trap)st->trap));
  else
    fputs("null", f);
  fputs(",\n  \"limit\": ", f);
  if (limit)
    put_string(f, limit);
  else
    fputs("null", f);
  fputs(",\n  \"limits\": {", f);
  if (st->limits.max_pages)
    fprintf(f, "\"max_memory_pages\": %u, ", (unsigned)st->limits.max_pages);
  else
    fputs("\"max_memory_pages\": null, ", f);
  put_seconds_or_null(f, "timeout", st->limits.timeout_ms);
  fputs(", ", f);
  put_seconds_or_null(f, "cpu_time", st->limits.cpu_ms);
  fputs("},\n", f);
}

static void put_calls(FILE *f, const dagger_stats *st) {
  static const char *const names[DAGGER_CALLS] = {"open", "close", "read",
                                                  "write", "flush"};
#define WASI_NAME_(name, params, results) #name,
  static const char *const wasi_names[DAGGER_WASI_COUNT] = {
      DAGGER_WASI_IMPORTS(WASI_NAME_)};
#undef WASI_NAME_
  fputs("  \"calls\": {\"dagger\": {", f);
  for (int i = 0; i < DAGGER_CALLS; i++)
    fprintf(f, "%s\"%s\": %llu", i ? ", " : "", names[i],
            (unsigned long long)st->calls[i]);
  fputs("}, \"wasi\": {", f);
  const char *sep = "";
  for (int i = 0; i < DAGGER_WASI_COUNT; i++) {
    if (!st->wasi_calls[i])
      continue;
    fprintf(f, "%s\"%s\": %llu", sep, wasi_names[i],
            (unsigned long long)st->wasi_calls[i]);
    sep = ", ";
  }
  fputs("}},\n", f);
}

/* Every scheme opened at least once, and "wasi" for WASI's descriptors
 * when a WASI call moved bytes. */
static void put_schemes(FILE *f, const dagger_stats *st) {
  const char *sep = "";
  fputs("  \"schemes\": {", f);
  for (unsigned i = 0; i < DAGGER_SCHEME_SLOTS; i++) {
    const dagger_scheme *s = dagger_scheme_at(i);
    if (!s || !(st->opens[i] | st->bytes_read[i] | st->bytes_written[i]))
      continue;
    fprintf(f, "%s\"%s\": {\"opens\": %llu, \"read\": %llu, \"written\": %llu}",
            sep, s->name, (unsigned long long)st->opens[i],
            (unsigned long long)st->bytes_read[i],
            (unsigned long long)st->bytes_written[i]);
    sep = ", ";
  }
  if (st->wasi_read | st->wasi_written)
    fprintf(f, "%s\"wasi\": {\"read\": %llu, \"written\": %llu}", sep,
            (unsigned long long)st->wasi_read,
            (unsigned long long)st->wasi_written);
  fputs("},\n", f);
}

static double tv_seconds(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void put_usage(FILE *f, const dagger_rt *rt) {
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  getrusage(RUSAGE_SELF, &ru);
  uint32_t pages =
      rt->mem.pages && rt->mem.base && *rt->mem.base ? *rt->mem.pages : 0;
  fprintf(f,
          "  \"policy_refused\": %llu,\n  \"peak_memory_pages\": %u,\n"
          "  \"time\": {\"wall\": %.6f, \"user\": %.6f, \"system\": %.6f}\n",
          (unsigned long long)rt->stats->refused, (unsigned)pages,
          (double)(now_ns() - rt->stats->start_ns) / 1e9,
          tv_seconds(ru.ru_utime), tv_seconds(ru.ru_stime));
}

void dagger_stats_write(dagger_rt *rt, int status) {
  if (!rt || !rt->stats || !rt->stats->path || rt->stats->written)
    return;
  rt->stats->written = true;
  bool to_stderr = strcmp(rt->stats->path, "-") == 0;
  FILE *f = to_stderr ? stderr : fopen(rt->stats->path, "w");
  if (!f) {
    dagger_rt_diag(rt, "DAGGER_STATS=%s: cannot write the statistics: %m",
                   rt->stats->path);
    return;
  }
  fputs("{\n  \"program\": ", f);
  put_string(f, rt->program);
  fputs(",\n", f);
  put_ending(f, rt, status);
  put_calls(f, rt->stats);
  put_schemes(f, rt->stats);
  put_usage(f, rt);
  fputs("}\n", f);
  if (to_stderr ? fflush(f) != 0 : fclose(f) != 0)
    dagger_rt_diag(rt, "DAGGER_STATS=%s: cannot write the statistics: %m",
                   rt->stats->path);
}
