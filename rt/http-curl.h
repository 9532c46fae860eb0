/* The libcurl functions http.c uses, as one table: the link-mode seam.
 *
 * A dynamic program fills it with dlsym() from libcurl.so.4, loaded on
 * first use (http.c). A static program (daggercc --static, for a target
 * with a static libcurl) links http-curl-static.c, whose dagger_curl_static
 * holds the functions of the libcurl.a it is linked with. http.c refers to
 * dagger_curl_static weakly, so the archive member, and with it libcurl,
 * is only linked when daggercc asks for it (-Wl,--undefined=...). */
#ifndef DAGGER_HTTP_CURL_H
#define DAGGER_HTTP_CURL_H

#include <curl/curl.h>

typedef struct dagger_curl_api {
  void (*easy_cleanup)(CURL *h);
  CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
  CURL *(*easy_init)(void);
  CURLcode (*easy_pause)(CURL *h, int bitmask);
  CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
  void (*free)(void *p);
  CURLcode (*global_init)(long flags);
  CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
  CURLMcode (*multi_cleanup)(CURLM *m);
  CURLMsg *(*multi_info_read)(CURLM *m, int *left);
  CURLM *(*multi_init)(void);
  CURLMcode (*multi_perform)(CURLM *m, int *running);
  CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *extra, unsigned n,
                          int timeout_ms, int *ret);
  CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
  struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
  void (*slist_free_all)(struct curl_slist *l);
  CURLU *(*url)(void);
  void (*url_cleanup)(CURLU *u);
  CURLUcode (*url_get)(CURLU *u, CURLUPart what, char **part, unsigned flags);
  CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part,
                       unsigned flags);
} dagger_curl_api;

/* libcurl linked in (http-curl-static.c); absent (NULL address) unless the
 * program was linked with it. */
extern const dagger_curl_api dagger_curl_static __attribute__((weak));

#endif
