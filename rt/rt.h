/* Internal interface of the runtime, sectioned by file. Everything not
 * declared here is static to its file. */
#ifndef DAGGER_RT_INTERNAL_H
#define DAGGER_RT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagger/runtime.h"

/* ---- url.c: generic URL splitting -------------------------------------
 * scheme "://" authority [path] ["?" query] ["#" fragment]
 * The scheme is lower-cased; the other parts are views into the original
 * text (not NUL-terminated, not percent-decoded). */
#define DAGGER_URL_MAX 8192 /* longest URL the runtime accepts */

typedef struct dagger_str {
  const char *p;
  size_t n;
} dagger_str;

typedef struct dagger_url {
  char scheme[32];
  dagger_str text; /* the whole URL */
  dagger_str authority;
  dagger_str path; /* starts with '/' or is empty */
  dagger_str query;
  bool has_query;
} dagger_url;

/* DAGGER_OK or DAGGER_BAD_URL. Rejects control characters and NUL. */
int dagger_url_parse(const char *text, size_t len, dagger_url *out);
/* Finds `key` in a query "k=v&k2=v2" and percent-decodes its value into
 * buf (NUL-terminated). Returns 1 found, 0 absent, -DAGGER_BAD_URL_INPUT on
 * a malformed escape or a value that does not fit. */
int dagger_url_query_get(const dagger_url *url, const char *key, char *buf,
                         size_t size);
/* Checks that every key of the query is one of `keys` (NULL-terminated).
 * DAGGER_OK or DAGGER_BAD_URL_INPUT. */
int dagger_url_query_only(const dagger_url *url, const char *const *keys);
/* Percent-decodes src into dst (size bytes incl. NUL). Returns the decoded
 * length or -DAGGER_BAD_URL_INPUT (bad escape, %00, too long). */
long dagger_pct_decode(dagger_str src, char *dst, size_t size);

/* ---- memory.c: the accessors' checks, inline for the call path ----------
 * The public dagger_mem_* functions are these; the dispatcher uses them
 * directly because a one-byte write spent about a third of its time in the
 * out-of-line calls (bench/run nullwrite). */
static inline uint64_t dagger_mem_size_inline(const dagger_memory *mem) {
  if (!mem->base || !*mem->base || !mem->pages)
    return 0;
  return (uint64_t)*mem->pages << 16;
}

/* [ptr, ptr+len) inside the memory, computed without overflow. */
static inline bool dagger_mem_in_range(const dagger_memory *mem, uint32_t ptr,
                                       uint64_t len) {
  uint64_t size = dagger_mem_size_inline(mem);
  return (uint64_t)ptr <= size && len <= size - ptr;
}

/* The memory's size now and, through *base, its host address (normal
 * layout), read once: 0 and NULL when there is none. For a caller that
 * checks several ranges with dagger_mem_fits (WASI's one-iovec fd_read and
 * fd_write), rather than re-reading the size through its pointers. */
static inline uint64_t dagger_mem_view(const dagger_memory *mem,
                                       uint8_t **base) {
  if (!mem->base || !*mem->base || !mem->pages) {
    *base = NULL;
    return 0;
  }
  *base = *mem->base;
  return (uint64_t)*mem->pages << 16;
}

/* [ptr, ptr+len) inside a memory of size bytes: one 64-bit compare (the
 * sum of two 32-bit values cannot wrap in 64 bits). */
static inline bool dagger_mem_fits(uint64_t size, uint32_t ptr, uint32_t len) {
  return (uint64_t)ptr + len <= size;
}

/* Host address of a range already checked, normal layout only (NULL for
 * the reversed layout or a module without memory). */
static inline uint8_t *dagger_mem_span_checked(const dagger_memory *mem,
                                               uint32_t ptr) {
  if (mem->reversed || dagger_mem_size_inline(mem) == 0)
    return NULL;
  return *mem->base + ptr;
}

/* ---- core.c: descriptor table and call dispatch ---------------------- */
typedef struct dagger_stream dagger_stream;

/* A stream scheme: one file each (stdio.c, log.c, file.c, ...), listed in
 * schemes.c. read/write return bytes (>= 0) or a negated dagger_error.
 * NULL read or write: DAGGER_UNSUPPORTED; NULL flush: a no-op. close
 * releases the stream and returns 0 or a negated error (a failed final
 * flush); the descriptor is freed either way. */
