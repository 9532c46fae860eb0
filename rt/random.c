/* random://: cryptographically secure random bytes.
 *
 * A read always fills the whole buffer (the contract promises it, so a
 * guest never loops on short reads of key material). The source is
 * libsodium's randombytes_buf, loaded on the first random:// open rather
 * than linked: linked statically, its randombytes pulls in the whole
 * library (~190 KiB in every program, measured), and linked dynamically it
 * costs every program start-up time whether it opens random:// or not.
 * Where libsodium cannot be loaded (not installed, a static executable) the
 * kernel's getrandom(2) serves, retried until the buffer is full: it
 * returns at most 32 MiB per call and may be interrupted by a signal.
 * Writes are meaningless (-UNSUPPORTED); flush is a no-op. */
#include <dlfcn.h>
#include <errno.h>
#include <sys/random.h>

#include "rt.h"

static struct {
  int state; /* 0 not tried yet, 1 loaded, -1 unavailable */
  int (*init)(void);
  void (*buf)(void *buf, size_t len);
} sodium;

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

/* Tries Debian 12's libsodium first, then later sonames. */
static void load_sodium(void) {
  static const char *const names[] = {"libsodium.so.23", "libsodium.so.26",
                                      "libsodium.so"};
  if (sodium.state)
    return;
  sodium.state = -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!h)
      continue;
    *(void **)&sodium.init = dlsym(h, "sodium_init");
    *(void **)&sodium.buf = dlsym(h, "randombytes_buf");
    /* sodium_init picks and seeds the generator; < 0 is failure. */
    if (sodium.init && sodium.buf && sodium.init() >= 0) {
      sodium.state = 1;
      return;
    }
    dlclose(h);
  }
}

static int random_open(dagger_rt *rt, const dagger_url *url,
                       dagger_stream **out) {
  load_sodium();
  return dagger_plain_open(rt, url, out);
}

static int64_t random_read(dagger_stream *s, uint8_t *buf, size_t len) {
  (void)s;
  if (sodium.state > 0) {
    sodium.buf(buf, len);
    return (int64_t)len;
  }
  int err = dagger_random_os(buf, len);
  return err ? err : (int64_t)len;
}

const dagger_scheme dagger_scheme_random = {
    .name = "random",
    .open = random_open,
    .read = random_read,
    .close = dagger_plain_close,
};
