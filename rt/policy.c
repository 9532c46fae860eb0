/* Which URLs this program may open.
 *
 * Rules come from the driver's --allow/--deny. A rule is either a scheme
 * ("https", "https:" or "https://"), which names every URL of that scheme,
 * or a URL prefix ("https://api.example.com/v1"), which names the URLs
 * whose normal form starts with the rule's normal form at a boundary: the
 * rule ends with '/', or the URL goes on with '/', '?' or ends there (with
 * '&' or the end when the rule has a query). So ".../v1" names ".../v1/x"
 * and ".../v1?a" but not ".../v10", and "https://h" (normal form
 * "https://h/") never names "https://h.evil.org/".
 *
 * Matching is on normal forms, never on the text the guest wrote, so that
 * case, default ports, escapes and dot segments cannot make one URL look
 * like another. Userinfo is not part of the host: "http://evil.com@good.com/"
 * is a URL of good.com. Hosts that are IPv4 numbers in any notation curl
 * accepts ("0x7f.1", "2130706433") are written in dotted decimal, IPv6
 * literals in RFC 5952 form, a trailing dot is dropped. A URL whose normal
 * form cannot be trusted (a path with an encoded '/' or '\', a host with
 * characters DNS cannot carry, a bad port) is denied as soon as a deny rule
 * of its scheme exists, and an allow rule never names it.
 *
 * Deny beats allow; a URL no rule names gets default_allow. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt.h"

#define NORM_MAX (DAGGER_URL_MAX + 64)

typedef struct out_buf {
  char *p;
  size_t n, size;
  bool bad; /* overflow or a part with no normal form */
} out_buf;

static void put(out_buf *o, const char *s, size_t n) {
  if (o->bad || o->n + n >= o->size) {
    o->bad = true;
    return;
  }
  memcpy(o->p + o->n, s, n);
  o->n += n;
  o->p[o->n] = '\0';
}

