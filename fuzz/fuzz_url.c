/* libFuzzer target for URL splitting and the policy's normal form: for any
 * bytes, dagger_url_parse and dagger_policy_normalise must return without
 * touching memory they do not own, and whatever has a normal form must
 *   - keep it when normalised again (the normal form is a fixed point, so
 *     a rule and a URL meet in one spelling),
 *   - be named by itself used as a prefix rule, and
 *   - never be named by a host rule whose host differs from its own.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the
 * source tree (the whole runtime is linked; built this way it has neither
 * libcurl nor libsodium, which these functions do not use):
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I rt -I rt/include fuzz/fuzz_url.c \
 *     rt/[a-z]*.c -o /tmp/fuzz_url
 *   cp -r fuzz/corpus/url /tmp/corpus-url  # keep the seeds pristine
 *   /tmp/fuzz_url -runs=2000000 /tmp/corpus-url
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define NORM_MAX (DAGGER_URL_MAX + 64)

static void check_rules(const dagger_url *u, const char *norm) {
  static const char *const rules[] = {
      "https",
      "http:",
      "file://",
      "http://good.com/",
      "https://api.example.com/v1",
      "file:///data/",
      "http://[::1]:8080/",
      "http://127.0.0.1/",
  };
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    int m = dagger_policy_rule_match(rules[i], u);
    if (m < -1 || m > 1)
      abort();
    /* A prefix rule names only URLs of its own host. */
    if (m == 1 && strchr(rules[i], '/') && strncmp(rules[i], "file", 4)) {
      const char *host = strstr(rules[i], "://") + 3;
      size_t n = strcspn(host, "/");
      const char *uh = strstr(norm, "://") + 3;
      if (strncmp(uh, host, n) != 0 || (uh[n] != '/' && uh[n] != '?' && uh[n]))
        abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dagger_url u;
  if (dagger_url_parse((const char *)data, size, &u) != DAGGER_OK)
    return 0;
  static char norm[NORM_MAX], again[NORM_MAX];
  long n = dagger_policy_normalise(&u, norm, sizeof norm);
  if (n < 0) {
    check_rules(&u, "x://");
    return 0;
  }
  if ((size_t)n != strlen(norm))
    abort();
  dagger_url v;
  if (dagger_url_parse(norm, (size_t)n, &v) != DAGGER_OK)
    abort();
  long m = dagger_policy_normalise(&v, again, sizeof again);
  if (m != n || strcmp(norm, again) != 0) {
    fprintf(stderr, "not a fixed point: %s -> %s\n", norm, again);
    abort();
  }
  if (dagger_policy_rule_check(norm) == DAGGER_OK &&
      dagger_policy_rule_match(norm, &u) != 1) {
    fprintf(stderr, "own normal form does not match: %s\n", norm);
    abort();
  }
  check_rules(&u, norm);
  return 0;
}
