/* The open policy: normal forms, rule matching and the allow/deny decision,
 * both directly and through dagger_open (so the core's call of the policy
 * before a scheme's open is covered). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "unit.h"

static long norm(const char *text, char *out, size_t size) {
  dagger_url u;
  if (dagger_url_parse(text, strlen(text), &u) != DAGGER_OK)
    return -2;
  return dagger_policy_normalise(&u, out, size);
}

static void test_normal_forms(void) {
  static const struct {
    const char *url, *want; /* want NULL: no normal form */
  } cases[] = {
      {"HTTPS://API.Example.COM/v1", "https://api.example.com/v1"},
      {"https://api.example.com:443/x", "https://api.example.com/x"},
      {"https://api.example.com:0443/x", "https://api.example.com/x"},
      {"http://h:80/", "http://h/"},
      {"http://h:/", "http://h/"},
      {"http://h:8080/", "http://h:8080/"},
      {"https://h:80/", "https://h:80/"},
      {"http://h", "http://h/"},
      {"http://user:pw@h/", "http://h/"},
      {"http://evil.com@good.com/", "http://good.com/"},
      {"http://a@b@good.com/", "http://good.com/"},
      {"http://good.com./", "http://good.com/"},
      {"http://g%6Fod.com/", "http://good.com/"},
      {"http://h/%7euser/%41b", "http://h/~user/Ab"},
      {"http://h/a%2fb", NULL},
      {"http://h/a%5Cb", NULL},
      {"http://h/a\\b", NULL},
      {"http://h/%zz", NULL},
      {"http://h/a%3fb", "http://h/a%3Fb"},
      {"http://h/a/./b/../c", "http://h/a/c"},
      {"http://h/a/%2e%2E/b", "http://h/b"},
      {"http://h/../../etc", "http://h/etc"},
      {"http://h/a/..", "http://h/"},
      {"http://h/a/b/.", "http://h/a/b/"},
      {"http://h/a?x=%2e&y", "http://h/a?x=.&y"},
      {"http://127.0.0.1/", "http://127.0.0.1/"},
      {"http://0x7f.1/", "http://127.0.0.1/"},
      {"http://2130706433/", "http://127.0.0.1/"},
      {"http://0177.0.0.01/", "http://127.0.0.1/"},
      {"http://1.2.3.256/", NULL},
      {"http://foo.123/", NULL},
      {"http://[::1]/", "http://[::1]/"},
      {"http://[0:0:0:0:0:0:0:1]:80/", "http://[::1]/"},
      {"http://[::1]x/", NULL},
      {"http://[fe80::1%25eth0]/", NULL},
      {"http://h:99999/", NULL},
      {"http://h:0/", NULL},
      {"http://h:8o/", NULL},
      {"http://h:1:2/", NULL},
      {"http://bad_host!/", NULL},
      {"http://b%C3%BCcher.de/", NULL},
      {"http://./", NULL},
      {"file:///data/../x?mode=r", "file:///x?mode=r"},
      {"stdout://", "stdout://"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[256];
    long n = norm(cases[i].url, out, sizeof out);
    if (!cases[i].want) {
      if (n != -1)
        fprintf(stderr, "\n%s -> %s (want none)\n", cases[i].url, out);
      CU_ASSERT_EQUAL(n, -1);
      continue;
    }
    if (n < 0 || strcmp(out, cases[i].want) != 0)
      fprintf(stderr, "\n%s -> %s (want %s)\n", cases[i].url,
              n < 0 ? "none" : out, cases[i].want);
    CU_ASSERT(n >= 0 && strcmp(out, cases[i].want) == 0);
  }
  char tiny[8];
  CU_ASSERT_EQUAL(norm("http://example.com/", tiny, sizeof tiny), -1);
}

static int match(const char *rule, const char *text) {
  dagger_url u;
  CU_ASSERT_FATAL(dagger_url_parse(text, strlen(text), &u) == DAGGER_OK);
  return dagger_policy_rule_match(rule, &u);
}