static void puts_(out_buf *o, const char *s) {
  put(o, s, strlen(s));
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool unreserved(int c) {
  return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Copies a path or query, decoding escapes of unreserved characters and
 * upper-casing the others. In a path, an encoded '/' or '\' (and a raw
 * '\') is refused: servers disagree on what it means. */
static void put_escaped(out_buf *o, dagger_str s, bool is_path) {
  for (size_t i = 0; i < s.n; i++) {
    char c = s.p[i];
    if (c == '\\' && is_path)
      o->bad = true;
    if (c != '%') {
      put(o, &c, 1);
      continue;
    }
    int hi = i + 2 < s.n ? hexval(s.p[i + 1]) : -1;
    int lo = i + 2 < s.n ? hexval(s.p[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      o->bad = true;
      return;
    }
    int v = hi * 16 + lo;
    if (is_path && (v == '/' || v == '\\'))
      o->bad = true;
    char enc[4] = {'%', "0123456789ABCDEF"[hi], "0123456789ABCDEF"[lo]};
    enc[0] = unreserved(v) ? (char)v : '%';
    put(o, enc, unreserved(v) ? 1 : 3);
    i += 2;
  }
}

/* RFC 3986 section 5.2.4, in place on o->p[from..o->n). */
static void remove_dot_segments(out_buf *o, size_t from) {
  char *in = o->p + from, *end = o->p + o->n, *w = in;
  while (in < end) {
    size_t left = (size_t)(end - in);
    if (left >= 3 && memcmp(in, "/./", 3) == 0) {
      in += 2;
    } else if (left == 2 && memcmp(in, "/.", 2) == 0) {
      in[1] = '/', in += 1;
    } else if ((left >= 4 && memcmp(in, "/../", 4) == 0) ||
               (left == 3 && memcmp(in, "/..", 3) == 0)) {
      in += left == 3 ? 2 : 3; /* keep the last '/' as the input's start */
      *in = '/';
      while (w > o->p + from && *--w != '/')
        ;
    } else {
      char *seg = in + 1;
      while (seg < end && *seg != '/')
        seg++;
      memmove(w, in, (size_t)(seg - in));
      w += seg - in, in = seg;
    }
  }
  o->n = (size_t)(w - o->p);
  o->p[o->n] = '\0';
}

/* One part of a WHATWG IPv4 number: decimal, 0x hex or 0 octal. */
static bool ipv4_part(const char *s, size_t n, uint64_t *v) {
  int base = 10;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    base = 16, s += 2, n -= 2;
  else if (n >= 2 && s[0] == '0')
    base = 8, s += 1, n -= 1;
  *v = 0;
  if (n > 20)
    return false;
  for (size_t i = 0; i < n; i++) {
    int d = hexval(s[i]);
    if (d < 0 || d >= base)
      return false;
    *v = *v * (uint64_t)base + (uint64_t)d;
    if (*v > UINT32_MAX)
      return false; /* too big for any part, and must not wrap around */
  }
  return n > 0; /* "0x" alone is no number to inet_aton(3) */
}

static bool ends_in_number(const char *h) {
  const char *last = strrchr(h, '.');
  last = last ? last + 1 : h;
  if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return strspn(last + 2, "0123456789abcdefABCDEF") == strlen(last + 2);
  return *last && strspn(last, "0123456789") == strlen(last);
}

/* Rewrites a host that is an IPv4 number in dotted decimal. */
static bool ipv4_normalise(char *h, size_t size) {
  uint64_t parts[4], v;
  int n = 0;
  for (const char *p = h;; n++) {
    const char *dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    if (n == 4 || !ipv4_part(p, len, &parts[n]))
      return false;
    if (!dot)
      break;
    p = dot + 1;
  }
  n++;
  v = parts[n - 1];
  if (v >> (8 * (5 - n)))
    return false;
  for (int i = 0; i < n - 1; i++) {
    if (parts[i] > 255)
      return false;
    v |= parts[i] << (8 * (3 - i));
  }
  snprintf(h, size, "%u.%u.%u.%u", (unsigned)(v >> 24),
           (unsigned)(v >> 16) & 255, (unsigned)(v >> 8) & 255,
           (unsigned)v & 255);
  return true;
}

/* A registered name or IPv4 host, decoded and lower-cased; one trailing
 * dot dropped ("good.com." is good.com to DNS). A number with a trailing
 * dot ("1.2.3.4.") has no normal form: inet_aton(3), and so libcurl's
 * resolver, takes it for a DNS name, not for the address it spells. */
static void put_host(out_buf *o, dagger_str host) {
  static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
  char h[300];
  long n = host.n ? dagger_pct_decode(host, h, sizeof h) : 0;
  if (n < 0) {
    o->bad = true;
    return;
  }
  h[n] = '\0';
  bool dot = n > 0 && h[n - 1] == '.';
  if (dot)
    h[--n] = '\0';
  if (strspn(h, ok) != (size_t)n || (host.n > 0 && n == 0) ||
      (n > 0 && h[n - 1] == '.')) {
    o->bad = true;
    return;
  }
  for (long i = 0; i < n; i++)
    h[i] = (char)tolower((unsigned char)h[i]);
  if (n > 0 && ends_in_number(h) && (dot || !ipv4_normalise(h, sizeof h)))
    o->bad = true;
  puts_(o, h);
}

static void put_ipv6(out_buf *o, dagger_str lit) {
  char in[64], text[INET6_ADDRSTRLEN];
  unsigned char addr[16];
  if (lit.n >= sizeof in) {
    o->bad = true;
    return;
  }
  memcpy(in, lit.p, lit.n);
  in[lit.n] = '\0';
  if (inet_pton(AF_INET6, in, addr) != 1 ||
      !inet_ntop(AF_INET6, addr, text, sizeof text)) {
    o->bad = true; /* includes zone identifiers: "%25eth0" */
    return;
  }
  /* An IPv4-mapped address reaches the IPv4 host it maps (a dual-stack
   * socket connects to it): "[::ffff:7f00:1]" is 127.0.0.1. */
  if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)addr)) {
    inet_ntop(AF_INET, addr + 12, text, sizeof text);
    puts_(o, text);
    return;
  }
  puts_(o, "[");
  puts_(o, text);
  puts_(o, "]");
}

static unsigned default_port(const char *scheme) {
  if (strcmp(scheme, "http") == 0)
    return 80;
  return strcmp(scheme, "https") == 0 ? 443 : 0;
}