typedef struct dagger_scheme {
  const char *name; /* lower case, without "://" */
  /* NULL: the scheme is known but not built into this binary. */
  int (*open)(dagger_rt *rt, const dagger_url *url, dagger_stream **out);
  int64_t (*read)(dagger_stream *s, uint8_t *buf, size_t len);
  int64_t (*write)(dagger_stream *s, const uint8_t *buf, size_t len);
  int (*flush)(dagger_stream *s);
  int (*close)(dagger_stream *s);
} dagger_scheme;

/* Every stream starts with this header (schemes embed it first). */
struct dagger_stream {
  const dagger_scheme *scheme;
  bool buffers;       /* flushed by dagger_rt_flush_all */
  unsigned char slot; /* the scheme's place in the table (stats.c) */
};

/* ---- stats.c: the counters of a run -------------------------------------
 * Plain increments on the call path, always on (one add each; bench/run
 * nullwrite measures them): dagger_stats_write only reads them. */
enum {
  DAGGER_CALL_OPEN,
  DAGGER_CALL_CLOSE,
  DAGGER_CALL_READ,
  DAGGER_CALL_WRITE,
  DAGGER_CALL_FLUSH,
  DAGGER_CALLS
};
#define DAGGER_SCHEME_SLOTS 16 /* >= the scheme table's length */
typedef struct dagger_stats {
  uint64_t calls[DAGGER_CALLS];
  uint64_t wasi_calls[DAGGER_WASI_COUNT];
  uint64_t opens[DAGGER_SCHEME_SLOTS];
  uint64_t bytes_read[DAGGER_SCHEME_SLOTS], bytes_written[DAGGER_SCHEME_SLOTS];
  uint64_t wasi_read, wasi_written; /* fd_read/fd_write/... of WASI */
  uint64_t refused;                 /* opens and connects the policy refused */
  uint64_t start_ns;                /* CLOCK_MONOTONIC at dagger_rt_new */
  const char *path;                 /* DAGGER_STATS; NULL: off */
  int trap;                         /* the dagger_trap the run ended with */
  const char *limit; /* "max-memory": refused at start (limits.c) */
  const char *ended; /* "error": a bad limit variable; NULL: see trap */
  bool written;
  dagger_limits limits; /* as armed by dagger_limits_start */
} dagger_stats;

/* Called by dagger_rt_new: the start time and DAGGER_STATS. */
void dagger_stats_init(dagger_stats *st);

struct dagger_rt {
  dagger_memory mem;
  dagger_stream **fds;
  int max_open;
  const char *program;
  const char *jail_root;
  int jail_fd; /* file.c: opened lazily, -1 until then */
  const char *const *allow;
  const char *const *deny;
  int default_allow;
  bool output_lost; /* a flush at exit or trap failed (dagger_rt_exit) */
  const char *const *args, *const *env; /* WASI: from dagger_config */
  struct dagger_wasi *wasi;             /* rt/wasi/: NULL until wasi_init */
  /* rt/wasi/: WASI calls may run (wasi is set, and no proc_exit yet): one
   * byte for the hot calls to test (wasi_call_begin). */
  bool wasi_live;
  /* stats.c: a pointer, so that code holding a const rt (the policy)
   * counts too; points at stats_store. */
  dagger_stats *stats;
  dagger_stats stats_store;
  bool watched; /* limits.c: a time limit is watched (dagger_call_enter) */
};

/* ---- limits.c: the system-call side of the time limits ------------------
 * While a time limit is watched (rt->watched), every system call (the five
 * and WASI's) runs between dagger_call_enter and dagger_call_leave, so that
 * the watch stops the program only where the runtime's state is whole:
 * outside a call at once, inside one when it returns (or after a grace
 * period, for a call that blocks). Without a time limit each costs one
 * load of a field of rt. */
void dagger_limits_enter_slow(void);
void dagger_limits_leave_slow(void);
static inline void dagger_call_enter(const dagger_rt *rt) {
  if (rt->watched)
    dagger_limits_enter_slow();
}
static inline void dagger_call_leave(const dagger_rt *rt) {
  if (rt->watched)
    dagger_limits_leave_slow();
}

/* Closes descriptor fd: dagger_close without the call's hooks (the
 * statistics' count of Dagger closes, the time limits), for WASI's
 * fd_close and fd_renumber and the runtime's own clean-up. 0, the stream's
 * close error, or -DAGGER_BAD_DESCRIPTOR. */
int32_t dagger_close_fd(dagger_rt *rt, int32_t fd);

