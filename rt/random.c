/* random://: cryptographically secure random bytes.
 *
 * A read always fills the whole buffer (the contract promises it, so a
 * guest never loops on short reads of key material). The source is
 * libsodium's randombytes_buf where the runtime is built with libsodium,
 * else the kernel's getrandom(2), retried until the buffer is full: it
 * returns at most 32 MiB per call and may be interrupted by a signal.
 * Writes are meaningless (-UNSUPPORTED); flush is a no-op. */
#include <errno.h>
#include <sys/random.h>

#include "rt.h"

#ifdef DAGGER_HAVE_SODIUM
#include <sodium.h>
#endif

int dagger_random_os(uint8_t *buf, size_t len) {
  while (len > 0) {
    ssize_t n = getrandom(buf, len, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -DAGGER_IO;
    buf += n, len -= (size_t)n;
  }
  return DAGGER_OK;
}

static int random_open(dagger_rt *rt, const dagger_url *url,
                       dagger_stream **out) {
#ifdef DAGGER_HAVE_SODIUM
  /* Picks and seeds the generator; safe to call more than once. */
  if (sodium_init() < 0)
    return DAGGER_IO;
#endif
  return dagger_plain_open(rt, url, out);
}

static int64_t random_read(dagger_stream *s, uint8_t *buf, size_t len) {
  (void)s;
#ifdef DAGGER_HAVE_SODIUM
  randombytes_buf(buf, len);
  return (int64_t)len;
#else
  int err = dagger_random_os(buf, len);
  return err ? err : (int64_t)len;
#endif
}

const dagger_scheme dagger_scheme_random = {
    .name = "random",
    .open = random_open,
    .read = random_read,
    .close = dagger_plain_close,
};
