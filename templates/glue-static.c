/* Appended to the glue of a static program (daggercc --static), which is
 * linked with -Wl,--wrap=dlopen,... so that these replace the dynamic
 * loader's functions.
 *
 * The runtime loads libcurl (http://, https://) and libsodium (random://)
 * with dlopen on first use. A static executable cannot do that safely: the
 * libraries would bring a second C library with them, and glibc warns at
 * link time that the program needs its own shared version at run time. So
 * in a static program dlopen always fails, with the message below:
 * random:// reads from getrandom(2), and http(s) uses the static libcurl
 * that daggercc links where the target has one (rt/http-curl-static.c),
 * else its opens answer -UNSUPPORTED. OpenSSL's dlopen of engines and
 * providers fails the same way (a static program has them built in). */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);
void *__wrap_dlsym(void *handle, const char *name);
int __wrap_dlclose(void *handle);
char *__wrap_dlerror(void);

void *__wrap_dlopen(const char *file, int mode) {
  (void)file;
  (void)mode;
  return NULL;
}

void *__wrap_dlsym(void *handle, const char *name) {
  (void)handle;
  (void)name;
  return NULL;
}

int __wrap_dlclose(void *handle) {
  (void)handle;
  return -1;
}

char *__wrap_dlerror(void) {
  static char msg[] = "a static program loads no shared libraries";
  return msg;
}
