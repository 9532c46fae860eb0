/* http:// and https://: one HTTP/1.1 exchange per stream, through libcurl.
 *
 * The guest writes a raw request message; writes only accumulate (at most
 * DAGGER_HTTP_REQUEST_MAX bytes: the write that would pass it fails with
 * -IO). flush writes the bare LFs ending the lines of the head as CRLF
 * (a bare CR stays malformed), parses the message strictly
 * (dagger_http_parse_request: a
 * malformed message is -BAD_URL_INPUT, never a guess), checks the URL it
 * really asks for against the policy once more (the target in the request
 * line may differ from the path opened), hands it to libcurl and blocks
 * until the response's status line and headers are in, or the exchange
 * failed (connection refused -> -IO, unknown host -> -NOT_FOUND). Reads
 * then return the response message as it came off the wire: status line,
 * headers, blank line, body (transfer and content codings are left as
 * they are, so the headers describe the bytes the guest gets). Reading
 * before flush, or writing after it, is -UNSUPPORTED: the contract has
 * reads "after flush", and an implicit flush would hide a guest's missing
 * one. A stream closed without flush sends nothing.
 *
 * The body is streamed: libcurl runs under the multi interface and only
 * when a read finds the body buffer empty; when the buffer is full the
 * write callback pauses the transfer (CURL_WRITEFUNC_PAUSE), and a read
 * that drains it resumes it. So memory stays bounded whatever the size of
 * the response, and a guest that reads slowly holds the server back
 * through TCP flow control.
 *
 * libcurl follows no redirect (the guest sees the 3xx), uses no proxy from
 * the environment, speaks HTTP/1.1 only, and verifies certificates against
 * the system store, found at run time (libcurl's own bundle, else the
 * usual places: ca_bundles); DAGGER_CA_FILE adds one PEM file of CAs to
 * that store (the bundle and the file are handed to libcurl together as
 * one blob). With neither, https:// exchanges fail (-IO) and say why.
 * DAGGER_HTTP_TIMEOUT (whole seconds, default 30) bounds connecting
 * (CURLOPT_CONNECTTIMEOUT: DNS, TCP and TLS) and any period in which the
 * runtime waits for the network and no byte moves; a stalled or dropped
 * exchange ends as -IO.
 *
 * Built without curl's headers (DAGGER_HAVE_CURL undefined), both schemes keep
 * their table entries with a NULL open, so opening them answers -UNSUPPORTED.
 * The request parser needs no libcurl and is always built (the fuzzer uses it).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

/* ---- the strict request parser ----------------------------------------- */

