/* stdin://, stdout://, stderr:// and fd://0-2: the process's standard
 * streams.
 *
 * All four schemes share one implementation keyed by the host descriptor.
 * stdout is buffered in one process-wide buffer (every stdout:// stream
 * writes to the same host descriptor, so separate buffers would reorder
 * output); it is flushed by flush, close, dagger_rt_flush_all (exit, trap)
 * and after every write when stdout is a terminal. stderr is unbuffered.
 * fd:// names only 0, 1 and 2: the host's other descriptors are none of
 * the module's business. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

typedef struct stdio_stream {
  dagger_stream hdr;
  int hostfd;
} stdio_stream;

static struct {
  uint8_t buf[8192];
  size_t len;
  int tty; /* 0 unknown, 1 yes, 2 no */
} out;

int dagger_write_all(int fd, const uint8_t *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -DAGGER_IO;
    buf += n, len -= (size_t)n;
  }
  return DAGGER_OK;
}

void dagger_stdio_reset(void) {
  out.len = 0;
  out.tty = 0;
}

static int flush_stdout(void) {
  size_t n = out.len;
  out.len = 0;
  return n ? dagger_write_all(STDOUT_FILENO, out.buf, n) : DAGGER_OK;
}

static bool stdout_is_tty(void) {
  if (!out.tty)
    out.tty = isatty(STDOUT_FILENO) ? 1 : 2;
  return out.tty == 1;
}

static int64_t write_stdout(const uint8_t *buf, size_t len) {
  if (out.len + len > sizeof out.buf) {
    if (flush_stdout() != DAGGER_OK)
      return -DAGGER_IO;
  }
  if (len >= sizeof out.buf) {
    int err = dagger_write_all(STDOUT_FILENO, buf, len);
    return err ? err : (int64_t)len;
  }
  memcpy(out.buf + out.len, buf, len);
  out.len += len;
  if (stdout_is_tty() && flush_stdout() != DAGGER_OK)
    return -DAGGER_IO;
  return (int64_t)len;
}

static int64_t stdio_read(dagger_stream *s, uint8_t *buf, size_t len) {
  int fd = ((stdio_stream *)s)->hostfd;
  if (fd != STDIN_FILENO)
    return -DAGGER_UNSUPPORTED;
  for (;;) {
    ssize_t n = read(fd, buf, len);
    if (n >= 0)
      return n;
    if (errno != EINTR)
      return -DAGGER_IO;
  }
}

static int64_t stdio_write(dagger_stream *s, const uint8_t *buf, size_t len) {
  int fd = ((stdio_stream *)s)->hostfd;
  if (fd == STDIN_FILENO)
    return -DAGGER_UNSUPPORTED;
  if (fd == STDOUT_FILENO)
    return write_stdout(buf, len);
  int err = dagger_write_all(fd, buf, len);
  return err ? err : (int64_t)len;
}

static int stdio_flush(dagger_stream *s) {
  int fd = ((stdio_stream *)s)->hostfd;
  return fd == STDOUT_FILENO ? flush_stdout() : DAGGER_OK;
}

static int stdio_close(dagger_stream *s) {
  int err = stdio_flush(s);
  free(s);
  return err;
}

static int open_hostfd(int fd, dagger_stream **out_stream) {
  stdio_stream *s = calloc(1, sizeof *s);
  if (!s)
    return DAGGER_IO;
  s->hostfd = fd;
  s->hdr.buffers = fd == STDOUT_FILENO;
  *out_stream = &s->hdr;
  return DAGGER_OK;
}

/* stdin://, stdout://, stderr:// take no authority, path or query. */
static int open_named(const dagger_url *url, int fd, dagger_stream **s) {
  if (url->authority.n || url->path.n || url->has_query)
    return DAGGER_BAD_URL_INPUT;
  return open_hostfd(fd, s);
}

static int stdin_open(dagger_rt *rt, const dagger_url *url, dagger_stream **s) {
  (void)rt;
  return open_named(url, STDIN_FILENO, s);
}

static int stdout_open(dagger_rt *rt, const dagger_url *url,
                       dagger_stream **s) {
  (void)rt;
  return open_named(url, STDOUT_FILENO, s);
}

static int stderr_open(dagger_rt *rt, const dagger_url *url,
                       dagger_stream **s) {
  (void)rt;
  return open_named(url, STDERR_FILENO, s);
}

/* fd://N: exactly "0", "1" or "2", nothing after it. */
static int fd_open(dagger_rt *rt, const dagger_url *url, dagger_stream **s) {
  (void)rt;
  if (url->authority.n != 1 || url->path.n || url->has_query)
    return DAGGER_BAD_URL_INPUT;
  char c = url->authority.p[0];
  if (c < '0' || c > '2')
    return DAGGER_BAD_URL_INPUT;
  return open_hostfd(c - '0', s);
}

#define STDIO_SCHEME(NAME, OPEN)                                               \
  {                                                                            \
    .name = NAME, .open = OPEN, .read = stdio_read, .write = stdio_write,      \
    .flush = stdio_flush, .close = stdio_close                                 \
  }

const dagger_scheme dagger_scheme_stdin = STDIO_SCHEME("stdin", stdin_open);
const dagger_scheme dagger_scheme_stdout = STDIO_SCHEME("stdout", stdout_open);
const dagger_scheme dagger_scheme_stderr = STDIO_SCHEME("stderr", stderr_open);
const dagger_scheme dagger_scheme_fd = STDIO_SCHEME("fd", fd_open);
