/* --allow and --deny as both drivers take them (daggercc and
 * dagger-interp): one check, so a rule one accepts the other accepts. */
#ifndef DAGGER_DRIVERS_RULES_H
#define DAGGER_DRIVERS_RULES_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when rule is a rule the runtime can apply; else -1 with the usage
 * message in msg ("--allow needs a non-empty rule", "--allow ht tp://x: not
 * a rule (...)"), the rule escaped so that the message stays one line.
 * opt is "--allow" or "--deny". */
int dagger_cli_rule_check(const char *opt, const char *rule, char *msg,
                          size_t size);

/* 0 when spec is NAME or NAME=VALUE with a non-empty NAME (--env, WASI
 * programs); else -1 with the usage message in msg, spec escaped. */
int dagger_cli_env_check(const char *spec, char *msg, size_t size);

#ifdef __cplusplus
}
#endif
#endif