static bool is_tchar(unsigned char c) {
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 3986 pchar, '/', '?' and '%' (escapes are checked separately). */
static bool is_target_char(unsigned char c) {
  return isalnum(c) || (c && strchr("-._~!$&'()*+,;=:@/?%", c));
}

/* Field content: visible ASCII, obs-text, and SP/HTAB between them. */
static bool is_field_char(unsigned char c) {
  return c == '\t' || c == ' ' || (c > 0x20 && c != 0x7f);
}

/* Splits the next CRLF-terminated line off *p; a bare CR or LF anywhere
 * makes the message malformed. */
static bool next_line(const char **p, const char *end, dagger_str *line) {
  const char *lf = memchr(*p, '\n', (size_t)(end - *p));
  if (!lf || lf == *p || lf[-1] != '\r')
    return false;
  *line = (dagger_str){*p, (size_t)(lf - 1 - *p)};
  if (memchr(line->p, '\r', line->n))
    return false;
  *p = lf + 1;
  return true;
}

static bool str_ieq(dagger_str s, const char *lit) {
  return strlen(lit) == s.n && strncasecmp(s.p, lit, s.n) == 0;
}

static bool valid_target(dagger_str t) {
  if (t.n == 0)
    return false;
  for (size_t i = 0; i < t.n; i++) {
    unsigned char c = (unsigned char)t.p[i];
    if (!is_target_char(c))
      return false;
    if (c == '%' && (i + 2 >= t.n || !isxdigit((unsigned char)t.p[i + 1]) ||
                     !isxdigit((unsigned char)t.p[i + 2])))
      return false;
  }
  if (t.p[0] == '/')
    return true;
  /* absolute-form; http.c insists that it equals the URL opened */
  return (t.n > 7 && strncasecmp(t.p, "http://", 7) == 0) ||
         (t.n > 8 && strncasecmp(t.p, "https://", 8) == 0);
}

static bool parse_request_line(dagger_str line, dagger_http_request *out) {
  const char *sp1 = memchr(line.p, ' ', line.n);
  if (!sp1)
    return false;
  out->method = (dagger_str){line.p, (size_t)(sp1 - line.p)};
  const char *rest = sp1 + 1, *end = line.p + line.n;
  const char *sp2 = memchr(rest, ' ', (size_t)(end - rest));
  if (!sp2 || out->method.n == 0)
    return false;
  out->target = (dagger_str){rest, (size_t)(sp2 - rest)};
  dagger_str version = {sp2 + 1, (size_t)(end - sp2 - 1)};
  for (size_t i = 0; i < out->method.n; i++)
    if (!is_tchar((unsigned char)out->method.p[i]))
      return false;
  return valid_target(out->target) && version.n == 8 &&
         memcmp(version.p, "HTTP/1.1", 8) == 0;
}

/* Checks one "name: value" line; *cl gets a Content-Length (or stays -1). */
static bool parse_header(dagger_str line, dagger_http_request *out,
                         long long *cl) {
  size_t i = 0;
  while (i < line.n && is_tchar((unsigned char)line.p[i]))
    i++;
  if (i == 0 || i == line.n || line.p[i] != ':')
    return false; /* also refuses obs-fold and "name : value" */
  dagger_str name = {line.p, i};
  dagger_str v = {line.p + i + 1, line.n - i - 1};
  for (size_t k = 0; k < v.n; k++)
    if (!is_field_char((unsigned char)v.p[k]))
      return false;
  while (v.n && (v.p[0] == ' ' || v.p[0] == '\t'))
    v.p++, v.n--;
  while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
    v.n--;
  if (str_ieq(name, "transfer-encoding"))
    return false; /* the body is given whole: Content-Length frames it */
  if (str_ieq(name, "host")) {
    if (out->has_host)
      return false;
    out->has_host = true;
    out->host = v;
  }
  if (str_ieq(name, "content-length")) {
    if (*cl >= 0 || v.n == 0 || v.n > 18)
      return false;
    *cl = 0;
    out->has_length = true;
    for (size_t k = 0; k < v.n; k++) {
      if (!isdigit((unsigned char)v.p[k]))
        return false;
      *cl = *cl * 10 + (v.p[k] - '0');
    }
  }
  return true;
}

int dagger_http_parse_request(const uint8_t *msg, size_t len,
                              dagger_http_request *out) {
  memset(out, 0, sizeof *out);
  if (len == 0 || len > DAGGER_HTTP_REQUEST_MAX)
    return DAGGER_BAD_URL_INPUT;
  const char *p = (const char *)msg, *end = p + len;
  dagger_str line;
  if (!next_line(&p, end, &line) || !parse_request_line(line, out))
    return DAGGER_BAD_URL_INPUT;
  const char *headers = p;
  long long cl = -1;
  for (;;) {
    if (!next_line(&p, end, &line))
      return DAGGER_BAD_URL_INPUT;
    if (line.n == 0)
      break;
    if (!parse_header(line, out, &cl))
      return DAGGER_BAD_URL_INPUT;
  }
  out->headers = (dagger_str){headers, (size_t)(p - 2 - headers)};
  out->body = (dagger_str){p, (size_t)(end - p)};
  /* Without Content-Length a request has no body (RFC 9112, 6.3). */
  if ((cl < 0 && out->body.n != 0) ||
      (cl >= 0 && (unsigned long long)cl != out->body.n))
    return DAGGER_BAD_URL_INPUT;
  return DAGGER_OK;
}

size_t dagger_http_crlf_head(const uint8_t *msg, size_t len, uint8_t *out) {
  size_t o = 0, i = 0, line = 0;
  bool done = false;
  for (; i < len && !done; i++) {
    if (msg[i] == '\n') {
      bool bare = i == line || msg[i - 1] != '\r';
      done = i - line == (bare ? 0 : 1); /* the blank line ends the head */
      line = i + 1;
      if (bare && out)
        out[o] = '\r';
      o += bare;
    }
    if (out)
      out[o] = msg[i];
    o++;
  }
  if (out && i < len)
    memcpy(out + o, msg + i, len - i);
  return o + (len - i);
}

#ifdef DAGGER_HAVE_CURL
#include <dlfcn.h>
#include <sys/socket.h>

#include "http-curl.h"

/* libcurl is loaded on the first http(s) open instead of being linked:
 * linking it makes every program load some 34 shared libraries at start-up
 * (measured: 11.7 ms against 0.6 ms for a C hello world), whatever the
 * program opens. Only the functions of http-curl.h are used. A static
 * program linked with libcurl.a (http-curl-static.c) takes them from
 * there instead. A program that has neither (libcurl not installed, or a
 * static executable without libcurl.a) answers http(s) opens with
 * -UNSUPPORTED and says why once on stderr. */
static dagger_curl_api lc;

static int load_shared_curl(dagger_rt *rt) {
  void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    dagger_rt_diag(rt, "http: cannot load libcurl: %s", dlerror());
    return DAGGER_UNSUPPORTED;
  }
#define LOAD(f)                                                                \
  { (void **)&lc.f, "curl_" #f }
  const struct {
    void **slot;
    const char *name;
  } syms[] = {
      LOAD(easy_cleanup),  LOAD(easy_getinfo),
      LOAD(easy_init),     LOAD(easy_pause),
      LOAD(easy_setopt),   LOAD(free),
      LOAD(global_init),   LOAD(multi_add_handle),
      LOAD(multi_cleanup), LOAD(multi_info_read),
      LOAD(multi_init),    LOAD(multi_perform),
      LOAD(multi_poll),    LOAD(multi_remove_handle),
      LOAD(slist_append),  LOAD(slist_free_all),
      LOAD(url),           LOAD(url_cleanup),
      LOAD(url_get),       LOAD(url_set),
  };
#undef LOAD
  for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
    *syms[i].slot = dlsym(h, syms[i].name);
    if (!*syms[i].slot) {
      dagger_rt_diag(rt, "http: libcurl lacks %s", syms[i].name);
      dlclose(h);
      return DAGGER_UNSUPPORTED;
    }
  }
  return DAGGER_OK;
}