static void put_port(out_buf *o, dagger_str port, const char *scheme) {
  unsigned long v = 0;
  for (size_t i = 0; i < port.n; i++) {
    if (!isdigit((unsigned char)port.p[i]) || v > 65535) {
      o->bad = true;
      return;
    }
    v = v * 10 + (unsigned long)(port.p[i] - '0');
  }
  if (v > 65535 || (port.n > 0 && v == 0))
    o->bad = true;
  else if (port.n > 0 && v != default_port(scheme)) {
    char text[8];
    snprintf(text, sizeof text, ":%lu", v);
    puts_(o, text);
  }
}

static void put_authority(out_buf *o, dagger_str a, const char *scheme) {
  for (size_t i = a.n; i > 0; i--) /* the host follows the last '@' */
    if (a.p[i - 1] == '@') {
      a.p += i, a.n -= i;
      break;
    }
  dagger_str host = a, port = {a.p + a.n, 0};
  const char *colon;
  if (a.n > 0 && a.p[0] == '[') {
    const char *close = memchr(a.p, ']', a.n);
    if (!close) {
      o->bad = true;
      return;
    }
    host = (dagger_str){a.p + 1, (size_t)(close - a.p - 1)};
    colon = close + 1 < a.p + a.n ? close + 1 : NULL;
    if (colon && *colon != ':')
      o->bad = true;
    put_ipv6(o, host);
  } else {
    colon = memchr(a.p, ':', a.n);
    if (colon)
      host.n = (size_t)(colon - a.p);
    put_host(o, host);
  }
  if (colon)
    port = (dagger_str){colon + 1, (size_t)(a.p + a.n - colon - 1)};
  put_port(o, port, scheme);
}

/* A file path in the jail's own normal form (dagger_file_path_normalise),
 * every byte but '/' and the unreserved ones escaped: the policy judges the
 * path the jail opens, "//secret" and "/./secret" included. */
static void put_file_path(out_buf *o, dagger_str path) {
  char norm[DAGGER_URL_MAX + 2];
  long n = path.n ? dagger_file_path_normalise(path, norm, sizeof norm) : 0;
  if (n < 0) {
    o->bad = true; /* "..", a bad escape: the jail refuses it too */
    return;
  }
  for (long i = 0; i < n; i++) {
    unsigned char c = (unsigned char)norm[i];
    char enc[3] = {'%', "0123456789ABCDEF"[c >> 4], "0123456789ABCDEF"[c & 15]};
    if (c == '/' || unreserved(c))
      put(o, &norm[i], 1);
    else
      put(o, enc, 3);
  }
}

/* fd://0, fd://1 and fd://2 are the streams stdin://, stdout:// and
 * stderr:// by another name: the name of the stream a URL opens, or NULL. */
static const char *stream_alias(const dagger_url *url) {
  static const char *const names[] = {"stdin", "stdout", "stderr"};
  if (strcmp(url->scheme, "fd") != 0 || url->authority.n != 1 || url->path.n ||
      url->has_query || url->authority.p[0] < '0' || url->authority.p[0] > '2')
    return NULL;
  return names[url->authority.p[0] - '0'];
}

static const char *scheme_of(const dagger_url *url) {
  const char *alias = stream_alias(url);
  return alias ? alias : url->scheme;
}

long dagger_policy_normalise(const dagger_url *url, char *out, size_t size) {
  out_buf o = {out, 0, size, size == 0};
  if (size)
    out[0] = '\0';
  if (stream_alias(url)) { /* "fd://2" is "stderr://" */
    puts_(&o, stream_alias(url));
    puts_(&o, "://");
    return o.bad ? -1 : (long)o.n;
  }
  puts_(&o, url->scheme);
  puts_(&o, "://");
  put_authority(&o, url->authority, url->scheme);
  size_t path_at = o.n;
  if (strcmp(url->scheme, "file") == 0) {
    put_file_path(&o, url->path);
  } else {
    if (url->path.n == 0 && default_port(url->scheme))
      puts_(&o, "/"); /* "http://h" is "http://h/" */
    put_escaped(&o, url->path, true);
    if (!o.bad)
      remove_dot_segments(&o, path_at);
  }
  if (url->has_query) {
    puts_(&o, "?");
    put_escaped(&o, url->query, false);
  }
  return o.bad ? -1 : (long)o.n;
}

