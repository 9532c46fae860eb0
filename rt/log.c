/* log://?prefix=NAME: each write becomes one line on the process's
 * standard error: an RFC 3339 UTC timestamp, "NAME: ", the bytes. A
 * trailing newline in the data is not doubled; the line goes out in one
 * writev(2) so concurrent writers do not interleave within it. Reads are
 * end-of-stream.
 *
 * One write gives exactly one line, whatever the guest writes: a byte
 * that could end the line, start another or drive a terminal (C0 controls
 * incl. NUL, CR, LF, ESC, VT; DEL; bytes that are not well-formed UTF-8;
 * UTF-8 C1 controls, line and paragraph separators and bidirectional
 * overrides) is written as \xHH, and a backslash as \\, so the escaping is
 * reversible and a guest cannot forge a second, genuine-looking line. The
 * prefix must be printable after percent-decoding, and given once. */
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

/* Length of the well-formed UTF-8 sequence at p (n bytes available) when
 * it encodes a character that is safe to print beyond ASCII, else 0: C1
 * controls, U+2028/U+2029 (line breaks to some viewers) and the
 * bidirectional overrides (which reorder what a reader sees) are not. */
static size_t utf8_printable(const uint8_t *p, size_t n) {
  static const uint32_t least[] = {0, 0, 0xa0, 0x800, 0x10000};
  uint32_t cp;
  size_t len;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    len = 2, cp = p[0] & 0x1fu;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    len = 3, cp = p[0] & 0x0fu;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    len = 4, cp = p[0] & 0x07u;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3fu);
  }
  if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
      cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069))
    return 0;
  return len;
}

/* How many bytes from p are written as they are: printable ASCII but the
 * backslash, or one printable UTF-8 character; 0 means escape p[0]. */
static size_t printable_run(const uint8_t *p, size_t n) {
  if (p[0] >= 0x20 && p[0] < 0x7f)
    return p[0] == '\\' ? 0 : 1;
  return p[0] >= 0x80 ? utf8_printable(p, n) : 0;
}

/* Writes the escaped form of [buf, buf+len) to out (NULL: only counts);
 * returns its length. */
static size_t escape(const uint8_t *buf, size_t len, char *out) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t run = printable_run(buf + i, len - i);
    if (run) {
      if (out)
        memcpy(out + o, buf + i, run);
      o += run, i += run;
    } else if (buf[i] == '\\') {
      if (out)
        memcpy(out + o, "\\\\", 2);
      o += 2, i++;
    } else {
      if (out) {
        char e[4] = {'\\', 'x', hex[buf[i] >> 4], hex[buf[i] & 15]};
        memcpy(out + o, e, 4);
      }
      o += 4, i++;
    }
  }
  return o;
}

/* "prefix" keys in the raw query: a second one is as ambiguous as a
 * repeated file mode=, and refused the same way. */
static int count_prefix(const dagger_url *url) {
  const char *q = url->query.p, *end = q + url->query.n;
  int seen = 0;
  for (const char *p = q; p < end; p++)
    if ((p == q || p[-1] == '&') && (size_t)(end - p) >= 6 &&
        memcmp(p, "prefix", 6) == 0 &&
        (p + 6 == end || p[6] == '=' || p[6] == '&'))
      seen++;
  return seen;
}

static int log_open(dagger_rt *rt, const dagger_url *url, dagger_stream **out) {
  (void)rt;
  static const char *const keys[] = {"prefix", NULL};
  if (url->authority.n || url->path.n ||
      dagger_url_query_only(url, keys) != DAGGER_OK || count_prefix(url) > 1)
    return DAGGER_BAD_URL_INPUT;
  log_stream *s = calloc(1, sizeof *s);
  if (!s)
    return DAGGER_IO;
  int found = dagger_url_query_get(url, "prefix", s->prefix, sizeof s->prefix);
  size_t n = found == 1 ? strlen(s->prefix) : 0;
  if (found < 0 || escape((const uint8_t *)s->prefix, n, NULL) != n) {
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
  size_t escaped = escape(buf, body, NULL);
  char *text = escaped == body ? NULL : malloc(escaped);
  if (escaped != body && !text)
    return -DAGGER_IO;
  if (text)
    escape(buf, body, text);
  struct iovec iov[3] = {
      {head, (size_t)n}, {text ? text : (void *)buf, escaped}, {"\n", 1}};
  ssize_t want = n + (ssize_t)escaped + 1;
  ssize_t wrote = writev(STDERR_FILENO, iov, 3);
  free(text);
  return wrote == want ? (int64_t)len : -DAGGER_IO;
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
