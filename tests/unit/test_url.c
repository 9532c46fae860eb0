/* Generic URL splitting, query access and percent-decoding. */
#include <string.h>

#include "rt.h"
#include "unit.h"

static int parse(const char *s, dagger_url *u) {
  return dagger_url_parse(s, strlen(s), u);
}

static int str_eq(dagger_str s, const char *lit) {
  return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static void test_split(void) {
  static const struct {
    const char *url, *scheme, *authority, *path, *query;
  } cases[] = {
      {"stdout://", "stdout", "", "", NULL},
      {"HTTP://Example.com:80/a/b?x=1#frag", "http", "Example.com:80", "/a/b",
       "x=1"},
      {"file:///data/x.txt?mode=w", "file", "", "/data/x.txt", "mode=w"},
      {"log://?prefix=app", "log", "", "", "prefix=app"},
      {"fd://1", "fd", "1", "", NULL},
      {"a+b.c-d://h", "a+b.c-d", "h", "", NULL},
      {"x://h?", "x", "h", "", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dagger_url u;
    CU_ASSERT_EQUAL_FATAL(parse(cases[i].url, &u), DAGGER_OK);
    CU_ASSERT_STRING_EQUAL(u.scheme, cases[i].scheme);
    CU_ASSERT(str_eq(u.authority, cases[i].authority));
    CU_ASSERT(str_eq(u.path, cases[i].path));
    CU_ASSERT_EQUAL(u.has_query, cases[i].query != NULL);
    if (cases[i].query)
      CU_ASSERT(str_eq(u.query, cases[i].query));
  }
}

static void test_rejects(void) {
  static const char *bad[] = {
      "",
      "stdout",
      "stdout:",
      "stdout:/",
      "1abc://",
      "://",
      "a b://",
      "x://a b",
      "x://a\tb",
      "x://\x7f",
      "verylongschemenamethatexceedsthirtytwochars://",
  };
  dagger_url u;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CU_ASSERT_EQUAL(parse(bad[i], &u), DAGGER_BAD_URL);
  CU_ASSERT_EQUAL(dagger_url_parse("x://a\0b", 7, &u), DAGGER_BAD_URL);
  char big[DAGGER_URL_MAX + 2];
  memset(big, 'a', sizeof big);
  memcpy(big, "x://", 4);
  CU_ASSERT_EQUAL(dagger_url_parse(big, sizeof big, &u), DAGGER_BAD_URL);
  CU_ASSERT_EQUAL(dagger_url_parse(big, DAGGER_URL_MAX, &u), DAGGER_OK);
}

static void test_query(void) {
  dagger_url u;
  CU_ASSERT_EQUAL(parse("log://?prefix=a%20b&mode=r&flag", &u), DAGGER_OK);
  char v[16];
  CU_ASSERT_EQUAL(dagger_url_query_get(&u, "prefix", v, sizeof v), 1);
  CU_ASSERT_STRING_EQUAL(v, "a b");
  CU_ASSERT_EQUAL(dagger_url_query_get(&u, "flag", v, sizeof v), 1);
  CU_ASSERT_STRING_EQUAL(v, "");
  CU_ASSERT_EQUAL(dagger_url_query_get(&u, "pre", v, sizeof v), 0);
  CU_ASSERT_EQUAL(dagger_url_query_get(&u, "prefix", v, 3),
                  -DAGGER_BAD_URL_INPUT);
  static const char *const some[] = {"prefix", "mode", NULL};
  static const char *const all[] = {"prefix", "mode", "flag", NULL};
  CU_ASSERT_EQUAL(dagger_url_query_only(&u, some), DAGGER_BAD_URL_INPUT);
  CU_ASSERT_EQUAL(dagger_url_query_only(&u, all), DAGGER_OK);
}

static void test_pct_decode(void) {
  char out[16];
  static const struct {
    const char *in;
    long want;
    const char *out;
  } cases[] = {
      {"abc", 3, "abc"},
      {"%2e%2E", 2, ".."},
      {"%41%7a", 2, "Az"},
      {"%", -2, NULL},
      {"%4", -2, NULL},
      {"%zz", -2, NULL},
      {"%00", -2, NULL},
      {"a%2", -2, NULL},
      {"", 0, ""},
      {"0123456789abcdef", -2, NULL}, /* does not fit with its NUL */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dagger_str s = {cases[i].in, strlen(cases[i].in)};
    long n = dagger_pct_decode(s, out, sizeof out);
    CU_ASSERT_EQUAL(n, cases[i].want);
    if (n >= 0)
      CU_ASSERT_STRING_EQUAL(out, cases[i].out);
  }
}

static const unit_test tests[] = {
    {"split", test_split}, {"rejects", test_rejects},
    {"query", test_query}, {"percent-decoding", test_pct_decode},
    {NULL, NULL},
};

int main(void) {
  return unit_run("url", tests);
}