static int load_curl(dagger_rt *rt) {
  static int state; /* 0 not tried, 1 loaded, -1 failed */
  if (state)
    return state > 0 ? DAGGER_OK : DAGGER_UNSUPPORTED;
  state = -1;
  if (&dagger_curl_static != NULL)
    lc = dagger_curl_static;
  else if (load_shared_curl(rt) != DAGGER_OK)
    return DAGGER_UNSUPPORTED;
  if (lc.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return DAGGER_IO;
  state = 1;
  return DAGGER_OK;
}

#define BODY_BUF (256u << 10)    /* response bytes held for the guest */
#define HEAD_MAX (1u << 20)      /* libcurl refuses larger headers anyway */
#define DEFAULT_TIMEOUT 30L      /* seconds; DAGGER_HTTP_TIMEOUT */
#define CA_BUNDLE_MAX (8u << 20) /* a CA file larger than this is refused */

enum http_state { WRITING, RUNNING, FAILED };

typedef struct buf {
  uint8_t *p;
  size_t off, len, cap; /* unread bytes are p[off..len) */
} buf;

typedef struct http_stream {
  dagger_stream hdr;
  dagger_rt *rt;
  dagger_url url; /* views into `text` */
  char *text;     /* the URL as opened, NUL-terminated */
  enum http_state state;
  int error; /* negated, once FAILED or once the exchange failed */
  buf req, head, body;
  long status;    /* of the header block being received */
  bool head_done; /* the final (non-1xx) header block is complete */
  bool paused;
  bool finished; /* libcurl is done with the transfer */
  bool moved;    /* some byte went out or came in during this drive */
  bool denied;   /* the policy refused an address libcurl was to connect to */
  curl_off_t sent;
  double idle;  /* seconds spent waiting without a byte moving */
  long timeout; /* DAGGER_HTTP_TIMEOUT */
  CURL *easy;
  CURLM *multi;
  struct curl_slist *headers;
  char *target;
} http_stream;

static bool buf_reserve(buf *b, size_t more, size_t max) {
  if (b->len + more <= b->cap)
    return true;
  if (b->off > 0) { /* reuse the consumed front first */
    memmove(b->p, b->p + b->off, b->len - b->off);
    b->len -= b->off, b->off = 0;
    if (b->len + more <= b->cap)
      return true;
  }
  if (b->len + more > max)
    return false;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more)
    cap *= 2;
  if (cap > max)
    cap = max;
  uint8_t *p = realloc(b->p, cap);
  if (!p)
    return false;
  b->p = p, b->cap = cap;
  return true;
}

static void buf_put(buf *b, const void *p, size_t n) {
  memcpy(b->p + b->len, p, n);
  b->len += n;
}

/* Moves up to len unread bytes of b into out. */
static size_t buf_take(buf *b, uint8_t *out, size_t len) {
  size_t n = b->len - b->off < len ? b->len - b->off : len;
  memcpy(out, b->p + b->off, n);
  b->off += n;
  if (b->off == b->len)
    b->off = b->len = 0;
  return n;
}

