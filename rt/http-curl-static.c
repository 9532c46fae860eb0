/* The libcurl table of a static program: libcurl.a's own functions (see
 * http-curl.h). Only linked when daggercc links libcurl.a, libssl.a and
 * libcrypto.a statically (--static, for a target that has them); every
 * other program leaves this member of the archive out. */
#ifdef DAGGER_HAVE_CURL
#include "http-curl.h"

const dagger_curl_api dagger_curl_static = {
    .easy_cleanup = curl_easy_cleanup,
    .easy_getinfo = curl_easy_getinfo,
    .easy_init = curl_easy_init,
    .easy_pause = curl_easy_pause,
    .easy_setopt = curl_easy_setopt,
    .free = curl_free,
    .global_init = curl_global_init,
    .multi_add_handle = curl_multi_add_handle,
    .multi_cleanup = curl_multi_cleanup,
    .multi_info_read = curl_multi_info_read,
    .multi_init = curl_multi_init,
    .multi_perform = curl_multi_perform,
    .multi_poll = curl_multi_poll,
    .multi_remove_handle = curl_multi_remove_handle,
    .slist_append = curl_slist_append,
    .slist_free_all = curl_slist_free_all,
    .url = curl_url,
    .url_cleanup = curl_url_cleanup,
    .url_get = curl_url_get,
    .url_set = curl_url_set,
};
#else
/* ISO C wants a translation unit to declare something. */
typedef int dagger_http_curl_static_unused;
#endif
