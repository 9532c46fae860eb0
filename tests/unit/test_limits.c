/* Limits and run statistics (rt/limits.c, rt/stats.c): the parsers of
 * --max-memory and --timeout values, the environment that lowers and never
 * raises, the counters of the call path and the JSON the end of a run
 * writes. The limits stopping a program are tested end to end
 * (tests/e2e/limits_*), since they end the process. */
#define UNIT_GUEST_MEMORY 65536
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static void test_parse_size(void) {
  static const struct {
    const char *text;
    int ok;
    uint32_t pages;
  } cases[] = {
      {"65536", 0, 1},   {"131071", 0, 1},
      {"64K", 0, 1},     {"64k", 0, 1},
      {"64KiB", 0, 1},   {"64KB", 0, 1},
      {"1M", 0, 16},     {"16MiB", 0, 256},
      {"1G", 0, 16384},  {"4G", 0, 65536},
      {"64G", 0, 65536}, {"99999999999G", 0, 65536},
      {"65535", -1, 0},  {"0", -1, 0},
      {"", -1, 0},       {"-1M", -1, 0},
      {"1T", -1, 0},     {"1MM", -1, 0},
      {"1 M", -1, 0},    {"M", -1, 0},
      {"1Mi B", -1, 0},  {"99999999999999999999", -1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint32_t pages = 0;
    int r = dagger_limit_parse_size(cases[i].text, &pages);
    CU_ASSERT_EQUAL(r, cases[i].ok);
    if (r == 0)
      CU_ASSERT_EQUAL(pages, cases[i].pages);
    if (r != cases[i].ok || (r == 0 && pages != cases[i].pages))
      printf("\n  %s: %d, %u pages\n", cases[i].text, r, (unsigned)pages);
  }
}

/* The same spellings as bytes, uncapped (DAGGER_CACHE_MAX). */
static void test_parse_bytes(void) {
  static const struct {
    const char *text;
    int ok;
    uint64_t bytes;
  } cases[] = {
      {"0", 0, 0},
      {"1", 0, 1},
      {"64K", 0, 65536},
      {"64kB", 0, 65536},
      {"512MiB", 0, 512ull << 20},
      {"2G", 0, 2ull << 30},
      {"17179869183G", 0, 17179869183ull << 30},
      {"17179869184G", -1, 0}, /* 2^64: more than 64 bits */
      {"99999999999999999999", -1, 0},
      {"", -1, 0},
      {"-1", -1, 0},
      {"1KX", -1, 0},
      {"1T", -1, 0},
      {"K", -1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t bytes = 0;
    int r = dagger_parse_bytes(cases[i].text, &bytes);
    CU_ASSERT_EQUAL(r, cases[i].ok);
    if (r == 0)
      CU_ASSERT_EQUAL(bytes, cases[i].bytes);
    if (r != cases[i].ok || (r == 0 && bytes != cases[i].bytes))
      printf("\n  %s: %d, %llu bytes\n", cases[i].text, r,
             (unsigned long long)bytes);
  }
}

static void test_parse_seconds(void) {
  static const struct {
    const char *text;
    int ok;
    uint64_t ms;
  } cases[] = {
      {"1", 0, 1000},      {"0.5", 0, 500},  {".25", 0, 250},
      {"2s", 0, 2000},     {"0.0001", 0, 1}, {"1.0004", 0, 1001},
      {"1e3", 0, 1000000}, {"0", -1, 0},     {"-1", -1, 0},
      {"", -1, 0},         {"1m", -1, 0},    {"nan", -1, 0},
      {"inf", -1, 0},      {"1e10", -1, 0},  {"2ss", -1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t ms = 0;
    int r = dagger_limit_parse_seconds(cases[i].text, &ms);
    CU_ASSERT_EQUAL(r, cases[i].ok);
    if (r == 0)
      CU_ASSERT_EQUAL(ms, cases[i].ms);
    if (r != cases[i].ok || (r == 0 && ms != cases[i].ms))
      printf("\n  %s: %d, %llu ms\n", cases[i].text, r, (unsigned long long)ms);
  }
}

static void clear_env(void) {
  unsetenv("DAGGER_MAX_MEMORY");
  unsetenv("DAGGER_TIMEOUT");
  unsetenv("DAGGER_CPU_TIME");
  unsetenv("DAGGER_STATS");
}

static dagger_rt *plain_rt(void) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test_limits";
  return guest_rt_new(&cfg);
}

/* The environment lowers a limit, sets an absent one, never raises one. */
static void test_env_lowers_only(void) {
  clear_env();
  dagger_rt *rt = plain_rt();
  dagger_limits lim = {.max_pages = 16, .timeout_ms = 2000, .cpu_ms = 0};
  setenv("DAGGER_MAX_MEMORY", "256K", 1);
  setenv("DAGGER_TIMEOUT", "30", 1); /* above: ignored */
  setenv("DAGGER_CPU_TIME", "1.5", 1);
  CU_ASSERT_EQUAL(dagger_limits_from_env(rt, &lim), 0);
  CU_ASSERT_EQUAL(lim.max_pages, 4);
  CU_ASSERT_EQUAL(lim.timeout_ms, 2000);
  CU_ASSERT_EQUAL(lim.cpu_ms, 1500);
  setenv("DAGGER_MAX_MEMORY", "1G", 1); /* above 4 pages now */
  setenv("DAGGER_TIMEOUT", "0.1", 1);
  CU_ASSERT_EQUAL(dagger_limits_from_env(rt, &lim), 0);
  CU_ASSERT_EQUAL(lim.max_pages, 4);
  CU_ASSERT_EQUAL(lim.timeout_ms, 100);
  setenv("DAGGER_CPU_TIME", "soon", 1);
  CU_ASSERT_EQUAL(dagger_limits_from_env(rt, &lim), -1);
  CU_ASSERT_EQUAL(lim.cpu_ms, 1500);
  clear_env();
  dagger_rt_free(rt);
}

/* Starting and stopping the watch with limits that do not run out. */
static void test_watch_start_stop(void) {
  dagger_rt *rt = plain_rt();
  dagger_limits lim = {.timeout_ms = 60000, .cpu_ms = 60000};
  CU_ASSERT_EQUAL(dagger_limits_start(rt, &lim), 0);
  CU_ASSERT_TRUE(rt->watched);
  int32_t fd = open_url(rt, "null://"); /* a call while watched */
  CU_ASSERT_EQUAL(dagger_write(rt, fd, 0, 3), 3);
  dagger_limits_stop(rt);
  CU_ASSERT_FALSE(rt->watched);
  dagger_limits_stop(rt); /* twice is fine */
  dagger_limits none = {0};
  CU_ASSERT_EQUAL(dagger_limits_start(rt, &none), 0);
  CU_ASSERT_FALSE(rt->watched);
  dagger_rt_free(rt);
}

static char *read_all(const char *path) {
  static char text[8192];
  FILE *f = fopen(path, "r");
  if (!f)
    return NULL;
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

/* The counters of the call path, and the JSON at the end of a run. */
static void test_stats(void) {
  char path[] = "/tmp/test_limits_stats.XXXXXX";
  int tmp = mkstemp(path);
  CU_ASSERT_FATAL(tmp >= 0);
  close(tmp);
  clear_env();
  setenv("DAGGER_STATS", path, 1);
  static const char *const allow[] = {"null://", "zero://", NULL};
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test\"limits";
  cfg.allow = allow;
  cfg.default_allow = 0;
  dagger_rt *rt = guest_rt_new(&cfg);
  unsetenv("DAGGER_STATS");
  int32_t n = open_url(rt, "null://"), z = open_url(rt, "zero://");
  CU_ASSERT_EQUAL(dagger_write(rt, n, 0, 5), 5);
  CU_ASSERT_EQUAL(dagger_write(rt, n, 0, 7), 7);
  CU_ASSERT_EQUAL(dagger_read(rt, z, 100, 9), 9);
  CU_ASSERT_EQUAL(dagger_write(rt, 17, 0, 1), -DAGGER_BAD_DESCRIPTOR);
  CU_ASSERT_EQUAL(open_url(rt, "file:///x"), -DAGGER_NOT_PERMITTED);
  CU_ASSERT_EQUAL(dagger_flush(rt, n), 0);
  CU_ASSERT_EQUAL(dagger_close(rt, z), 0);
  CU_ASSERT_EQUAL(rt->stats->calls[DAGGER_CALL_OPEN], 3);
  CU_ASSERT_EQUAL(rt->stats->calls[DAGGER_CALL_WRITE], 3);
  CU_ASSERT_EQUAL(rt->stats->refused, 1);
  dagger_limits lim = {.max_pages = 8};
  dagger_limits_start(rt, &lim);
  CU_ASSERT_EQUAL(dagger_trap_report(rt, DAGGER_TRAP_DIV_BY_ZERO), 204);
  CU_ASSERT_EQUAL(dagger_rt_exit(rt, 204), 204);
  const char *json = read_all(path);
  CU_ASSERT_PTR_NOT_NULL_FATAL(json);
  static const char *const want[] = {
      "\"program\": \"test\\\"limits\"",
      "\"status\": 204,",
      "\"ended\": \"trap\",",
      "\"trap\": \"integer divide by zero\",",
      "\"limit\": null,",
      "\"limits\": {\"max_memory_pages\": 8, \"timeout\": null, "
      "\"cpu_time\": null}",
      "\"dagger\": {\"open\": 3, \"close\": 1, \"read\": 1, \"write\": 3, "
      "\"flush\": 1}",
      "\"wasi\": {}",
      "\"null\": {\"opens\": 1, \"read\": 0, \"written\": 12}",
      "\"zero\": {\"opens\": 1, \"read\": 9, \"written\": 0}",
      "\"policy_refused\": 1,",
      "\"peak_memory_pages\": 1,",
      "\"time\": {\"wall\": ",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(json, want[i])) {
      CU_FAIL("a key or value missing from the statistics");
      printf("\n  missing %s in:\n%s\n", want[i], json);
    }
  CU_ASSERT_PTR_NULL(strstr(json, "file"));
  remove(path);
}

/* Without DAGGER_STATS nothing is written, not even on stderr. */
static void test_stats_off(void) {
  clear_env();
  dagger_rt *rt = plain_rt();
  CU_ASSERT_PTR_NULL(rt->stats->path);
  dagger_stats_write(rt, 0);
  CU_ASSERT_FALSE(rt->stats->written);
  dagger_rt_free(rt);
}

int main(void) {
  static const unit_test tests[] = {
      {"sizes of --max-memory", test_parse_size},
      {"sizes in bytes", test_parse_bytes},
      {"seconds of --timeout and --cpu-time", test_parse_seconds},
      {"the environment lowers, never raises", test_env_lowers_only},
      {"the watch starts and stops", test_watch_start_stop},
      {"statistics of a run", test_stats},
      {"no statistics without DAGGER_STATS", test_stats_off},
      {NULL, NULL}};
  return unit_run("limits and statistics", tests);
}