static void test_rule_match(void) {
  static const struct {
    const char *rule, *url;
    int want;
  } cases[] = {
      {"https", "https://x/", 1},
      {"HTTPS:", "https://x/", 1},
      {"https://", "https://x/", 1},
      {"https", "http://x/", 0},
      {"http", "https://x/", 0},
      {"file", "file:///a", 1},
      /* prefix boundary */
      {"https://api.example.com/v1", "https://api.example.com/v1", 1},
      {"https://api.example.com/v1", "https://api.example.com/v1/x", 1},
      {"https://api.example.com/v1", "https://api.example.com/v1?q", 1},
      {"https://api.example.com/v1", "https://api.example.com/v10", 0},
      {"https://api.example.com/v1/", "https://api.example.com/v10", 0},
      {"https://api.example.com/v1/", "https://api.example.com/v1/a", 1},
      {"https://api.example.com/v1", "https://api.example.com/v1/../v2", 0},
      {"https://api.example.com/v1", "https://api.example.com/v1%2f..", -1},
      {"https://api.example.com/v1?a=1", "https://api.example.com/v1?a=1&b", 1},
      {"https://api.example.com/v1?a=1", "https://api.example.com/v1?a=10", 0},
      /* hosts */
      {"https://api.example.com", "https://api.example.com/", 1},
      {"https://api.example.com", "https://api.example.com/x", 1},
      {"https://api.example.com", "https://api.example.com.evil.org/", 0},
      {"https://api.example.com", "https://api.example.comx/", 0},
      {"https://api.example.com", "https://xapi.example.com/", 0},
      {"https://api.example.com", "https://API.EXAMPLE.COM./a", 1},
      {"https://api.example.com", "https://api.example.com:443/", 1},
      {"https://api.example.com", "https://api.example.com:8443/", 0},
      {"https://api.example.com:8443/", "https://api.example.com:8443/", 1},
      {"http://127.0.0.1", "http://0x7f000001/", 1},
      /* userinfo is not the host */
      {"http://evil.com/", "http://evil.com@good.com/", 0},
      {"http://good.com/", "http://evil.com@good.com/", 1},
      {"http://good.com/", "http://good.com@evil.com/", 0},
      {"http://good.com/", "http://good.com:80@evil.com/", 0},
      /* schemes never cross */
      {"http://x/", "https://x/", 0},
      {"file:///data/", "file:///data/a", 1},
      {"file:///data", "file:///database", 0},
      {"file:///data", "file:///data?mode=w", 1},
      {"file:///data/", "file:///data/../etc/passwd", 0},
      /* invalid rules */
      {"not a rule", "http://x/", -1},
      {"http://h:99999/", "http://x/", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int m = match(cases[i].rule, cases[i].url);
    if (m != cases[i].want)
      fprintf(stderr, "\nrule %s url %s -> %d (want %d)\n", cases[i].rule,
              cases[i].url, m, cases[i].want);
    CU_ASSERT_EQUAL(m, cases[i].want);
  }
}

static void test_rule_check(void) {
  CU_ASSERT_EQUAL(dagger_policy_rule_check("https"), DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_policy_rule_check("file://"), DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_policy_rule_check("https://api.example.com/v1"),
                  DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_policy_rule_check("https:/x"), DAGGER_BAD_URL);
  CU_ASSERT_EQUAL(dagger_policy_rule_check(""), DAGGER_BAD_URL);
  CU_ASSERT_EQUAL(dagger_policy_rule_check("http://[::1/"), DAGGER_BAD_URL);
}

/* The whole decision, as dagger_open makes it, with a real guest memory. */
static uint8_t mem[65536];
static uint8_t *base = mem;
static uint32_t pages = 1;

static int32_t open_with(const char *const *allow, const char *const *deny,
                         int default_allow, const char *url) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test_policy";
  cfg.allow = allow;
  cfg.deny = deny;
  cfg.default_allow = default_allow;
  dagger_rt *rt = dagger_rt_new(&cfg);
  CU_ASSERT_FATAL(rt != NULL);
  dagger_rt_set_memory(rt, (dagger_memory){&base, &pages, 0});
  memcpy(mem, url, strlen(url));
  int32_t fd = dagger_open(rt, 0, (uint32_t)strlen(url));
  dagger_rt_free(rt);
  return fd;
}

static void test_decision(void) {
  static const char *const allow_null[] = {"null", "zero://", NULL};
  static const char *const deny_zero[] = {"zero", NULL};
  static const char *const none[] = {NULL};
  static const char *const bad_deny[] = {"http://[", NULL};
  /* default deny: only what an allow rule names */
  CU_ASSERT_EQUAL(open_with(allow_null, NULL, 0, "null://"), 0);
  CU_ASSERT_EQUAL(open_with(allow_null, NULL, 0, "zero://"), 0);
  CU_ASSERT_EQUAL(open_with(allow_null, NULL, 0, "random://"),
                  -DAGGER_NOT_PERMITTED);
  /* deny beats allow */
  CU_ASSERT_EQUAL(open_with(allow_null, deny_zero, 0, "zero://"),
                  -DAGGER_NOT_PERMITTED);
  CU_ASSERT_EQUAL(open_with(allow_null, deny_zero, 0, "null://"), 0);
  /* default allow with a deny list */
  CU_ASSERT_EQUAL(open_with(NULL, deny_zero, 1, "null://"), 0);
  CU_ASSERT_EQUAL(open_with(none, deny_zero, 1, "ZERO://"),
                  -DAGGER_NOT_PERMITTED);
  /* no rules at all */
  CU_ASSERT_EQUAL(open_with(NULL, NULL, 1, "null://"), 0);
  CU_ASSERT_EQUAL(open_with(NULL, NULL, 0, "null://"), -DAGGER_NOT_PERMITTED);
  /* an invalid deny rule fails closed */
  CU_ASSERT_EQUAL(open_with(NULL, bad_deny, 1, "null://"),
                  -DAGGER_NOT_PERMITTED);
}

