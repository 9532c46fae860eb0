/* --allow/--deny rules, checked the same way by both drivers: the
 * runtime's own parser judges a rule (rt/policy.c), so a rule a driver
 * accepts is one the program can apply. */
#include "rules.h"

#include "compiler.h"
#include "rt.h"

#include <stdio.h>

int dagger_cli_rule_check(const char *opt, const char *rule, char *msg,
                          size_t size) {
  char shown[256];

  if (!rule || !*rule) {
    snprintf(msg, size, "%s needs a non-empty rule", opt);
    return -1;
  }
  if (dagger_policy_rule_check(rule) == DAGGER_OK)
    return 0;
  snprintf(msg, size,
           "%s %s: not a rule (a scheme such as https, or a URL prefix such "
           "as https://example.com/api/)",
           opt, dgc_printable(shown, sizeof shown, rule));
  return -1;
}

int dagger_cli_env_check(const char *spec, char *msg, size_t size) {
  char shown[256];

  if (spec && *spec && *spec != '=')
    return 0;
  snprintf(msg, size, "--env needs NAME or NAME=VALUE, got '%s'",
           dgc_printable(shown, sizeof shown, spec ? spec : ""));
  return -1;
}