static int map_curl_error(CURLcode rc) {
  switch (rc) {
  case CURLE_OK:
    return 0;
  case CURLE_COULDNT_RESOLVE_HOST:
    return -DAGGER_NOT_FOUND;
  case CURLE_URL_MALFORMAT:
    return -DAGGER_BAD_URL_INPUT;
  default: /* refused, reset, timed out, TLS failure, ... */
    return -DAGGER_IO;
  }
}

/* Header lines arrive one at a time, with 1xx interim responses first;
 * only the final response's block is kept for the guest. */
static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  http_stream *s = ud;
  size_t len = size * n;
  if (s->head_done)
    return len; /* trailers: not part of the message the guest reads */
  s->moved = true;
  if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
    s->head.off = s->head.len = 0;
    const char *sp = memchr(p, ' ', len);
    s->status = sp ? strtol(sp + 1, NULL, 10) : 0;
  }
  if (!buf_reserve(&s->head, len, HEAD_MAX))
    return 0; /* aborts the transfer */
  buf_put(&s->head, p, len);
  bool blank = (len == 2 && p[0] == '\r') || (len == 1 && p[0] == '\n');
  if (blank && s->status >= 100 && s->status < 200)
    s->head.off = s->head.len = 0;
  else if (blank)
    s->head_done = true;
  return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  http_stream *s = ud;
  size_t len = size * n;
  buf *b = &s->body;
  /* Pause when the guest has not made room; a chunk larger than the whole
   * buffer (libcurl delivers at most CURL_MAX_WRITE_SIZE, but a paused
   * transfer may hand back more at once) is taken when the buffer is
   * empty. */
  size_t max = b->len == b->off ? (len > BODY_BUF ? len : BODY_BUF) : BODY_BUF;
  if (!buf_reserve(b, len, max)) {
    s->paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  buf_put(b, p, len);
  s->moved = true;
  return len;
}

/* Notices upload progress (a large request body going out is progress). */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow) {
  http_stream *s = ud;
  (void)dltotal, (void)dlnow, (void)ultotal;
  if (ulnow != s->sent)
    s->sent = ulnow, s->moved = true;
  return 0;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One step of the transfer: run libcurl, then wait (bounded) for the
 * socket when nothing moved. The stall timer counts only time spent here,
 * waiting for the network: a guest that pauses between reads is not the
 * server stalling. (libcurl's own low-speed check averages over several
 * seconds, so a stall after a few bytes would take up to five seconds
 * longer than DAGGER_HTTP_TIMEOUT to notice.) Returns 0 or a negated
 * error. */
static int drive(http_stream *s) {
  double t0 = now_seconds();
  int running = 0;
  s->moved = false;
  if (lc.multi_perform(s->multi, &running) != CURLM_OK)
    return -DAGGER_IO;
  CURLMsg *msg;
  int left;
  while ((msg = lc.multi_info_read(s->multi, &left)) != NULL)
    if (msg->msg == CURLMSG_DONE) {
      s->finished = true;
      s->error =
          s->denied ? -DAGGER_NOT_PERMITTED : map_curl_error(msg->data.result);
    }
  if (s->finished || s->moved) {
    s->idle = 0;
    return 0;
  }
  double left_s = (double)s->timeout - s->idle;
  int wait_ms = left_s < 1 ? (int)(left_s * 1000) + 1 : 1000;
  if (lc.multi_poll(s->multi, NULL, 0, wait_ms, NULL) != CURLM_OK)
    return -DAGGER_IO;
  s->idle += now_seconds() - t0;
  if (s->idle >= (double)s->timeout) { /* stalled: give up */
    lc.multi_remove_handle(s->multi, s->easy);
    s->finished = true;
    s->error = -DAGGER_IO;
  }
  return 0;
}

static long timeout_seconds(dagger_rt *rt) {
  const char *env = getenv("DAGGER_HTTP_TIMEOUT");
  if (!env || !*env)
    return DEFAULT_TIMEOUT;
  char *end;
  errno = 0;
  long v = strtol(env, &end, 10);
  if (errno || *end || v < 1 || v > 86400) {
    dagger_rt_diag(rt,
                   "http: ignoring DAGGER_HTTP_TIMEOUT=%.40s (whole seconds, "
                   "1-86400); using %ld",
                   env, DEFAULT_TIMEOUT);
    return DEFAULT_TIMEOUT;
  }
  return v;
}

/* Appends a whole file to b; false when it cannot be read. */
static bool read_file(const char *path, buf *b) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return false;
  bool ok = true;
  uint8_t chunk[8192];
  size_t n;
  while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    ok = buf_reserve(b, n, CA_BUNDLE_MAX);
    if (ok)
      buf_put(b, chunk, n);
  }
  ok = ok && !ferror(f);
  fclose(f);
  return ok;
}

