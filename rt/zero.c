/* zero:// reads as an endless run of zero bytes and discards writes. */
#include <string.h>

#include "rt.h"

static int64_t zero_read(dagger_stream *s, uint8_t *buf, size_t len) {
  (void)s;
  memset(buf, 0, len);
  return (int64_t)len;
}

static int64_t zero_write(dagger_stream *s, const uint8_t *buf, size_t len) {
  (void)s, (void)buf;
  return (int64_t)len;
}

const dagger_scheme dagger_scheme_zero = {
    .name = "zero",
    .open = dagger_plain_open,
    .read = zero_read,
    .write = zero_write,
    .close = dagger_plain_close,
};