/* rt/wasi/wasi-call.c: frees rt->wasi (dagger_rt_free). */
void dagger_wasi_free(dagger_rt *rt);

/* open and close of a stream that has no state and whose URL has no parts
 * beyond the scheme ("null://"): any authority, path or query is
 * DAGGER_BAD_URL_INPUT. */
int dagger_plain_open(dagger_rt *rt, const dagger_url *url,
                      dagger_stream **out);
int dagger_plain_close(dagger_stream *s);

/* Prints "PROGRAM: " + formatted message + newline on stderr. */
void dagger_rt_diag(const dagger_rt *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- schemes.c: the scheme table -------------------------------------- */
const dagger_scheme *dagger_scheme_find(const char *name);
/* The scheme's place in the table, and the scheme at a place (NULL past
 * the end): the statistics count per place. */
unsigned dagger_scheme_slot(const dagger_scheme *scheme);
const dagger_scheme *dagger_scheme_at(unsigned slot);

extern const dagger_scheme dagger_scheme_stdin, dagger_scheme_stdout,
    dagger_scheme_stderr, dagger_scheme_fd, dagger_scheme_log,
    dagger_scheme_null, dagger_scheme_zero, dagger_scheme_file,
    dagger_scheme_random, dagger_scheme_http, dagger_scheme_https;

/* ---- policy.c: which URLs this program may open ------------------------
 * DAGGER_OK or DAGGER_NOT_PERMITTED (after printing one line on stderr). */
int dagger_policy_check(const dagger_rt *rt, const dagger_url *url);

/* ---- stdio.c: helper shared by the descriptor-backed streams ---------- */
/* Writes all of buf to a host descriptor, retrying on EINTR and short
 * writes. DAGGER_OK or -DAGGER_IO. */
int dagger_write_all(int fd, const uint8_t *buf, size_t len);
/* Forgets stdout's buffer and whether it is a terminal: a new request in
 * serve mode (serve.c) may have another standard output. */
void dagger_stdio_reset(void);

/* ---- file.c: file:// streams inside the jail ---------------------------
 * How a jail path is resolved: by openat2(2), where the kernel itself
 * refuses escapes and symbolic links, or by a walk of openat(2) calls, one
 * component at a time with O_NOFOLLOW (kernels before 5.6, seccomp filters
 * that hide openat2). AUTO tries openat2 and falls back on ENOSYS. */
typedef enum dagger_resolver {
  DAGGER_RESOLVE_AUTO,
  DAGGER_RESOLVE_OPENAT2,
  DAGGER_RESOLVE_WALK,
} dagger_resolver;
/* Process-wide choice, for tests and fuzzers (the default is AUTO). */
void dagger_file_set_resolver(dagger_resolver how);
/* The one normalisation of a path inside the jail, shared by the jail and
 * the policy (so that the policy decides on the very path the jail opens):
 * path (n bytes, already decoded, relative to the jail root whether or not
 * it starts with '/') becomes "/a/b": empty and "." components dropped
 * ("a//b", "/./a" are "/a/b", "/a"), a trailing '/' kept when the path
 * names a directory (it ends in '/', "/." or is empty: "/" is the root).
 * Returns the length written to out (NUL-terminated), or a negated error:
 * a ".." component -> NOT_PERMITTED (a jail path only goes down); a NUL in
 * the path or no room -> BAD_URL_INPUT. */
long dagger_jail_normalise(const char *path, size_t n, char *out, size_t size);
/* The same for a file URL's path: percent-decoded first (an escape means
 * what its decoded byte means, "%2F" is a '/'), which must then start with
 * '/'. A bad escape, %00 or an over-long path -> BAD_URL_INPUT. */
long dagger_file_path_normalise(dagger_str path, char *out, size_t size);
/* dagger_file_path_normalise made relative to the jail for opening:
 * "/a/./b" -> "a/b". Returns the length, or a negated error as above; the
 * root or a directory path -> UNSUPPORTED. */
long dagger_jail_path(dagger_str path, char *out, size_t size);
/* Opens `rel` (from dagger_jail_path) below the directory jail_fd with
 * open(2) flags; symbolic links anywhere are refused. Returns a host
 * descriptor or a negated error. */
int dagger_jail_open(int jail_fd, const char *rel, int flags,
                     dagger_resolver how);
/* The same resolution for WASI's path operations (rt/wasi/): rel is below
 * the directory dir_fd, "." and ".." that stay below it are allowed, and
 * with links so are symbolic links that stay below it (not a last
 * component when flags has O_NOFOLLOW or O_CREAT | O_EXCL, unless a '/'
 * follows it); absolute paths, absolute links and escapes fail (EXDEV).
 * Without links every link that would be followed fails (ELOOP; a last
 * component with O_PATH | O_NOFOLLOW opens the link itself). openat2 or
 * walk.c's walk, with the same answers. Returns a host descriptor or
 * -errno. */
int dagger_jail_open_wasi(int dir_fd, const char *rel, int flags, bool links);

/* ---- walk.c: the resolver where openat2 is missing -----------------------
 * rel resolved beneath dir_fd as openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS, plus RESOLVE_NO_SYMLINKS without links) would,
 * one O_PATH | O_NOFOLLOW step at a time; the last component is opened
 * with flags. Returns a host descriptor or -errno (the errno openat2
 * gives). */
int dagger_jail_walk(int dir_fd, const char *rel, int flags, bool links);

/* ---- random.c ---------------------------------------------------------- */
/* Fills buf from the kernel's getrandom(2), retrying until full: the source
 * used where libsodium cannot be loaded. DAGGER_OK or -IO. */
int dagger_random_os(uint8_t *buf, size_t len);

/* ---- http.c: the strict parser of the request a module writes ----------
 * The message must be: METHOD SP target SP "HTTP/1.1" CRLF, header lines
 * "name: value" CRLF, CRLF, then exactly Content-Length bytes of body. The
 * views point into the parsed message. */
typedef struct dagger_http_request {
  dagger_str method;
  dagger_str target;  /* origin-form "/..." or the absolute URL */
  dagger_str headers; /* the header lines, each ending CRLF */
  dagger_str body;
  dagger_str host; /* the Host header's value, if has_host */
  bool has_host;
  bool has_length; /* a Content-Length header (equal to body.n) */
} dagger_http_request;
#define DAGGER_HTTP_REQUEST_MAX (1u << 20) /* request line+headers+body */
/* DAGGER_OK or DAGGER_BAD_URL_INPUT. Needs no libcurl. */
int dagger_http_parse_request(const uint8_t *msg, size_t len,
                              dagger_http_request *out);
/* The request with every bare LF of its head (the lines up to and including
 * the first empty one) written CRLF, the body untouched: the flush of an
 * http(s) stream does this before parsing. Writes it to out when out is
 * not NULL; returns its length (len when there is no bare LF). A bare CR
 * is left for the parser to refuse. */
size_t dagger_http_crlf_head(const uint8_t *msg, size_t len, uint8_t *out);

/* ---- policy.c (continued): the normal form rules are matched on --------
 * Writes the normal form of url into out (NUL-terminated): scheme and host
 * lower-cased, userinfo dropped, default port removed, IP literals in
 * canonical form, unreserved escapes decoded, dot segments resolved.
 * Returns its length, or -1 when the URL has no safe normal form. */
long dagger_policy_normalise(const dagger_url *url, char *out, size_t size);
/* 1 when the rule names the URL, 0 when not, -1 when the rule is invalid
 * or the URL has no normal form and a prefix rule of its scheme cannot be
 * decided. */
int dagger_policy_rule_match(const char *rule, const dagger_url *url);
/* dagger_policy_rule_match as deny rules are matched: an http(s) rule also
 * names the URLs whose path, with slashes merged and ";parameters" dropped
 * from its segments, it names ("/admin" names "//admin" and "/admin;x"). */
int dagger_policy_deny_match(const char *rule, const dagger_url *url);
/* DAGGER_OK when `rule` is a valid rule, else DAGGER_BAD_URL (for the
 * driver, to reject a bad --allow/--deny at compile time). */
int dagger_policy_rule_check(const char *rule);
/* The check of an address about to be connected to, whatever name led
 * there (http.c calls it from libcurl's socket callback): the URL
 * "scheme://ADDRESS:PORT" + target (the request target, "/...") is
 * matched against the deny rules, so that a rule naming an address holds
 * for "localhost", "0.0.0.0", "[::ffff:127.0.0.1]" or a DNS name bound to
 * it. DAGGER_OK or DAGGER_NOT_PERMITTED (after one line on stderr). */
struct sockaddr;
int dagger_policy_check_connect(const dagger_rt *rt, const char *scheme,
                                const struct sockaddr *sa, size_t len,
                                const char *target);

#endif