/* Where distributions keep their bundle of trusted CAs (the places Go's
 * crypto/x509 looks in). A static libcurl has no built-in path, and a
 * shared one's may not exist on the machine the program runs on. */
static const char *const ca_bundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Arch, Alpine */
    "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
    "/etc/ssl/ca-bundle.pem",             /* openSUSE */
    "/etc/pki/tls/cacert.pem",            /* OpenELEC */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* CentOS, RHEL 7 */
    "/etc/ssl/cert.pem",                                 /* Alpine, BSDs */
};

/* The system's CA bundle: libcurl's own where it has one and the file is
 * there (*own set), else the first of ca_bundles that can be read; NULL if
 * none. */
static const char *system_bundle(http_stream *s, bool *own) {
  char *path = NULL;
  lc.easy_getinfo(s->easy, CURLINFO_CAINFO, &path);
  *own = path && access(path, R_OK) == 0;
  if (*own)
    return path;
  for (size_t i = 0; i < sizeof ca_bundles / sizeof ca_bundles[0]; i++)
    if (access(ca_bundles[i], R_OK) == 0)
      return ca_bundles[i];
  return NULL;
}

/* Neither a system store nor DAGGER_CA_FILE: nothing could be verified. */
static int no_ca(http_stream *s) {
  if (strcmp(s->url.scheme, "https") != 0)
    return 0; /* http:// needs none */
  dagger_rt_diag(s->rt,
                 "https: no CA certificates to verify the server with: "
                 "none of %s, %s (and the other usual places) exists; set "
                 "DAGGER_CA_FILE to a PEM file of trusted CAs",
                 ca_bundles[0], ca_bundles[1]);
  return -DAGGER_IO;
}

/* The system store, found at run time, plus DAGGER_CA_FILE: libcurl can
 * only replace its CA file, so it gets the bundle and the extra file as
 * one blob. */
static int set_ca(http_stream *s) {
  const char *extra = getenv("DAGGER_CA_FILE");
  bool own;
  const char *bundle = system_bundle(s, &own);
  if (!extra || !*extra) {
    if (!bundle)
      return no_ca(s);
    if (own) /* (setting libcurl's own string would free it first) */
      return 0;
    return lc.easy_setopt(s->easy, CURLOPT_CAINFO, bundle) == CURLE_OK
               ? 0
               : -DAGGER_IO;
  }
  buf b = {0};
  if (bundle && !read_file(bundle, &b))
    b.len = 0; /* unreadable system bundle: the extra file alone */
  bool ok = buf_reserve(&b, 1, CA_BUNDLE_MAX);
  if (ok)
    buf_put(&b, "\n", 1);
  if (!ok || !read_file(extra, &b)) {
    dagger_rt_diag(s->rt, "http: cannot read DAGGER_CA_FILE %s", extra);
    free(b.p);
    return -DAGGER_IO;
  }
  struct curl_blob blob = {b.p, b.len, CURL_BLOB_COPY};
  CURLcode rc = lc.easy_setopt(s->easy, CURLOPT_CAINFO_BLOB, &blob);
  free(b.p);
  return rc == CURLE_OK ? 0 : -DAGGER_IO;
}

/* Adds "Name: value" to the headers passed to libcurl. An empty value is
 * written "Name;" (libcurl's "Name:" would remove the header). */
static bool add_header(http_stream *s, dagger_str name, dagger_str value) {
  char *line = malloc(name.n + value.n + 3);
  if (!line)
    return false;
  memcpy(line, name.p, name.n);
  if (value.n)
    memcpy(line + name.n, ": ", 2), memcpy(line + name.n + 2, value.p, value.n);
  else
    line[name.n] = ';';
  line[name.n + (value.n ? value.n + 2 : 1)] = '\0';
  struct curl_slist *l = lc.slist_append(s->headers, line);
  free(line);
  if (l)
    s->headers = l;
  return l != NULL;
}

/* The guest's headers, except those libcurl writes itself from what was
 * checked (Host, Content-Length); then removals of the headers libcurl
 * would add on its own, so the server sees what the guest wrote. */