/* The spelling of an HTTP normal form that servers which merge slashes or
 * drop ";parameters" from segments (Tomcat, many routers) act on:
 * "/a//b;x=1/../c" is "/c". Deny rules are matched on it as well, in
 * place on norm (n bytes, NUL-terminated); returns the new length. */
static size_t loosen(char *norm, size_t n) {
  char *path = strstr(norm, "://");
  path = path ? path + 3 + strcspn(path + 3, "/?") : norm + n;
  char *end = path + strcspn(path, "?"), *w = path;
  bool param = false;
  for (char *r = path; r < end; r++) {
    if (*r == '/')
      param = false;
    else if (*r == ';')
      param = true;
    if (param || (*r == '/' && w > path && w[-1] == '/'))
      continue;
    *w++ = *r;
  }
  size_t rest = (size_t)(norm + n - end);
  memmove(w, end, rest + 1);
  out_buf o = {norm, (size_t)(w - norm) + rest, n + 1, false};
  char *q = strchr(path, '?');
  if (q) /* dot segments of the path only: move the query aside */
    o.n = (size_t)(q - norm);
  char query[NORM_MAX];
  snprintf(query, sizeof query, "%s", q ? q : "");
  remove_dot_segments(&o, (size_t)(path - norm));
  put(&o, query, strlen(query));
  return o.n;
}

/* "https", "https:" or "https://": the scheme (lower-cased) into out. */
static bool scheme_rule(const char *rule, char *out, size_t size) {
  size_t n = 0;
  while (isalpha((unsigned char)rule[n]) ||
         (n > 0 && (isalnum((unsigned char)rule[n]) || rule[n] == '+' ||
                    rule[n] == '-' || rule[n] == '.')))
    n++;
  const char *rest = rule + n;
  if (n == 0 || n >= size ||
      !(strcmp(rest, "") == 0 || strcmp(rest, ":") == 0 ||
        strcmp(rest, "://") == 0))
    return false;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)rule[i]);
  out[n] = '\0';
  return true;
}

/* Does the normal form u start with the rule r at a boundary? */
static bool prefix_matches(const char *r, size_t rn, const char *u, size_t un) {
  if (un < rn || memcmp(u, r, rn) != 0)
    return false;
  if (un == rn || r[rn - 1] == '/')
    return true;
  char next = u[rn];
  if (memchr(r, '?', rn))
    return next == '&';
  return next == '/' || next == '?';
}

/* Does the scheme rule name the URL? A stream and its fd:// alias are one
 * stream: "stderr" names "fd://2", and "fd" names stdin://, stdout:// and
 * stderr://. */
static bool scheme_names(const char *scheme, const dagger_url *url) {
  if (strcmp(scheme, url->scheme) == 0 || strcmp(scheme, scheme_of(url)) == 0)
    return true;
  return strcmp(scheme, "fd") == 0 && (strcmp(url->scheme, "stdin") == 0 ||
                                       strcmp(url->scheme, "stdout") == 0 ||
                                       strcmp(url->scheme, "stderr") == 0);
}

static bool is_http(const char *scheme) {
  return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0;
}

/* dagger_policy_rule_match, and when loose, also on the loosened forms of
 * an HTTP rule and URL (see loosen). */
static int rule_match(const char *rule, const dagger_url *url, bool loose) {
  char scheme[32];
  if (scheme_rule(rule, scheme, sizeof scheme))
    return scheme_names(scheme, url);
  dagger_url ru;
  char rn[NORM_MAX], un[NORM_MAX];
  long rlen = -1;
  if (dagger_url_parse(rule, strlen(rule), &ru) == DAGGER_OK)
    rlen = dagger_policy_normalise(&ru, rn, sizeof rn);
  if (rlen <= 0)
    return -1;
  if (scheme_rule(rn, scheme, sizeof scheme)) /* "fd://:" is "fd://" */
    return scheme_names(scheme, url);
  if (strcmp(scheme_of(&ru), scheme_of(url)) != 0)
    return 0;
  long ulen = dagger_policy_normalise(url, un, sizeof un);
  if (ulen < 0)
    return -1;
  if (prefix_matches(rn, (size_t)rlen, un, (size_t)ulen))
    return 1;
  if (!loose || !is_http(url->scheme))
    return 0;
  rlen = (long)loosen(rn, (size_t)rlen);
  ulen = (long)loosen(un, (size_t)ulen);
  return rlen > 0 && prefix_matches(rn, (size_t)rlen, un, (size_t)ulen);
}

