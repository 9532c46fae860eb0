/* libFuzzer target for the policy decision with fuzzed rules as well as a
 * fuzzed URL. The input is lines: the first is the URL, each further line
 * a rule, "+RULE" for --allow, "-RULE" for --deny ("!" alone makes the
 * default deny; otherwise, as in daggercc, the default is allow exactly
 * when there is no allow rule). For any input:
 *   - dagger_policy_check answers OK or NOT_PERMITTED, and that answer is
 *     the documented one: denied when a deny rule names the URL (strictly
 *     or in its loose HTTP form: dagger_policy_deny_match) or cannot
 *     decide (fail closed), else allowed when an allow rule names it or
 *     by default;
 *   - a rule that cannot decide (-1) is invalid or meets a URL that has no
 *     normal form;
 *   - a valid prefix rule and its own normal form, used as a rule, decide
 *     alike, and a URL and its normal form are decided alike by every rule
 *     (spelling never changes a verdict);
 *   - a prefix rule names only URLs of its own authority (host and port of
 *     the normal forms equal), so no rule for one host opens another;
 *   - the policy and the jail agree on file URLs: when every file rule is
 *     a scheme rule or a valid "file:///PATH" (no host, no query), a file
 *     URL the jail would open (its query is one file_open takes, and
 *     dagger_jail_path gives the path it opens)
 *     is allowed exactly when that path lies under an allow rule's path
 *     (or by default) and under no deny rule's path, component by
 *     component: "//", "/./" or an escape never make the policy judge
 *     another file than the one opened.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I rt -I rt/include fuzz/fuzz_policy.c \
 *     rt/[a-z]*.c -o /tmp/fuzz_policy
 *   cp -r fuzz/corpus/policy /tmp/corpus-policy  # keep the seeds pristine
 *   /tmp/fuzz_policy -runs=2000000 /tmp/corpus-policy
 *
 * A denied open prints a line on stderr: the target adds -close_fd_mask=2
 * to the command line (fuzz/quiet.h). */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "quiet.h"
#include "rt.h"

#define MAX_RULES 16
#define NORM_MAX (DAGGER_URL_MAX + 64)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  quiet_stderr(argc, argv);
  return 0;
}

typedef struct input {
  char *url;
  size_t url_len;
  const char *allow[MAX_RULES + 1], *deny[MAX_RULES + 1];
  int nallow, ndeny;
  int default_allow;
} input;

/* Splits a NUL-terminated copy of the input into its lines (a rule with a
 * NUL in it ends there, as an argv string would). */
static void split(char *text, size_t size, input *in) {
  char *nl = memchr(text, '\n', size);
  char *line = nl ? nl + 1 : NULL;
  in->url = text;
  in->url_len = nl ? (size_t)(nl - text) : size;
  in->default_allow = -1;
  while (line) {
    char *next = memchr(line, '\n', size - (size_t)(line - text));
    if (next)
      *next = '\0';
    if (strcmp(line, "!") == 0)
      in->default_allow = 0;
    else if (line[0] == '+' && in->nallow < MAX_RULES)
      in->allow[in->nallow++] = line + 1;
    else if (line[0] == '-' && in->ndeny < MAX_RULES)
      in->deny[in->ndeny++] = line + 1;
    line = next ? next + 1 : NULL;
  }
  in->allow[in->nallow] = in->deny[in->ndeny] = NULL;
  if (in->default_allow < 0)
    in->default_allow = in->nallow == 0;
}

