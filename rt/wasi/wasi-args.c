/* args_get, args_sizes_get, environ_get, environ_sizes_get.
 *
 * The arguments are the program's (argv[0] its name); the environment is
 * only what the compile command named with --env (wasi-call.c resolves
 * it): a WASI program sees no host variable by default. Both are written
 * as wasi-libc expects: an array of pointers, then the NUL-terminated
 * strings packed in one buffer. The whole of both ranges is checked before
 * anything is written. */
#include <string.h>

#include "wasi.h"

static int sizes(dagger_rt *rt, char **list, size_t n, uint32_t count_ptr,
                 uint32_t size_ptr) {
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += strlen(list[i]) + 1;
  if (dagger_mem_check(&rt->mem, count_ptr, 4) ||
      dagger_mem_check(&rt->mem, size_ptr, 4))
    return WASI_EFAULT;
  wasi_store32(rt, count_ptr, (uint32_t)n);
  return wasi_store32(rt, size_ptr, (uint32_t)total);
}

static int get(dagger_rt *rt, char **list, size_t n, uint32_t ptrs,
               uint32_t buf) {
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += strlen(list[i]) + 1;
  if (dagger_mem_check(&rt->mem, ptrs, (uint64_t)n * 4) ||
      dagger_mem_check(&rt->mem, buf, total))
    return WASI_EFAULT;
  uint32_t at = buf;
  for (size_t i = 0; i < n; i++) {
    uint32_t len = (uint32_t)strlen(list[i]) + 1;
    wasi_store32(rt, ptrs + (uint32_t)i * 4, at);
    dagger_mem_store(&rt->mem, at, list[i], len);
    at += len;
  }
  return 0;
}

int32_t wasi_args_get(dagger_rt *rt, const uint64_t *a) {
  return get(rt, rt->wasi->args, rt->wasi->nargs, (uint32_t)a[0],
             (uint32_t)a[1]);
}

int32_t wasi_args_sizes_get(dagger_rt *rt, const uint64_t *a) {
  return sizes(rt, rt->wasi->args, rt->wasi->nargs, (uint32_t)a[0],
               (uint32_t)a[1]);
}

int32_t wasi_environ_get(dagger_rt *rt, const uint64_t *a) {
  return get(rt, rt->wasi->env, rt->wasi->nenv, (uint32_t)a[0], (uint32_t)a[1]);
}

int32_t wasi_environ_sizes_get(dagger_rt *rt, const uint64_t *a) {
  return sizes(rt, rt->wasi->env, rt->wasi->nenv, (uint32_t)a[0],
               (uint32_t)a[1]);
}
