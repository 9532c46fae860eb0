/* fetch: HTTP GET of the URL on the first line of stdin; the response body
 * goes to stdout.
 *
 * The http:// stream takes a raw request message: the program writes
 * "GET /path HTTP/1.1" with Host and Connection headers, flush performs the
 * exchange, and reads return the response as it came off the wire: status
 * line, headers, blank line, body. A "Transfer-Encoding: chunked" body is
 * decoded here. Exit status: 0 for a 2xx answer; 1 for any other answer
 * (its status line goes to stderr, its body nowhere) or a failed exchange;
 * 2 when stdin holds no http:// or https:// URL. */
#include <dagger.h>

#define LINE_MAX 2048

static char url[LINE_MAX], request[LINE_MAX + 256], line[LINE_MAX];
static char inbuf[16384], copybuf[16384];

static int fail(const char *what, int err) {
  dg_eprint("fetch: ");
  dg_eprint(what);
  if (err) {
    dg_eprint(": ");
    dg_eprint(dg_strerror(err));
  }
  dg_eprint("\n");
  return 1;
}

/* Appends s to request at *n (the buffer is large enough by construction:
 * the URL is at most LINE_MAX bytes). */
static void add(size_t *n, const char *s, size_t len) {
  memcpy(request + *n, s, len);
  *n += len;
}

/* Builds the GET request for url ("http://host[:port][/path]"); its
 * length, or 0 when the URL is not http:// or https://. */
static size_t build_request(const char *u) {
  const char *rest;
  if (dg_starts_with(u, "http://"))
    rest = u + 7;
  else if (dg_starts_with(u, "https://"))
    rest = u + 8;
  else
    return 0;
  const char *slash = dg_strchr(rest, '/');
  size_t host_len = slash ? (size_t)(slash - rest) : dg_strlen(rest);
  if (host_len == 0)
    return 0;
  const char *path = slash ? slash : "/";
  size_t n = 0;
  add(&n, "GET ", 4);
  add(&n, path, dg_strlen(path));
  add(&n, " HTTP/1.1\r\nHost: ", 17);
  add(&n, rest, host_len);
  add(&n, "\r\nConnection: close\r\n\r\n", 23);
  return n;
}

/* Copies n bytes (or everything, when n < 0) from the reader to stdout. */
static int copy_body(dg_reader *r, int64_t n) {
  int out = dg_stdout();
  while (n != 0) {
    size_t want = sizeof copybuf;
    if (n > 0 && (uint64_t)n < want)
      want = (size_t)n;
    long got = dg_reader_read(r, copybuf, want);
    if (got < 0)
      return (int)got;
    if (got == 0)
      return n > 0 ? -DAGGER_IO : 0; /* shorter than announced */
    int err = dg_write_all(out, copybuf, (size_t)got);
    if (err < 0)
      return err;
    if (n > 0)
      n -= got;
  }
  return 0;
}

/* "Transfer-Encoding: chunked": hex size line, data, CRLF; size 0 ends. */
static int copy_chunked(dg_reader *r) {
  for (;;) {
    uint64_t size;
    long len = dg_read_line(r, line, sizeof line);
    if (len < 0 || !dg_parse_hex(line, (size_t)len, &size))
      return -DAGGER_IO;
    if (size == 0)
      return 0;
    int err = copy_body(r, (int64_t)size);
    if (err < 0)
      return err;
    if (dg_read_line(r, line, sizeof line) != 0)
      return -DAGGER_IO;
  }
}

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether h starts with the lower-case name, ignoring case. */
static bool starts_nocase(const char *h, const char *name) {
  for (; *name; h++, name++)
    if (lower(*h) != *name)
      return false;
  return true;
}

/* Whether the lower-case word occurs in h, ignoring case. */
static bool contains_nocase(const char *h, const char *word) {
  for (; *h; h++)
    if (starts_nocase(h, word))
      return true;
  return false;
}

int dagger_main(void) {
  dg_reader in;
  dg_reader_init(&in, dg_stdin(), inbuf, sizeof inbuf);
  long len = dg_read_line(&in, url, sizeof url);
  if (len <= 0 || len >= LINE_MAX - 1)
    return fail("expected a URL on stdin", 0), 2;
  size_t req_len = build_request(url);
  if (!req_len)
    return fail("not an http:// or https:// URL", 0), 2;

  int fd = dg_open(url);
  if (fd < 0)
    return fail(url, fd);
  int err = dg_write_all(fd, request, req_len);
  if (err == 0)
    err = dg_flush(fd);
  if (err < 0)
    return fail("request", err);

  dg_reader r;
  dg_reader_init(&r, fd, inbuf, sizeof inbuf);
  if (dg_read_line(&r, line, sizeof line) < 12 ||
      !dg_starts_with(line, "HTTP/1."))
    return fail("no HTTP status line", r.error);
  if (line[9] != '2')
    return fail(line, 0); /* like curl -f: no body for a failure */
  bool chunked = false;
  int64_t length = -1;
  while ((len = dg_read_line(&r, line, sizeof line)) > 0) {
    if (starts_nocase(line, "transfer-encoding:") &&
        contains_nocase(line, "chunked"))
      chunked = true;
    if (starts_nocase(line, "content-length:")) {
      uint64_t v;
      const char *p = line + 15;
      while (*p == ' ')
        p++;
      if (dg_parse_uint(p, dg_strlen(p), &v))
        length = (int64_t)v;
    }
  }
  if (len < 0)
    return fail("response ends in its headers", r.error);
  err = chunked ? copy_chunked(&r) : copy_body(&r, length);
  if (err < 0)
    return fail("body", err);
  dg_close(fd);
  return 0;
}
