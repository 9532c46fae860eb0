/* What the linker says about a --static program with the static libcurl:
 * glibc marks getaddrinfo and gethostbyname with a warning for static
 * links ("Using 'getaddrinfo' in statically linked applications requires at
 * runtime the shared libraries from the glibc version used for linking"),
 * which concerns NSS modules other than files and dns: a static daggercc
 * program never loads one (docs/static-https.md). Those warnings, and the
 * "in function" line ld prints before each, are dropped; every other line
 * of the linker's output passes through unchanged. */
#define _GNU_SOURCE /* memmem */
#include "compiler.h"

#include <string.h>

static bool static_nss_warning(const char *line, size_t n) {
  static const char tail[] = "' in statically linked applications requires "
                             "at runtime the shared libraries from the glibc "
                             "version used for linking";
  const char *w = memmem(line, n, "warning: Using '", 16);
  size_t k = sizeof tail - 1;

  return w && n >= k && memcmp(line + n - k, tail, k) == 0 &&
         memchr(w + 16, '\'', (size_t)(line + n - k - (w + 16))) == NULL;
}

static bool in_function(const char *line, size_t n) {
  return n > 0 && line[n - 1] == ':' && memmem(line, n, ": in function `", 15);
}

/* The line at s (without its newline) and where the next one starts. */
static size_t line_at(const char *s, const char **next) {
  const char *nl = strchr(s, '\n');
  *next = nl ? nl + 1 : s + strlen(s);
  return nl ? (size_t)(nl - s) : strlen(s);
}

void dgc_linkmsg_filter(const char *text, FILE *out) {
  const char *s = text, *next, *after;

  while (*s) {
    size_t n = line_at(s, &next);
    if (static_nss_warning(s, n)) {
      s = next;
      continue;
    }
    if (in_function(s, n) && *next) {
      size_t m = line_at(next, &after);
      if (static_nss_warning(next, m)) {
        s = after;
        continue;
      }
    }
    fwrite(s, 1, (size_t)(next - s), out);
    s = next;
  }
}