/* A deny rule for a host cannot be sneaked past by spelling the host
 * differently; the check is made on the URL before any scheme's open. */
static void test_deny_lookalikes(void) {
  static const char *const deny[] = {"http://good.com/", NULL};
  static const char *const tricks[] = {
      "http://GOOD.com/",     "http://good.com:80/x",
      "http://good.com./",    "http://evil.com@good.com/",
      "http://g%6fod.com/",   "http://good.com:0080/",
      "http://good.com/a/..", "http://good.com",
      "http://good.com/%2f",  "http://good.com:80:80/",
  };
  dagger_url u;
  dagger_rt *rt = calloc(1, sizeof *rt); /* the decision needs only these */
  CU_ASSERT_FATAL(rt != NULL);
  rt->program = "test_policy";
  rt->deny = deny;
  rt->default_allow = 1;
  for (size_t i = 0; i < sizeof tricks / sizeof tricks[0]; i++) {
    CU_ASSERT_FATAL(dagger_url_parse(tricks[i], strlen(tricks[i]), &u) ==
                    DAGGER_OK);
    int r = dagger_policy_check(rt, &u);
    if (r != DAGGER_NOT_PERMITTED)
      fprintf(stderr, "\n%s was not denied\n", tricks[i]);
    CU_ASSERT_EQUAL(r, DAGGER_NOT_PERMITTED);
  }
  const char *other = "http://good.com.evil.org/";
  CU_ASSERT_FATAL(dagger_url_parse(other, strlen(other), &u) == DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_policy_check(rt, &u), DAGGER_OK);
  free(rt);
}

/* The example table of docs/streams.md, decided as the driver configures
 * it: --allow given, so default deny. */
static void test_doc_examples(void) {
  static const char *const allow[] = {"https://api.example.com/v1", NULL};
  static const char *const deny[] = {"https://api.example.com/v1/admin", NULL};
  static const struct {
    const char *url;
    int want;
  } cases[] = {
      {"https://api.example.com/v1/items", DAGGER_OK},
      {"HTTPS://API.EXAMPLE.COM:443/v1/items", DAGGER_OK},
      {"https://api.example.com/v10", DAGGER_NOT_PERMITTED},
      {"https://api.example.com/v1/admin/users", DAGGER_NOT_PERMITTED},
      {"https://api.example.com/v1/%61dmin", DAGGER_NOT_PERMITTED},
      {"https://api.example.com/v1/x/../admin", DAGGER_NOT_PERMITTED},
      {"https://api.example.com/v1%2Fadmin", DAGGER_NOT_PERMITTED},
      {"https://evil.org@api.example.com/v1/x", DAGGER_OK},
      {"file:///data/x", DAGGER_NOT_PERMITTED},
  };
  dagger_rt *rt = calloc(1, sizeof *rt);
  CU_ASSERT_FATAL(rt != NULL);
  rt->program = "test_policy";
  rt->allow = allow;
  rt->deny = deny;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dagger_url u;
    const char *t = cases[i].url;
    CU_ASSERT_FATAL(dagger_url_parse(t, strlen(t), &u) == DAGGER_OK);
    int r = dagger_policy_check(rt, &u);
    if (r != cases[i].want)
      fprintf(stderr, "\n%s -> %d\n", t, r);
    CU_ASSERT_EQUAL(r, cases[i].want);
  }
  free(rt);
}

static const unit_test tests[] = {
    {"normal forms", test_normal_forms},
    {"rule matching", test_rule_match},
    {"rule validity", test_rule_check},
    {"allow/deny decision", test_decision},
    {"deny look-alikes", test_deny_lookalikes},
    {"docs/streams.md examples", test_doc_examples},
    {NULL, NULL},
};

int main(void) {
  return unit_run("policy", tests);
}
