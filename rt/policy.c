/* Which URLs this program may open. Rules name a scheme ("https") or a URL
 * prefix; deny beats allow; a URL that no rule names gets default_allow. */
#include <string.h>

#include "rt.h"

static bool rule_matches(const char *rule, const dagger_url *url) {
  size_t n = strlen(rule);
  if (!strchr(rule, ':'))
    return strcmp(rule, url->scheme) == 0;
  return n <= url->text.n && memcmp(rule, url->text.p, n) == 0;
}

static bool any_matches(const char *const *rules, const dagger_url *url) {
  for (; rules && *rules; rules++)
    if (rule_matches(*rules, url))
      return true;
  return false;
}

int dagger_policy_check(const dagger_rt *rt, const dagger_url *url) {
  bool ok = !any_matches(rt->deny, url) &&
            (rt->default_allow || any_matches(rt->allow, url));
  if (ok)
    return DAGGER_OK;
  dagger_rt_diag(rt, "policy: denied open of %.*s", (int)url->text.n,
                 url->text.p);
  return DAGGER_NOT_PERMITTED;
}