static bool build_headers(http_stream *s, const dagger_http_request *r) {
  bool accept = false, expect = false, ctype = false;
  const char *p = r->headers.p, *end = p + r->headers.n;
  dagger_str line; /* every line was checked by the parser */
  while (p < end && next_line(&p, end, &line)) {
    const char *colon = memchr(line.p, ':', line.n);
    dagger_str name = {line.p, (size_t)(colon - line.p)};
    dagger_str v = {colon + 1, line.n - name.n - 1};
    while (v.n && (v.p[0] == ' ' || v.p[0] == '\t'))
      v.p++, v.n--;
    while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
      v.n--;
    accept |= str_ieq(name, "accept");
    expect |= str_ieq(name, "expect");
    ctype |= str_ieq(name, "content-type");
    if (str_ieq(name, "host") || str_ieq(name, "content-length"))
      continue;
    if (!add_header(s, name, v))
      return false;
  }
  static const char *const removals[] = {"Accept:", "Expect:", "Content-Type:"};
  bool have[] = {accept, expect, ctype};
  for (int i = 0; i < 3; i++) {
    struct curl_slist *l =
        have[i] ? s->headers : lc.slist_append(s->headers, removals[i]);
    if (!l)
      return false;
    s->headers = l;
  }
  return true;
}

/* The request target to send, and the URL it asks for (for the policy).
 * An absolute-form target must be the URL opened. */
static int resolve_target(http_stream *s, const dagger_http_request *r,
                          char *eff, size_t size) {
  const dagger_url *u = &s->url;
  dagger_str t = r->target;
  if (t.p[0] != '/') {
    if (t.n != u->text.n || memcmp(t.p, u->text.p, t.n) != 0)
      return -DAGGER_BAD_URL_INPUT;
    bool q = u->has_query;
    t = u->path.n ? u->path : (dagger_str){"/", 1};
    snprintf(eff, size, "%.*s%s%.*s", (int)t.n, t.p, q ? "?" : "",
             (int)u->query.n, q ? u->query.p : "");
  } else {
    snprintf(eff, size, "%.*s", (int)t.n, t.p);
  }
  s->target = strdup(eff);
  if (!s->target)
    return -DAGGER_IO;
  int n = snprintf(eff, size, "%s://%.*s%s", u->scheme, (int)u->authority.n,
                   u->authority.p, s->target);
  return n < 0 || (size_t)n >= size ? -DAGGER_BAD_URL_INPUT : 0;
}

/* The Host header, if the guest wrote one, must name the URL's authority:
 * otherwise the policy would judge one host and the server serve another. */
static bool host_matches(const http_stream *s, const dagger_http_request *r) {
  return !r->has_host ||
         (r->host.n == s->url.authority.n &&
          strncasecmp(r->host.p, s->url.authority.p, r->host.n) == 0);
}

static int set_method(http_stream *s, const dagger_http_request *r) {
  CURL *e = s->easy;
  char method[64];
  if (r->method.n >= sizeof method)
    return -DAGGER_BAD_URL_INPUT;
  memcpy(method, r->method.p, r->method.n);
  method[r->method.n] = '\0';
  bool has_cl = r->has_length;
  CURLcode rc = CURLE_OK;
  if (strcmp(method, "HEAD") == 0) { /* a response to HEAD has no body */
    if (r->body.n)
      return -DAGGER_BAD_URL_INPUT;
    return lc.easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK ? 0 : -DAGGER_IO;
  }
  if (has_cl || strcmp(method, "POST") == 0) {
    rc |= lc.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.n);
    rc |= lc.easy_setopt(e, CURLOPT_POSTFIELDS, r->body.n ? r->body.p : "");
  }
  if (strcmp(method, "POST") != 0 && (has_cl || strcmp(method, "GET") != 0))
    rc |= lc.easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  return rc == CURLE_OK ? 0 : -DAGGER_IO;
}

