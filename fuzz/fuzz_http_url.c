/* libFuzzer target: the host the policy judges is the host libcurl
 * connects to. The input is an http(s) URL; when the runtime's http open
 * accepts it (rt/http.c: check_url, with the runtime built against libcurl)
 * and the policy gives it a normal form, libcurl's own parse of the origin
 * the runtime hands it ("scheme://authority/") must name the same host and
 * port as that normal form. A difference would let a rule for one host
 * open another: "http://evil.com@good.com/" is the classic.
 *
 * libcurl is only the oracle here (not instrumented): its host is put in
 * the form the resolver would use, i.e. an IPv4 number in any notation
 * inet_aton(3) accepts (getaddrinfo treats a host that way) in dotted
 * decimal, an IPv6 literal in inet_ntop form, a name lower-cased without
 * one trailing dot.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -DDAGGER_HAVE_CURL=1 -I rt -I rt/include \
 *     fuzz/fuzz_http_url.c rt/[a-z]*.c -lcurl -ldl -o /tmp/fuzz_http_url
 *   cp -r fuzz/corpus/http_url /tmp/corpus-http_url  # keep seeds pristine
 *   /tmp/fuzz_http_url -runs=2000000 /tmp/corpus-http_url
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define NORM_MAX (DAGGER_URL_MAX + 64)

/* The host as the resolver takes it, into out; false if it is none. */
static bool resolver_form(const char *host, char *out, size_t size) {
  size_t n = strlen(host);
  struct in_addr v4;
  unsigned char v6[16];
  char lit[64];
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    if (n - 2 >= sizeof lit)
      return false;
    memcpy(lit, host + 1, n - 2);
    lit[n - 2] = '\0';
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, lit, v6) != 1 ||
        !inet_ntop(AF_INET6, v6, text, sizeof text))
      return false;
    /* A dual-stack socket connects an IPv4-mapped address to the IPv4
     * host it maps, and the policy names it so. */
    if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)v6))
      return inet_ntop(AF_INET, v6 + 12, out, (socklen_t)size) != NULL;
    return snprintf(out, size, "[%s]", text) < (int)size;
  }
  if (inet_aton(host, &v4)) {
    uint32_t a = ntohl(v4.s_addr);
    snprintf(out, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
             a & 255);
    return true;
  }
  if (n >= size)
    return false;
  for (size_t i = 0; i <= n; i++)
    out[i] = (char)tolower((unsigned char)host[i]);
  if (n > 0 && out[n - 1] == '.')
    out[n - 1] = '\0';
  return true;
}

/* Host and port (explicit or the scheme's default) of a normal form. */
static void split_normal(const char *norm, const char *scheme, char *host,
                         size_t size, long *port) {
  const char *a = strstr(norm, "://") + 3;
  size_t n = strcspn(a, "/?");
  const char *colon = NULL;
  for (const char *p = a; p < a + n; p++)
    if (*p == ':')
      colon = p; /* the port follows the last ':' (after any "[...]") */
  if (colon && memchr(colon, ']', (size_t)(a + n - colon)))
    colon = NULL;
  size_t hn = colon ? (size_t)(colon - a) : n;
  if (hn >= size)
    abort();
  memcpy(host, a, hn);
  host[hn] = '\0';
  *port = colon                          ? strtol(colon + 1, NULL, 10)
          : strcmp(scheme, "https") == 0 ? 443
                                         : 80;
}

/* Compares the normal form with libcurl's view of the origin. */
static void compare(const dagger_url *u, const char *norm) {
  static char origin[DAGGER_URL_MAX + 16];
  snprintf(origin, sizeof origin, "%s://%.*s/", u->scheme, (int)u->authority.n,
           u->authority.p);
  CURLU *c = curl_url();
  char *host = NULL, *port = NULL;
  if (!c)
    abort();
  if (curl_url_set(c, CURLUPART_URL, origin, 0) != CURLUE_OK ||
      curl_url_get(c, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(c, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
    curl_free(host);
    curl_url_cleanup(c);
    return; /* libcurl will refuse it at flush: nothing is sent */
  }
  char curl_host[600], norm_host[600];
  long norm_port;
  split_normal(norm, u->scheme, norm_host, sizeof norm_host, &norm_port);
  bool named = resolver_form(host, curl_host, sizeof curl_host);
  if (!named || strcmp(curl_host, norm_host) != 0 ||
      strtol(port, NULL, 10) != norm_port) {
    fprintf(stderr,
            "policy and libcurl disagree on %s:\n"
            "  policy: host %s port %ld (normal form %s)\n"
            "  libcurl: host %s (%s) port %s\n",
            origin, norm_host, norm_port, norm, host,
            named ? curl_host : "no resolver form", port);
    abort();
  }
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(c);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (!dagger_scheme_http.open) {
    fprintf(stderr, "fuzz_http_url: runtime built without libcurl\n");
    abort();
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char norm[NORM_MAX];
  dagger_url u;
  if (dagger_url_parse((const char *)data, size, &u) != DAGGER_OK)
    return 0;
  const dagger_scheme *scheme =
      strcmp(u.scheme, "http") == 0    ? &dagger_scheme_http
      : strcmp(u.scheme, "https") == 0 ? &dagger_scheme_https
                                       : NULL;
  if (!scheme)
    return 0;
  dagger_rt rt = {.program = "fuzz_http_url", .jail_fd = -1};
  dagger_stream *s = NULL;
  if (scheme->open(&rt, &u, &s) != DAGGER_OK)
    return 0;
  s->scheme = scheme;
  scheme->close(s);
  if (dagger_policy_normalise(&u, norm, sizeof norm) < 0)
    return 0; /* no rule names it; a deny rule of its scheme refuses it */
  compare(&u, norm);
  return 0;
}
