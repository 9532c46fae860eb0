/* Generic URL splitting for the scheme table.
 *
 * Only the shape common to every Dagger URL is handled here:
 *   scheme "://" authority path ["?" query] ["#" fragment]
 * Each scheme interprets its parts itself (http.c hands the text to
 * libcurl's URL parser). Control characters, spaces and NUL are rejected
 * outright so no scheme ever sees them. */
#include <ctype.h>
#include <string.h>

#include "rt.h"

static bool scheme_char(char c, bool first) {
  if (isalpha((unsigned char)c))
    return true;
  return !first &&
         (isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.');
}

static size_t span_until(const char *p, size_t n, const char *stops) {
  size_t i = 0;
  while (i < n && !strchr(stops, p[i]))
    i++;
  return i;
}

int dagger_url_parse(const char *text, size_t len, dagger_url *out) {
  memset(out, 0, sizeof *out);
  if (len == 0 || len > DAGGER_URL_MAX)
    return DAGGER_BAD_URL;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)text[i] <= 0x20 || text[i] == 0x7f)
      return DAGGER_BAD_URL;
  size_t i = 0;
  while (i < len && scheme_char(text[i], i == 0))
    i++;
  if (i == 0 || i >= sizeof out->scheme || len - i < 3 ||
      memcmp(text + i, "://", 3) != 0)
    return DAGGER_BAD_URL;
  for (size_t k = 0; k < i; k++)
    out->scheme[k] = (char)tolower((unsigned char)text[k]);
  out->text = (dagger_str){text, len};
  const char *p = text + i + 3;
  size_t n = len - i - 3;
  /* A fragment means nothing to a stream: drop it. */
  n = span_until(p, n, "#");
  size_t a = span_until(p, n, "/?");
  out->authority = (dagger_str){p, a};
  p += a, n -= a;
  size_t q = span_until(p, n, "?");
  out->path = (dagger_str){p, q};
  if (q < n) {
    out->has_query = true;
    out->query = (dagger_str){p + q + 1, n - q - 1};
  }
  return DAGGER_OK;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

long dagger_pct_decode(dagger_str src, char *dst, size_t size) {
  if (size == 0)
    return -DAGGER_BAD_URL_INPUT;
  size_t o = 0;
  for (size_t i = 0; i < src.n; i++) {
    char c = src.p[i];
    if (c == '%') {
      if (src.n - i < 3)
        return -DAGGER_BAD_URL_INPUT;
      int hi = hexval(src.p[i + 1]), lo = hexval(src.p[i + 2]);
      /* %00 would truncate the decoded text behind the caller's back. */
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return -DAGGER_BAD_URL_INPUT;
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    if (o + 1 >= size)
      return -DAGGER_BAD_URL_INPUT;
    dst[o++] = c;
  }
  dst[o] = '\0';
  return (long)o;
}

/* Splits the next "key=value" pair off *rest (the value may be absent);
 * returns 0 when none is left. */
static int query_next(dagger_str *rest, dagger_str *key, dagger_str *val) {
  if (rest->n == 0)
    return 0;
  size_t n = span_until(rest->p, rest->n, "&");
  dagger_str pair = {rest->p, n};
  rest->p += n < rest->n ? n + 1 : n;
  rest->n -= n < rest->n ? n + 1 : n;
  size_t k = span_until(pair.p, pair.n, "=");
  *key = (dagger_str){pair.p, k};
  *val = k < pair.n ? (dagger_str){pair.p + k + 1, pair.n - k - 1}
                    : (dagger_str){pair.p + k, 0};
  return 1;
}

static bool str_is(dagger_str s, const char *lit) {
  return strlen(lit) == s.n && memcmp(s.p, lit, s.n) == 0;
}

int dagger_url_query_get(const dagger_url *url, const char *key, char *buf,
                         size_t size) {
  dagger_str rest = url->query, k, v;
  while (query_next(&rest, &k, &v)) {
    if (!str_is(k, key))
      continue;
    long n = dagger_pct_decode(v, buf, size);
    return n < 0 ? (int)n : 1;
  }
  return 0;
}

int dagger_url_query_only(const dagger_url *url, const char *const *keys) {
  dagger_str rest = url->query, k, v;
  while (query_next(&rest, &k, &v)) {
    bool known = false;
    for (const char *const *p = keys; *p && !known; p++)
      known = str_is(k, *p);
    if (!known)
      return DAGGER_BAD_URL_INPUT;
  }
  return DAGGER_OK;
}
