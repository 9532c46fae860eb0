/* WASI preview1: the dispatch of the import table, set-up and teardown.
 *
 * Every engine reaches WASI through dagger_wasi_call with the function's
 * number in the import table (dagger/wasi-imports.h) and its core wasm
 * arguments: the glue of a compiled program and the interpreter pass the
 * same words, so both run the same code. The state a WASI program adds to
 * the runtime (its arguments, its environment, whether it exited) lives in
 * rt->wasi; its descriptors are the runtime's own table (wasi-fdtable.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi.h"

#define WASI_ENTRY_(name, params, results) wasi_##name,
typedef int32_t (*dagger_wasi_impl)(dagger_rt *rt, const uint64_t *args);
static const dagger_wasi_impl dagger_wasi_table[DAGGER_WASI_COUNT] = {
    DAGGER_WASI_IMPORTS(WASI_ENTRY_)};
#undef WASI_ENTRY_

int32_t dagger_wasi_call(dagger_rt *rt, dagger_wasi_fn fn,
                         const uint64_t *args) {
  static const uint64_t none[1];
  if ((unsigned)fn >= DAGGER_WASI_COUNT)
    return WASI_ENOSYS;
  if (!wasi_call_begin(rt, fn))
    return WASI_ENOSYS; /* no dagger_wasi_init, or after proc_exit */
  int32_t r = dagger_wasi_table[fn](rt, args ? args : none);
  wasi_call_end(rt);
  return r;
}

int dagger_wasi_exited(const dagger_rt *rt, int *status) {
  if (!rt || !rt->wasi || !rt->wasi->exited)
    return 0;
  *status = rt->wasi->status;
  return 1;
}

/* A NULL-terminated copy of list (NULL: just `first`, when given). */
static char **copy_list(const char *const *list, const char *first, size_t *n) {
  size_t count = 0;
  while (list && list[count])
    count++;
  char **v = calloc(count + 2, sizeof *v);
  if (!v)
    return NULL;
  *n = 0;
  if (!list && first)
    v[(*n)++] = strdup(first);
  for (size_t i = 0; i < count; i++)
    v[(*n)++] = strdup(list[i]);
  for (size_t i = 0; i < *n; i++)
    if (!v[i])
      return NULL; /* freed with the state */
  return v;
}

/* "NAME" takes the host's value (skipped when unset); "NAME=VALUE" is
 * kept as it is. */
static char **resolve_env(const char *const *spec, size_t *n) {
  size_t count = 0;
  while (spec && spec[count])
    count++;
  char **v = calloc(count + 1, sizeof *v);
  *n = 0;
  for (size_t i = 0; v && i < count; i++) {
    const char *s = spec[i], *val = strchr(s, '=') ? NULL : getenv(s);
    if (!strchr(s, '=') && !val)
      continue;
    size_t len = strlen(s) + (val ? strlen(val) + 1 : 0) + 1;
    if (!(v[*n] = malloc(len)))
      return v;
    snprintf(v[(*n)++], len, val ? "%s=%s" : "%s", s, val ? val : "");
  }
  return v;
}

static void free_list(char **v) {
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

void dagger_wasi_free(dagger_rt *rt) {
  if (!rt->wasi)
    return;
  free_list(rt->wasi->args);
  free_list(rt->wasi->env);
  free(rt->wasi);
  rt->wasi = NULL;
  rt->wasi_live = false;
}

/* Descriptors 0-2: the Dagger standard streams, wrapped. */
static int open_stdio(dagger_rt *rt) {
  static const dagger_scheme *const std[3] = {
      &dagger_scheme_stdin, &dagger_scheme_stdout, &dagger_scheme_stderr};
  for (int fd = 0; fd < 3; fd++) {
    dagger_url url;
    char text[16];
    int n = snprintf(text, sizeof text, "%s://", std[fd]->name);
    dagger_url_parse(text, (size_t)n, &url);
    dagger_stream *inner = NULL;
    if (rt->fds[fd] || std[fd]->open(rt, &url, &inner) != DAGGER_OK)
      return -DAGGER_IO;
    inner->scheme = std[fd];
    wasi_file *f = wasi_file_new(-1, NULL);
    if (!f) {
      std[fd]->close(inner);
      return -DAGGER_IO;
    }
    f->inner = inner;
    f->hostfd = fd; /* for fstat and poll only: I/O goes through inner */
    f->filetype =
        isatty(fd) ? WASI_FILETYPE_CHARACTER_DEVICE : WASI_FILETYPE_UNKNOWN;
    f->rights = WASI_RIGHTS_FILE & ~(WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
    rt->fds[fd] = &f->hdr;
  }
  return DAGGER_OK;
}

/* Whether the compiled-in policy denies the whole jail (a --deny rule
 * naming file:///, such as `--deny file`): then the program gets no
 * preopen at all, as under wasmtime without --dir. */
static bool jail_denied(const dagger_rt *rt) {
  dagger_url url;
  dagger_url_parse("file:///", 8, &url);
  for (size_t i = 0; rt->deny && rt->deny[i]; i++)
    if (dagger_policy_rule_match(rt->deny[i], &url) == 1)
      return true;
  return false;
}

/* Descriptor 3: the jail, preopened as "/". */
static int open_jail(dagger_rt *rt) {
  if (jail_denied(rt))
    return DAGGER_OK;
  const char *root = rt->jail_root ? rt->jail_root : ".";
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    dagger_rt_diag(rt, "wasi: cannot open the jail %s: %s", root,
                   strerror(errno));
    return -DAGGER_NOT_FOUND;
  }
  wasi_file *f = wasi_file_new(fd, "");
  if (!f)
    return -DAGGER_IO;
  f->preopen = true;
  if (rt->max_open <= 3 || rt->fds[3]) {
    dagger_scheme_wasi.close(&f->hdr);
    return -DAGGER_TOO_MANY_OPEN;
  }
  rt->fds[3] = &f->hdr;
  return DAGGER_OK;
}

int dagger_wasi_init(dagger_rt *rt) {
  if (rt->wasi)
    return DAGGER_OK;
  if (!(rt->wasi = calloc(1, sizeof *rt->wasi)))
    return -DAGGER_IO;
  rt->wasi_live = true;
  rt->wasi->args = copy_list(rt->args, rt->program, &rt->wasi->nargs);
  rt->wasi->env = resolve_env(rt->env, &rt->wasi->nenv);
  if (!rt->wasi->args || !rt->wasi->env)
    return -DAGGER_IO;
  int err = open_stdio(rt);
  return err ? err : open_jail(rt);
}
