/* null:// discards writes and reads end-of-stream. */

#include "rt.h"

static int64_t null_read(dagger_stream *s, uint8_t *buf, size_t len) {
  (void)s, (void)buf, (void)len;
  return 0;
}

static int64_t null_write(dagger_stream *s, const uint8_t *buf, size_t len) {
  (void)s, (void)buf;
  return (int64_t)len;
}

const dagger_scheme dagger_scheme_null = {
    .name = "null",
    .open = dagger_plain_open,
    .read = null_read,
    .write = null_write,
    .close = dagger_plain_close,
};
