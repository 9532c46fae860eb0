/* compiler/linkmsg.c: glibc's static-link warnings about name lookup are
 * dropped from a --static link's output, and nothing else is. The whole
 * link runs in tests/cli/static-https.sh. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "unit.h"

#define WARN(fn)                                                               \
  "warning: Using '" fn "' in statically linked applications requires at "     \
  "runtime the shared libraries from the glibc version used for linking\n"

static char *filtered(const char *text) {
  char *out = NULL;
  size_t len;
  FILE *f = open_memstream(&out, &len);

  dgc_linkmsg_filter(text, f);
  fclose(f);
  return out;
}

static void check(const char *text, const char *want) {
  char *got = filtered(text);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
}

static void test_dropped(void) {
  /* ld 2.40's output for the static libcurl, as it is */
  check("/usr/bin/ld: /x/libcurl.a(libcurl_la-curl_addrinfo.o): in function "
        "`Curl_getaddrinfo_ex':\n"
        "curl_addrinfo.c:(.text+0x5f): " WARN(
            "getaddrinfo") "/usr/bin/ld: "
                           "/x/libcrypto.a(libcrypto-lib-bio_sock.o): in "
                           "function "
                           "`BIO_gethostbyname':\n"
                           "(.text+0x81): " WARN("gethostbyname"),
        "");
  check("(.text+0x81): " WARN("gethostbyname"), "");
}

static void test_kept(void) {
  /* other warnings and errors, an "in function" line before one, a last
   * line without its newline */
  static const char *const kept[] = {
      "/usr/bin/ld: /x/a.o: in function `main':\n"
      "a.c:(.text+0x1): undefined reference to `f'\n"
      "collect2: error: ld returned 1 exit status\n",
      "a.c:(.text+0x5): warning: the use of `tmpnam' is dangerous, better "
      "use `mkstemp'\n",
      "x: " WARN("getaddrinfo' and 'more"),
      "/usr/bin/ld: /x/a.o: in function `g':\n",
      "no newline at the end",
      "",
  };
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
    check(kept[i], kept[i]);
  check("/usr/bin/ld: /x/a.o: in function `main':\n"
        "a.c:(.text+0x1): undefined reference to `f'\n"
        "b.c:(.text+0x5): " WARN("getaddrinfo") "collect2: error\n",
        "/usr/bin/ld: /x/a.o: in function `main':\n"
        "a.c:(.text+0x1): undefined reference to `f'\n"
        "collect2: error\n");
}

int main(void) {
  static const unit_test tests[] = {
      {"dropped", test_dropped},
      {"kept", test_kept},
      {NULL, NULL},
  };
  return unit_run("linkmsg", tests);
}