/* Every address libcurl is about to connect to passes the policy first:
 * a rule that names an address holds however the URL spelt it ("localhost",
 * "0", a DNS name that rebinds). A refused address gets no socket, so no
 * connection is ever made; libcurl then tries the next address or fails,
 * and the exchange answers -NOT_PERMITTED. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose,
                                    struct curl_sockaddr *a) {
  http_stream *s = ud;
  if (purpose != CURLSOCKTYPE_IPCXN ||
      dagger_policy_check_connect(s->rt, s->url.scheme, &a->addr, a->addrlen,
                                  s->target) != DAGGER_OK) {
    s->denied = true;
    return CURL_SOCKET_BAD;
  }
  return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static int setup_easy(http_stream *s, const dagger_http_request *r) {
  CURL *e = s->easy = lc.easy_init();
  s->multi = lc.multi_init();
  if (!e || !s->multi)
    return -DAGGER_IO;
  long t = s->timeout = timeout_seconds(s->rt);
  char origin[DAGGER_URL_MAX + 16];
  snprintf(origin, sizeof origin, "%s://%.*s/", s->url.scheme,
           (int)s->url.authority.n, s->url.authority.p);
  CURLcode rc = lc.easy_setopt(e, CURLOPT_URL, origin);
  rc |= lc.easy_setopt(e, CURLOPT_REQUEST_TARGET, s->target);
  rc |= lc.easy_setopt(e, CURLOPT_PROTOCOLS_STR, s->url.scheme);
  rc |= lc.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  rc |= lc.easy_setopt(e, CURLOPT_PROXY, "");
  rc |= lc.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  rc |= lc.easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  rc |= lc.easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
  rc |= lc.easy_setopt(e, CURLOPT_CONNECTTIMEOUT, t);
  rc |= lc.easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  rc |= lc.easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  rc |= lc.easy_setopt(e, CURLOPT_XFERINFODATA, s);
  rc |= lc.easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  rc |= lc.easy_setopt(e, CURLOPT_HEADERDATA, s);
  rc |= lc.easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  rc |= lc.easy_setopt(e, CURLOPT_WRITEDATA, s);
  rc |= lc.easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  rc |= lc.easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
  if (rc != CURLE_OK)
    return -DAGGER_IO;
  int err = set_method(s, r);
  if (!err)
    err = set_ca(s);
  if (!err && !build_headers(s, r))
    err = -DAGGER_IO;
  if (!err && lc.easy_setopt(e, CURLOPT_HTTPHEADER, s->headers) != CURLE_OK)
    err = -DAGGER_IO;
  if (!err && lc.multi_add_handle(s->multi, e) != CURLM_OK)
    err = -DAGGER_IO;
  return err;
}

/* Rewrites the bare LFs of the request head as CRLF (RFC 9112, 2.2: a
 * recipient may take a bare LF for a line end; Dagger's own test modules of
 * 2018 wrote them). 0 or -DAGGER_IO. */
static int crlf_request(http_stream *s) {
  size_t n = dagger_http_crlf_head(s->req.p, s->req.len, NULL);
  if (n == s->req.len)
    return 0;
  uint8_t *p = malloc(n);
  if (!p)
    return -DAGGER_IO;
  dagger_http_crlf_head(s->req.p, s->req.len, p);
  free(s->req.p);
  s->req = (buf){.p = p, .off = 0, .len = n, .cap = n};
  return 0;
}

/* Checks the request and the URL it asks for; 0 or a negated error. */
static int check_request(http_stream *s, dagger_http_request *r) {
  if (crlf_request(s) != 0)
    return -DAGGER_IO;
  if (dagger_http_parse_request(s->req.p, s->req.len, r) != DAGGER_OK ||
      !host_matches(s, r))
    return -DAGGER_BAD_URL_INPUT;
  char eff[DAGGER_URL_MAX + 16];
  int err = resolve_target(s, r, eff, sizeof eff);
  if (err)
    return err;
  dagger_url u;
  if (dagger_url_parse(eff, strlen(eff), &u) != DAGGER_OK)
    return -DAGGER_BAD_URL_INPUT;
  err = dagger_policy_check(s->rt, &u);
  return err ? -err : 0;
}

static int http_flush(dagger_stream *st) {
  http_stream *s = (http_stream *)st;
  if (s->state != WRITING)
    return s->state == FAILED ? s->error : 0;
  dagger_http_request r;
  int err = check_request(s, &r);
  if (!err)
    err = setup_easy(s, &r);
  while (!err && !s->head_done && !s->finished)
    err = drive(s);
  if (!err && !s->head_done)
    err = s->error ? s->error : -DAGGER_IO;
  s->state = err ? FAILED : RUNNING;
  s->error = err ? err : s->error;
  return err;
}

static int64_t http_write(dagger_stream *st, const uint8_t *p, size_t len) {
  http_stream *s = (http_stream *)st;
  if (s->state != WRITING)
    return -DAGGER_UNSUPPORTED;
  if (len > DAGGER_HTTP_REQUEST_MAX - s->req.len ||
      !buf_reserve(&s->req, len, DAGGER_HTTP_REQUEST_MAX))
    return -DAGGER_IO;
  buf_put(&s->req, p, len);
  return (int64_t)len;
}