int dagger_policy_rule_match(const char *rule, const dagger_url *url) {
  return rule_match(rule, url, false);
}

int dagger_policy_deny_match(const char *rule, const dagger_url *url) {
  return rule_match(rule, url, true);
}

int dagger_policy_rule_check(const char *rule) {
  char scheme[32], norm[NORM_MAX];
  dagger_url u;
  if (scheme_rule(rule, scheme, sizeof scheme))
    return DAGGER_OK;
  if (dagger_url_parse(rule, strlen(rule), &u) != DAGGER_OK ||
      dagger_policy_normalise(&u, norm, sizeof norm) < 0)
    return DAGGER_BAD_URL;
  return DAGGER_OK;
}

static bool denied(const dagger_rt *rt, const dagger_url *url) {
  for (const char *const *r = rt->deny; r && *r; r++)
    if (dagger_policy_deny_match(*r, url) != 0)
      return true; /* -1, undecidable, counts as a match: fail closed */
  return false;
}

static bool allowed(const dagger_rt *rt, const dagger_url *url) {
  for (const char *const *r = rt->allow; r && *r; r++)
    if (dagger_policy_rule_match(*r, url) == 1)
      return true;
  return rt->default_allow;
}

int dagger_policy_check(const dagger_rt *rt, const dagger_url *url) {
  if (!denied(rt, url) && allowed(rt, url))
    return DAGGER_OK;
  int n = url->text.n > 200 ? 200 : (int)url->text.n;
  dagger_rt_diag(rt, "policy: denied open of %.*s%s", n, url->text.p,
                 url->text.n > 200 ? "..." : "");
  if (rt->stats) /* NULL in a runtime a test builds by hand */
    rt->stats->refused++;
  return DAGGER_NOT_PERMITTED;
}

/* The address a socket connects to, as a URL authority: IPv4-mapped
 * addresses as the IPv4 address, and the unspecified addresses (0.0.0.0,
 * "::"), which connect to this host, as its loopback address. */
static bool address_text(const struct sockaddr *sa, size_t len, char *out,
                         size_t size) {
  char ip[INET6_ADDRSTRLEN];
  unsigned port;
  if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
    struct sockaddr_in a;
    memcpy(&a, sa, sizeof a);
    if (a.sin_addr.s_addr == htonl(INADDR_ANY))
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
    port = ntohs(a.sin_port);
  } else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 a;
    memcpy(&a, sa, sizeof a);
    if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr))
      a.sin6_addr = in6addr_loopback;
    ip[0] = '[';
    inet_ntop(AF_INET6, &a.sin6_addr, ip + 1, sizeof ip - 2);
    strcat(ip, "]"); /* the normal form turns a mapped one into IPv4 */
    port = ntohs(a.sin6_port);
  } else {
    return false;
  }
  return snprintf(out, size, "%s:%u", ip, port) < (int)size;
}

int dagger_policy_check_connect(const dagger_rt *rt, const char *scheme,
                                const struct sockaddr *sa, size_t len,
                                const char *target) {
  char addr[INET6_ADDRSTRLEN + 16] = "?", text[DAGGER_URL_MAX + 64];
  dagger_url u;
  bool ok = address_text(sa, len, addr, sizeof addr);
  int n = snprintf(text, sizeof text, "%s://%s%s", scheme, addr, target);
  ok = ok && n > 0 && (size_t)n < sizeof text &&
       dagger_url_parse(text, (size_t)n, &u) == DAGGER_OK && !denied(rt, &u);
  if (ok)
    return DAGGER_OK;
  dagger_rt_diag(rt, "policy: denied connection to %s for %.200s", addr, text);
  if (rt->stats) /* NULL in a runtime a test builds by hand */
    rt->stats->refused++;
  return DAGGER_NOT_PERMITTED;
}
