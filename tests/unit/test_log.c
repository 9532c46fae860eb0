/* log://: one write is one line whatever its bytes (the escaping), the
 * prefix's checks, and a repeated prefix=. stderr is captured into a
 * temporary file around each write. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

#define UNIT_GUEST_MEMORY 65536u
#include "unit.h"

/* Opens url, writes n bytes of data and returns what reached stderr after
 * the timestamp (NUL-terminated in out), or "" when the open failed. */
static int32_t log_line(const char *url, const char *data, size_t n, char *out,
                        size_t size) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  dagger_rt *rt = guest_rt_new(&cfg);
  FILE *tmp = tmpfile();
  int saved = dup(STDERR_FILENO);
  int32_t fd = open_url(rt, url), r = fd;
  out[0] = '\0';
  if (fd >= 0) {
    memcpy(mem + 4096, data, n);
    dup2(fileno(tmp), STDERR_FILENO);
    r = dagger_write(rt, fd, 4096, (uint32_t)n);
    dup2(saved, STDERR_FILENO);
    rewind(tmp);
    char line[1024] = "";
    size_t got = fread(line, 1, sizeof line - 1, tmp);
    line[got] = '\0';
    const char *after = strstr(line, "Z ");
    snprintf(out, size, "%s", after ? after + 2 : line);
  }
  close(saved);
  fclose(tmp);
  dagger_rt_free(rt);
  return r;
}

static void test_one_line(void) {
  static const struct {
    const char *data;
    size_t n;
    const char *want;
  } cases[] = {
      {"plain text\n", 11, "log: plain text\n"},
      {"no newline", 10, "log: no newline\n"},
      {"x\n2026-01-01T00:00:00.000Z admin: forged", 40,
       "log: x\\x0a2026-01-01T00:00:00.000Z admin: forged\n"},
      {"a\r\x1b[31mred\x0b\x7f", 12, "log: a\\x0d\\x1b[31mred\\x0b\\x7f\n"},
      {"nul\0byte", 8, "log: nul\\x00byte\n"},
      {"back\\slash \\x0a", 15, "log: back\\\\slash \\\\x0a\n"},
      {"two\n\n", 5, "log: two\\x0a\n"}, /* only the last newline goes */
      {"caf\xc3\xa9 \xe2\x82\xac", 9, "log: caf\xc3\xa9 \xe2\x82\xac\n"},
      {"c1 \xc2\x9b", 5, "log: c1 \\xc2\\x9b\n"},          /* UTF-8 CSI */
      {"bad \xc3(", 6, "log: bad \\xc3(\n"},               /* broken UTF-8 */
      {"ls \xe2\x80\xa8", 6, "log: ls \\xe2\\x80\\xa8\n"}, /* U+2028 */
      {"rlo \xe2\x80\xae", 7, "log: rlo \\xe2\\x80\\xae\n"},
      {"cut \xe2\x82", 6, "log: cut \\xe2\\x82\n"},
  };
  char got[1024];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int32_t r = log_line("log://", cases[i].data, cases[i].n, got, sizeof got);
    CU_ASSERT_EQUAL(r, (int32_t)cases[i].n);
    CU_ASSERT_STRING_EQUAL(got, cases[i].want);
    if (strcmp(got, cases[i].want) != 0)
      fprintf(stderr, "case %zu: got [%s]\n", i, got);
  }
}

static void test_prefix(void) {
  char got[1024];
  CU_ASSERT_EQUAL(log_line("log://?prefix=app", "hi", 2, got, sizeof got), 2);
  CU_ASSERT_STRING_EQUAL(got, "app: hi\n");
  CU_ASSERT_EQUAL(log_line("log://?prefix=%C3%A9t%C3%A9", "x", 1, got, 99), 1);
  CU_ASSERT_STRING_EQUAL(got, "\xc3\xa9t\xc3\xa9: x\n");
  static const char *const refused[] = {
      "log://?prefix=%1b%5b31m", "log://?prefix=a%0ab",
      "log://?prefix=a%0db",     "log://?prefix=a%09b",
      "log://?prefix=a%7fb",     "log://?prefix=%c2%9b",
      "log://?prefix=%e2%80%ae", "log://?prefix=%ff",
      "log://?prefix=a\\b",      "log://?prefix=a&prefix=b",
      "log://?prefix=a&prefix",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    int32_t r = log_line(refused[i], "x", 1, got, sizeof got);
    CU_ASSERT_EQUAL(r, -DAGGER_BAD_URL_INPUT);
    if (r != -DAGGER_BAD_URL_INPUT)
      fprintf(stderr, "%s: %d\n", refused[i], r);
  }
}

static const unit_test tests[] = {
    {"one write, one line", test_one_line},
    {"prefix", test_prefix},
    {NULL, NULL},
};

int main(void) {
  return unit_run("log", tests);
}
