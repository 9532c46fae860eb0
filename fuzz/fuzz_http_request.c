/* libFuzzer target for the strict parser of the request a module writes to
 * an http:// stream (dagger_http_parse_request, which needs no libcurl).
 * For any bytes it must return without touching memory it does not own,
 * and whatever it accepts must be a request libcurl can be handed as is:
 *   - a token method, an origin-form or http(s) absolute-form target, the
 *     version exactly HTTP/1.1;
 *   - header lines that each end in CRLF, with no CR or LF inside, no
 *     Transfer-Encoding, at most one Host;
 *   - a body exactly as long as Content-Length (none without it);
 *   - and the message is exactly request line + headers + CRLF + body.
 * The same holds for the input after dagger_http_crlf_head (bare LFs of the
 * head written CRLF, as the stream's flush does), which must only ever add
 * a CR before a bare LF of the head: never a bare CR, never a body byte.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the
 * source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I rt -I rt/include \
 *     fuzz/fuzz_http_request.c rt/[a-z]*.c -o /tmp/fuzz_http_request
 *   cp -r fuzz/corpus/http_request /tmp/corpus-http  # keep the seeds pristine
 *   /tmp/fuzz_http_request -runs=2000000 /tmp/corpus-http
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt.h"

static void check(bool ok) {
  if (!ok)
    abort();
}

static bool inside(dagger_str s, const uint8_t *data, size_t size) {
  return (const uint8_t *)s.p >= data &&
         (const uint8_t *)s.p + s.n <= data + size;
}

static void check_headers(const dagger_http_request *r) {
  const char *p = r->headers.p, *end = p + r->headers.n;
  int hosts = 0;
  while (p < end) {
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    check(lf && lf > p && lf[-1] == '\r');
    check(!memchr(p, '\r', (size_t)(lf - 1 - p)));
    const char *colon = memchr(p, ':', (size_t)(lf - p));
    check(colon && colon > p);
    for (const char *c = p; c < colon; c++)
      check(isalnum((unsigned char)*c) || strchr("!#$%&'*+-.^_`|~", *c));
    size_t n = (size_t)(colon - p);
    check(!(n == 17 && strncasecmp(p, "transfer-encoding", n) == 0));
    hosts += n == 4 && strncasecmp(p, "host", 4) == 0;
    p = lf + 1;
  }
  check(hosts == (r->has_host ? 1 : 0));
}

static void check_request(const uint8_t *data, size_t size);

/* The CRLF rewrite: the input with CRs added before bare LFs only, and
 * nothing to do for a message the strict parser accepts. */
static void check_crlf(const uint8_t *data, size_t size) {
  size_t n = dagger_http_crlf_head(data, size, NULL);
  uint8_t *out = malloc(n ? n : 1);
  check(out != NULL && n >= size);
  check(dagger_http_crlf_head(data, size, out) == n);
  size_t i = 0;
  for (size_t o = 0; o < n; o++) {
    if (i < size && out[o] == data[i]) {
      i++;
      continue;
    }
    check(out[o] == '\r' && i < size && data[i] == '\n' &&
          (i == 0 || data[i - 1] != '\r'));
  }
  check(i == size);
  check_request(out, n);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  dagger_http_request r;
  if (dagger_http_parse_request(data, size, &r) == DAGGER_OK)
    check(dagger_http_crlf_head(data, size, NULL) == size);
  check_request(data, size);
  check_crlf(data, size);
  return 0;
}

static void check_request(const uint8_t *data, size_t size) {
  dagger_http_request r;
  if (dagger_http_parse_request(data, size, &r) != DAGGER_OK)
    return;
  check(inside(r.method, data, size) && inside(r.target, data, size) &&
        inside(r.headers, data, size) && inside(r.body, data, size));
  check(r.method.n > 0 && (const uint8_t *)r.method.p == data);
  check(r.target.n > 0 &&
        (r.target.p[0] == '/' || strncasecmp(r.target.p, "http", 4) == 0));
  for (size_t i = 0; i < r.target.n; i++)
    check(r.target.p[i] > 0x20 && r.target.p[i] < 0x7f && r.target.p[i] != '#');
  size_t line = r.method.n + 1 + r.target.n + 1 + 8 + 2;
  check(memcmp(r.target.p + r.target.n, " HTTP/1.1\r\n", 11) == 0);
  check(r.headers.p == (const char *)data + line);
  check(line + r.headers.n + 2 + r.body.n == size);
  check(memcmp(r.headers.p + r.headers.n, "\r\n", 2) == 0);
  check(r.has_length || r.body.n == 0);
  check_headers(&r);
}