/* A scheme rule as policy.c reads it: "https", "https:" or "https://". */
static bool is_scheme_rule(const char *rule) {
  static const char more[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
      "0123456789+-.";
  size_t n = strspn(rule, more);
  const char *rest = rule + n;
  return n > 0 && n < 32 && isalpha((unsigned char)rule[0]) &&
         (!*rest || strcmp(rest, ":") == 0 || strcmp(rest, "://") == 0);
}

/* The normal form of a URL's text, or -1. */
static long normalise_text(const char *text, size_t n, char *out) {
  dagger_url u;
  if (dagger_url_parse(text, n, &u) != DAGGER_OK)
    return -1;
  return dagger_policy_normalise(&u, out, NORM_MAX);
}

/* Length of "scheme://authority" at the start of a normal form. */
static size_t authority_end(const char *norm) {
  const char *a = strstr(norm, "://");
  if (!a)
    fail("normal form without \"://\": %s", norm);
  return (size_t)(a + 3 - norm) + strcspn(a + 3, "/?");
}

static void check_rule(const char *rule, const dagger_url *u, const char *un,
                       long ulen) {
  static char rn[NORM_MAX];
  int m = dagger_policy_rule_match(rule, u);
  if (m < -1 || m > 1)
    fail("rule %s: match %d", rule, m);
  bool valid = dagger_policy_rule_check(rule) == DAGGER_OK;
  if (m == -1 && valid && ulen >= 0)
    fail("valid rule %s undecided on %s", rule, un);
  if (!valid || is_scheme_rule(rule))
    return;
  long rlen = normalise_text(rule, strlen(rule), rn);
  if (rlen < 0)
    fail("valid rule %s has no normal form", rule);
  if (dagger_policy_rule_check(rn) != DAGGER_OK)
    fail("normal form %s of valid rule %s is invalid", rn, rule);
  int mn = dagger_policy_rule_match(rn, u);
  if (is_scheme_rule(rn)) {
    /* "file://#x" normalises to "file://", which is read as a scheme rule
     * and so names URLs without a normal form too. */
    if (m != mn && m != -1)
      fail("rule %s matches %d, its normal form %s %d", rule, m, rn, mn);
    return;
  }
  if (mn != m)
    fail("rule %s matches %d, its normal form %s %d", rule, m, rn, mn);
  if (m == 1) {
    size_t ra = authority_end(rn), ua = authority_end(un);
    if (ra != ua || memcmp(rn, un, ra) != 0)
      fail("rule %s (%s) names %s of another authority", rule, rn, un);
  }
}

static bool expected(const input *in, const dagger_url *u) {
  for (int i = 0; i < in->ndeny; i++) {
    int strict = dagger_policy_rule_match(in->deny[i], u),
        loose = dagger_policy_deny_match(in->deny[i], u);
    if (strict == 1 && loose != 1)
      fail("deny rule %s names %.*s, its loose match says %d", in->deny[i],
           (int)u->text.n, u->text.p, loose);
    if (loose != 0)
      return false;
  }
  for (int i = 0; i < in->nallow; i++)
    if (dagger_policy_rule_match(in->allow[i], u) == 1)
      return true;
  return in->default_allow;
}

static int verdict(const input *in, const dagger_url *u) {
  dagger_rt rt = {.program = "fuzz_policy",
                  .allow = in->allow,
                  .deny = in->deny,
                  .default_allow = in->default_allow};
  int v = dagger_policy_check(&rt, u);
  if (v != DAGGER_OK && v != DAGGER_NOT_PERMITTED)
    fail("dagger_policy_check answered %d", v);
  if ((v == DAGGER_OK) != expected(in, u))
    fail("dagger_policy_check answered %d against its contract", v);
  return v;
}

/* Does the file rule name the jail path rel ("a/b")? 1 yes, 0 no, -1 when
 * the rule is not a plain path rule (the check is then skipped). */
static int jail_names(const char *rule, const char *rel) {
  if (dagger_policy_rule_check(rule) != DAGGER_OK)
    return -1; /* an invalid deny rule refuses everything */
  if (is_scheme_rule(rule))
    return strncasecmp(rule, "file", 4) == 0 &&
           (rule[4] == '\0' || rule[4] == ':');
  dagger_url ru;
  char path[NORM_MAX];
  if (dagger_url_parse(rule, strlen(rule), &ru) != DAGGER_OK)
    return -1;
  if (strcmp(ru.scheme, "file") != 0)
    return 0;
  if (ru.authority.n || ru.has_query || ru.path.n == 0 ||
      dagger_file_path_normalise(ru.path, path, sizeof path) < 0)
    return -1;
  const char *r = path + 1; /* "pub/secret" or "pub/" or "" (the root) */
  size_t n = strlen(r);
  if (n == 0 || r[n - 1] == '/')
    return strncmp(rel, r, n) == 0;
  return strncmp(rel, r, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

/* Would file_open (rt/file.c) take the URL's query? Only "mode" keys with
 * values that decode: "?a%zz" or "?mode=%zz" is refused before the jail
 * is asked, so such a URL opens nothing whatever its path (and the policy,
 * which finds no normal form for it, may well deny it: fail closed). */
static bool file_query_ok(const dagger_url *u) {
  static const char *const keys[] = {"mode", NULL};
  char val[4];
  return dagger_url_query_only(u, keys) == DAGGER_OK &&
         dagger_url_query_get(u, "mode", val, sizeof val) >= 0;
}

/* The policy's verdict v on a file URL against the jail's view of it. */
static void check_jail_agreement(const input *in, const dagger_url *u, int v) {
  static char rel[PATH_MAX];
  if (strcmp(u->scheme, "file") != 0 || u->authority.n || !file_query_ok(u) ||
      dagger_jail_path(u->path, rel, sizeof rel) < 0)
    return; /* the jail opens nothing */
  bool denied = false, allowed = in->default_allow;
  for (int i = 0; i < in->nallow + in->ndeny; i++) {
    bool deny = i >= in->nallow;
    int m = jail_names(deny ? in->deny[i - in->nallow] : in->allow[i], rel);
    if (m < 0)
      return;
    if (m && deny)
      denied = true;
    else if (m)
      allowed = true;
  }
  if ((v == DAGGER_OK) != (allowed && !denied))
    fail("policy %s %.*s, but the jail opens %s, which the rules %s",
         v == DAGGER_OK ? "allowed" : "denied", (int)u->text.n, u->text.p, rel,
         allowed && !denied ? "allow" : "deny");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char text[DAGGER_URL_MAX * 4 + 1], un[NORM_MAX];
  if (size >= sizeof text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  input in = {0};
  split(text, size, &in);
  dagger_url u;
  if (dagger_url_parse(in.url, in.url_len, &u) != DAGGER_OK)
    return 0;
  long ulen = dagger_policy_normalise(&u, un, sizeof un);
  for (int i = 0; i < in.nallow; i++)
    check_rule(in.allow[i], &u, un, ulen);
  for (int i = 0; i < in.ndeny; i++)
    check_rule(in.deny[i], &u, un, ulen);
  int v = verdict(&in, &u);
  check_jail_agreement(&in, &u, v);
  if (ulen < 0)
    return 0;
  dagger_url nu;
  if (dagger_url_parse(un, (size_t)ulen, &nu) != DAGGER_OK)
    fail("normal form %s does not parse", un);
  for (int i = 0; i < in.nallow + in.ndeny; i++) {
    const char *r = i < in.nallow ? in.allow[i] : in.deny[i - in.nallow];
    int a = dagger_policy_rule_match(r, &u),
        b = dagger_policy_rule_match(r, &nu);
    if (a != b)
      fail("rule %s: %d on %.*s, %d on its normal form %s", r, a,
           (int)in.url_len, in.url, b, un);
  }
  if (verdict(&in, &nu) != v)
    fail("%.*s and its normal form %s decided differently", (int)in.url_len,
         in.url, un);
  return 0;
}
