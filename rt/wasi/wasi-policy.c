/* The compiled-in policy for WASI path operations.
 *
 * A path below a directory descriptor is decided as the file:/// URL of
 * the same file: the directory's own path below the jail, then the path,
 * with "." and ".." resolved lexically (a ".." above the jail is refused
 * here; the kernel would refuse it anyway), every byte outside RFC 3986's
 * unreserved set and '/' percent-encoded, so that policy.c normalises and
 * matches it exactly as it does the URL a file:// stream names. A program
 * built without rules skips all of this. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "wasi.h"

#define URL_MAX 4096

/* Appends component c (n bytes) to out, or pops one for "..". */
static int add(char *out, size_t *o, const char *c, size_t n) {
  if (n == 0 || (n == 1 && c[0] == '.'))
    return 0;
  if (n == 2 && c[0] == '.' && c[1] == '.') {
    char *slash = memrchr(out, '/', *o);
    if (!slash)
      return -1;
    *o = (size_t)(slash - out);
    return 0;
  }
  if (*o + 1 + n >= URL_MAX)
    return -1;
  out[(*o)++] = '/';
  memcpy(out + *o, c, n);
  *o += n;
  return 0;
}

static int add_all(char *out, size_t *o, const char *path) {
  while (*path) {
    size_t n = strcspn(path, "/");
    if (add(out, o, path, n))
      return -1;
    path += n + (path[n] == '/');
  }
  return 0;
}

/* "file://" + the normal path, percent-encoded. */
static long to_url(const char *path, size_t n, char *url, size_t size) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = (size_t)snprintf(url, size, "file://");
  if (n == 0)
    url[o++] = '/';
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)path[i];
    bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                 (ch >= '0' && ch <= '9') || strchr("-._~/", ch);
    if (o + 4 >= size)
      return -1;
    if (plain && ch) {
      url[o++] = (char)ch;
    } else {
      url[o++] = '%';
      url[o++] = hex[ch >> 4];
      url[o++] = hex[ch & 15];
    }
  }
  url[o] = '\0';
  return (long)o;
}

bool wasi_policy_active(const dagger_rt *rt) {
  return (rt->allow && rt->allow[0]) || (rt->deny && rt->deny[0]) ||
         !rt->default_allow;
}

int wasi_policy(dagger_rt *rt, const wasi_file *dir, const char *path) {
  static char norm[URL_MAX], url[3 * URL_MAX + 16];
  dagger_url u;
  size_t o = 0;
  if (!wasi_policy_active(rt))
    return 0;
  if (!dir->dir || add_all(norm, &o, dir->dir) || add_all(norm, &o, path))
    return WASI_EPERM;
  long n = to_url(norm, o, url, sizeof url);
  if (n < 0 || dagger_url_parse(url, (size_t)n, &u) != DAGGER_OK)
    return WASI_EPERM;
  return dagger_policy_check(rt, &u) == DAGGER_OK ? 0 : WASI_EPERM;
}
