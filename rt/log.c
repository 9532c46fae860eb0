/* log://?prefix=NAME: each write becomes one line on the process's
 * standard error: an RFC 3339 UTC timestamp, "NAME: ", the bytes. A
 * trailing newline in the data is not doubled; the line goes out in one
 * writev(2) so concurrent writers do not interleave within it. Reads are
 * end-of-stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

#define PREFIX_MAX 128

typedef struct log_stream {
  dagger_stream hdr;
  char prefix[PREFIX_MAX];
} log_stream;

static int log_open(dagger_rt *rt, const dagger_url *url, dagger_stream **out) {
  (void)rt;
  static const char *const keys[] = {"prefix", NULL};
  if (url->authority.n || url->path.n ||
      dagger_url_query_only(url, keys) != DAGGER_OK)
    return DAGGER_BAD_URL_INPUT;
  log_stream *s = calloc(1, sizeof *s);
  if (!s)
    return DAGGER_IO;
  int found = dagger_url_query_get(url, "prefix", s->prefix, sizeof s->prefix);
  if (found < 0 || strpbrk(s->prefix, "\r\n")) {
    free(s);
    return DAGGER_BAD_URL_INPUT;
  }
  if (found == 0)
    strcpy(s->prefix, "log");
  *out = &s->hdr;
  return DAGGER_OK;
}

static int64_t log_read(dagger_stream *s, uint8_t *buf, size_t len) {
  (void)s, (void)buf, (void)len;
  return 0;
}

static int64_t log_write(dagger_stream *s, const uint8_t *buf, size_t len) {
  log_stream *ls = (log_stream *)s;
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  char head[64 + PREFIX_MAX];
  int n =
      snprintf(head, sizeof head,
               "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: ", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
               ts.tv_nsec / 1000000, ls->prefix);
  size_t body = len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
  struct iovec iov[3] = {{head, (size_t)n}, {(void *)buf, body}, {"\n", 1}};
  ssize_t want = n + (ssize_t)body + 1;
  if (writev(STDERR_FILENO, iov, 3) != want)
    return -DAGGER_IO;
  return (int64_t)len;
}

static int log_close(dagger_stream *s) {
  free(s);
  return 0;
}

const dagger_scheme dagger_scheme_log = {
    .name = "log",
    .open = log_open,
    .read = log_read,
    .write = log_write,
    .close = log_close,
};
