/* What the fuzzers (fuzz/) found, one table entry per finding, so that a
 * fix cannot quietly come undone. Each input is also a seed in the corpus
 * of the target that found it (fuzz/corpus/<target>/regress-*), where the
 * CTest fuzz tests replay it under the sanitizers; here the expected
 * answer is spelt out. */
#include <stdio.h>
#include <string.h>

#include "rt.h"
#include "unit.h"

/* fuzz_http_url: hosts the policy read as an IPv4 address that libcurl
 * (through inet_aton(3)) takes for a DNS name. Such a host must have no
 * normal form, so that no rule names it and a deny rule of its scheme
 * refuses it. */
static void test_ipv4_like_hosts(void) {
  static const struct {
    const char *url, *want; /* want NULL: no normal form */
  } cases[] = {
      /* a trailing dot after a number: WHATWG's IPv4, a name to curl */
      {"http://3./g.6", NULL},
      {"http://1.2.3.4./", NULL},
      {"http://0x7f.1./", NULL},
      /* "0x" without digits */
      {"http://0x:/", NULL},
      {"http://1.0x/", NULL},
      /* parts that wrapped around 64 bits: 0x4f << 72 read as 0, and
       * 2^64 + 0x7f000001 as 127.0.0.1 */
      {"http://0x4f0000000000000000/", NULL},
      {"http://18446744073709551616/", NULL},
      {"http://18446744075840258049/", NULL},
      {"http://0x1000000007f000001/", NULL},
      {"http://4294967296/", NULL},
      /* what stays as it was */
      {"http://good.com./", "http://good.com/"},
      {"http://4294967295/", "http://255.255.255.255/"},
      {"http://0x0/", "http://0.0.0.0/"},
      {"http://0xffffffff/", "http://255.255.255.255/"},
      {"http://0x7f.1/", "http://127.0.0.1/"},
      {"http://00000000000000000000127.1/", NULL}, /* over 20 digits */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *t = cases[i].url;
    char out[256];
    dagger_url u;
    CU_ASSERT_FATAL(dagger_url_parse(t, strlen(t), &u) == DAGGER_OK);
    long n = dagger_policy_normalise(&u, out, sizeof out);
    bool ok =
        cases[i].want ? n >= 0 && strcmp(out, cases[i].want) == 0 : n == -1;
    if (!ok)
      fprintf(stderr, "\n%s -> %s (want %s)\n", t, n < 0 ? "none" : out,
              cases[i].want ? cases[i].want : "none");
    CU_ASSERT(ok);
  }
}

/* The same hosts through the decision: an allow rule for the address they
 * once normalised to does not open them, a deny rule of the scheme does
 * refuse them. */
static void test_ipv4_like_decision(void) {
  static const char *const allow[] = {"http://127.0.0.1", "http://0.0.0.0",
                                      NULL};
  static const char *const deny[] = {"http://evil.com", NULL};
  static const char *const urls[] = {
      "http://18446744075840258049/",
      "http://0x/",
      "http://127.0.0.1./",
  };
  dagger_rt rt = {.program = "test_fuzz_regressions", .allow = allow};
  dagger_rt open_rt = {
      .program = "test_fuzz_regressions", .deny = deny, .default_allow = 1};
  for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
    dagger_url u;
    CU_ASSERT_FATAL(dagger_url_parse(urls[i], strlen(urls[i]), &u) ==
                    DAGGER_OK);
    CU_ASSERT_EQUAL(dagger_policy_rule_match(allow[0], &u), -1);
    CU_ASSERT_EQUAL(dagger_policy_check(&rt, &u), DAGGER_NOT_PERMITTED);
    CU_ASSERT_EQUAL(dagger_policy_check(&open_rt, &u), DAGGER_NOT_PERMITTED);
  }
}

/* fuzz_jail: a raw NUL in a decoded path would cut it short of what was
 * checked ("a\0/../b" was checked whole, then opened as "a"). */
static void test_jail_raw_nul(void) {
  static const struct {
    const char *path;
    size_t n;
  } cases[] = {
      {"/a\0/../b", 8},
      {"/a\0", 3},
      {"/\0", 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char rel[64];
    dagger_str p = {cases[i].path, cases[i].n};
    CU_ASSERT_EQUAL(dagger_jail_path(p, rel, sizeof rel),
                    -DAGGER_BAD_URL_INPUT);
  }
  char rel[64];
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"/a/./b", 6}, rel, sizeof rel),
                  3);
  CU_ASSERT_STRING_EQUAL(rel, "a/b");
}

static const unit_test tests[] = {
    {"IPv4-like hosts have no normal form", test_ipv4_like_hosts},
    {"IPv4-like hosts in the decision", test_ipv4_like_decision},
    {"raw NUL in a jail path", test_jail_raw_nul},
    {NULL, NULL},
};

int main(void) {
  return unit_run("fuzz regressions", tests);
}
