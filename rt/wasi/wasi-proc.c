/* proc_exit, proc_raise, sched_yield, random_get.
 *
 * proc_exit records the status; the embedder unwinds the guest (the glue
 * through wasm2c's trap jump, the interpreter with a trap of its own) and
 * asks dagger_wasi_exited. Buffered output is flushed when the runtime is
 * freed, as at a normal return. proc_raise cannot be supported without
 * letting the guest signal the host process: ENOSYS. random_get draws from
 * the same source as random:// (libsodium when it loads, else getrandom). */
#include <sched.h>
#include <stdlib.h>

#include "wasi.h"

int32_t wasi_proc_exit(dagger_rt *rt, const uint64_t *a) {
  rt->wasi->exited = true;
  rt->wasi_live = false;
  rt->wasi->status = (int)(uint32_t)a[0];
  return 0;
}

int32_t wasi_proc_raise(dagger_rt *rt, const uint64_t *a) {
  (void)rt, (void)a;
  return WASI_ENOSYS;
}

int32_t wasi_sched_yield(dagger_rt *rt, const uint64_t *a) {
  (void)rt, (void)a;
  sched_yield();
  return 0;
}

/* One random:// stream, opened on the first call and kept. */
static int64_t fill(dagger_rt *rt, uint8_t *buf, size_t len) {
  static dagger_stream *src;
  if (!src) {
    dagger_url url;
    dagger_url_parse("random://", 9, &url);
    if (dagger_scheme_random.open(rt, &url, &src) != DAGGER_OK)
      return -DAGGER_IO;
    src->scheme = &dagger_scheme_random;
  }
  return src->scheme->read(src, buf, len);
}

int32_t wasi_random_get(dagger_rt *rt, const uint64_t *a) {
  uint32_t ptr = (uint32_t)a[0], len = (uint32_t)a[1];
  uint8_t chunk[4096];
  if (dagger_mem_check(&rt->mem, ptr, len) != DAGGER_OK)
    return WASI_EFAULT;
  for (uint32_t done = 0; done < len;) {
    uint32_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
    if (fill(rt, chunk, n) != (int64_t)n)
      return WASI_EIO;
    dagger_mem_store(&rt->mem, ptr + done, chunk, n);
    done += n;
  }
  return 0;
}