static int64_t http_read(dagger_stream *st, uint8_t *out, size_t len) {
  http_stream *s = (http_stream *)st;
  if (s->state == WRITING)
    return -DAGGER_UNSUPPORTED;
  if (s->state == FAILED)
    return s->error;
  for (;;) {
    if (s->head.off < s->head.len)
      return (int64_t)buf_take(&s->head, out, len);
    if (s->body.off < s->body.len) {
      size_t n = buf_take(&s->body, out, len);
      if (s->paused && s->body.len == 0) {
        s->paused = false; /* the callback may pause again at once */
        lc.easy_pause(s->easy, CURLPAUSE_CONT);
      }
      return (int64_t)n;
    }
    if (s->finished)
      return s->error;
    int err = drive(s);
    if (err)
      return err;
  }
}

static int http_close(dagger_stream *st) {
  http_stream *s = (http_stream *)st;
  if (s->multi && s->easy)
    lc.multi_remove_handle(s->multi, s->easy);
  lc.easy_cleanup(s->easy);
  lc.multi_cleanup(s->multi);
  lc.slist_free_all(s->headers);
  free(s->target);
  free(s->req.p);
  free(s->head.p);
  free(s->body.p);
  free(s->text);
  free(s);
  return 0;
}

/* Checks the URL with libcurl's own parser, so that what the policy judged
 * is what libcurl will connect to: a host is required, userinfo refused
 * (it would hide the host from a reader of the URL), and only ASCII host
 * names (a rule can only be written for the punycode form). */
static int check_url(const dagger_url *url, const char *text) {
  if (url->authority.n == 0 || memchr(url->authority.p, '@', url->authority.n))
    return DAGGER_BAD_URL_INPUT;
  CURLU *u = lc.url();
  if (!u)
    return DAGGER_IO;
  char *host = NULL, *scheme = NULL, *user = NULL;
  int err = DAGGER_BAD_URL_INPUT;
  if (lc.url_set(u, CURLUPART_URL, text, 0) == CURLUE_OK &&
      lc.url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      lc.url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      lc.url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
      strcmp(scheme, url->scheme) == 0 && *host)
    err = DAGGER_OK;
  for (const char *h = host; err == DAGGER_OK && *h; h++)
    if ((unsigned char)*h >= 0x80)
      err = DAGGER_BAD_URL_INPUT;
  lc.free(host);
  lc.free(scheme);
  lc.free(user);
  lc.url_cleanup(u);
  return err;
}

static int http_open(dagger_rt *rt, const dagger_url *url,
                     dagger_stream **out) {
  int loaded = load_curl(rt);
  if (loaded != DAGGER_OK)
    return loaded;
  http_stream *s = calloc(1, sizeof *s);
  if (!s || !(s->text = malloc(url->text.n + 1))) {
    free(s);
    return DAGGER_IO;
  }
  memcpy(s->text, url->text.p, url->text.n);
  s->text[url->text.n] = '\0';
  int err = dagger_url_parse(s->text, url->text.n, &s->url);
  if (!err) {
    /* The fragment is dropped: curl must not see it either. */
    const dagger_url *u = &s->url;
    const char *end =
        u->has_query ? u->query.p + u->query.n : u->path.p + u->path.n;
    s->url.text.n = (size_t)(end - s->text);
    s->text[s->url.text.n] = '\0';
    err = check_url(&s->url, s->text);
  }
  if (err) {
    free(s->text);
    free(s);
    return err;
  }
  s->rt = rt;
  *out = &s->hdr;
  return DAGGER_OK;
}

#define HTTP_OPEN http_open
#define HTTP_READ http_read
#define HTTP_WRITE http_write
#define HTTP_FLUSH http_flush
#define HTTP_CLOSE http_close
#else
#define HTTP_OPEN NULL
#define HTTP_READ NULL
#define HTTP_WRITE NULL
#define HTTP_FLUSH NULL
#define HTTP_CLOSE NULL
#endif

const dagger_scheme dagger_scheme_http = {
    .name = "http",
    .open = HTTP_OPEN,
    .read = HTTP_READ,
    .write = HTTP_WRITE,
    .flush = HTTP_FLUSH,
    .close = HTTP_CLOSE,
};

const dagger_scheme dagger_scheme_https = {
    .name = "https",
    .open = HTTP_OPEN,
    .read = HTTP_READ,
    .write = HTTP_WRITE,
    .flush = HTTP_FLUSH,
    .close = HTTP_CLOSE,
};
