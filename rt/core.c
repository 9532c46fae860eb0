/* The descriptor table and the dispatch of the five calls.
 *
 * Every call validates its descriptor, then its guest range (through the
 * accessors in memory.c), then hands the scheme a plain host buffer. In the
 * normal layout that buffer is the guest memory itself (no copy); in the
 * byte-reversed big-endian layout the data goes through a bounce buffer, so
 * schemes never know which layout is in use. Results are clamped to the i32
 * range the guest sees. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

#define DEFAULT_MAX_OPEN 64
#define MAX_MAX_OPEN 4096
#define BOUNCE_SIZE 65536

const char *dagger_strerror(int code) {
  switch (code < 0 ? -code : code) {
  case DAGGER_OK:
    return "success";
  case DAGGER_BAD_URL:
    return "bad URL";
  case DAGGER_BAD_URL_INPUT:
    return "bad URL input";
  case DAGGER_UNKNOWN_SCHEME:
    return "unknown scheme";
  case DAGGER_BAD_DESCRIPTOR:
    return "bad descriptor";
  case DAGGER_BAD_POINTER:
    return "bad pointer";
  case DAGGER_NOT_PERMITTED:
    return "not permitted";
  case DAGGER_NOT_FOUND:
    return "not found";
  case DAGGER_IO:
    return "input/output error";
  case DAGGER_TOO_MANY_OPEN:
    return "too many open streams";
  case DAGGER_UNSUPPORTED:
    return "unsupported";
  default:
    return "unknown error";
  }
}

void dagger_config_default(dagger_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  const char *root = getenv("DAGGER_ROOT");
  cfg->jail_root = root && *root ? root : NULL;
  cfg->default_allow = 1;
  cfg->max_open = DEFAULT_MAX_OPEN;
}

dagger_rt *dagger_rt_new(const dagger_config *cfg) {
  dagger_rt *rt = calloc(1, sizeof *rt);
  if (!rt)
    return NULL;
  rt->max_open = cfg->max_open > 0 ? cfg->max_open : DEFAULT_MAX_OPEN;
  if (rt->max_open > MAX_MAX_OPEN)
    rt->max_open = MAX_MAX_OPEN;
  rt->fds = calloc((size_t)rt->max_open, sizeof *rt->fds);
  if (!rt->fds) {
    free(rt);
    return NULL;
  }
  const char *slash = cfg->program ? strrchr(cfg->program, '/') : NULL;
  rt->program = slash ? slash + 1 : cfg->program ? cfg->program : "dagger";
  rt->jail_root = cfg->jail_root;
  rt->jail_fd = -1;
  rt->allow = cfg->allow;
  rt->deny = cfg->deny;
  rt->default_allow = cfg->default_allow;
  rt->args = cfg->args;
  rt->env = cfg->env;
  rt->stats = &rt->stats_store;
  dagger_stats_init(rt->stats);
  /* A write to a closed pipe must come back to the guest as -IO, not kill
   * the process (libcurl also needs SIGPIPE ignored). */
  signal(SIGPIPE, SIG_IGN);
  return rt;
}

void dagger_rt_set_memory(dagger_rt *rt, dagger_memory mem) {
  rt->mem = mem;
}

void dagger_rt_flush_all(dagger_rt *rt) {
  for (int fd = 0; fd < rt->max_open; fd++) {
    dagger_stream *s = rt->fds[fd];
    if (s && s->buffers && s->scheme->flush && s->scheme->flush(s) != 0)
      rt->output_lost = true;
  }
}

int dagger_rt_exit(dagger_rt *rt, int status) {
  if (!rt)
    return status;
  dagger_rt_flush_all(rt);
  if (rt->output_lost) {
    dagger_rt_diag(rt, "output lost: buffered output the program wrote "
                       "could not be written (standard output failed)");
    if (status == 0)
      status = DAGGER_OUTPUT_LOST_STATUS;
  }
  dagger_stats_write(rt, status);
  dagger_rt_free(rt);
  return status;
}

void dagger_rt_free(dagger_rt *rt) {
  if (!rt)
    return;
  for (int fd = 0; fd < rt->max_open; fd++)
    if (rt->fds[fd])
      dagger_close_fd(rt, fd);
  if (rt->jail_fd >= 0)
    close(rt->jail_fd);
  dagger_wasi_free(rt);
  free(rt->fds);
  free(rt);
}

/* A diagnostic stays one line whatever the program's name (a file name)
 * holds: control bytes are written as \xNN, as daggercc writes them. */
static void put_escaped(const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f)
      fprintf(stderr, "\\x%02x", c);
    else
      fputc(c, stderr);
  }
}

void dagger_rt_diag(const dagger_rt *rt, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  put_escaped(rt ? rt->program : "dagger");
  fputs(": ", stderr);
  put_escaped(line);
  fputc('\n', stderr);
}

int dagger_plain_open(dagger_rt *rt, const dagger_url *url,
                      dagger_stream **out) {
  (void)rt;
  if (url->authority.n || url->path.n || url->has_query)
    return DAGGER_BAD_URL_INPUT;
  *out = calloc(1, sizeof **out);
  return *out ? DAGGER_OK : DAGGER_IO;
}

int dagger_plain_close(dagger_stream *s) {
  free(s);
  return 0;
}

static dagger_stream *lookup(const dagger_rt *rt, int32_t fd) {
  if (fd < 0 || fd >= rt->max_open)
    return NULL;
  return rt->fds[fd];
}

/* Lowest free descriptor, or -1 when the table is full. */
static int lowest_free(const dagger_rt *rt) {
  for (int fd = 0; fd < rt->max_open; fd++)
    if (!rt->fds[fd])
      return fd;
  return -1;
}

int32_t dagger_open_url(dagger_rt *rt, const char *text, size_t len) {
  dagger_url url;
  if (dagger_url_parse(text, len, &url) != DAGGER_OK)
    return -DAGGER_BAD_URL;
  const dagger_scheme *scheme = dagger_scheme_find(url.scheme);
  if (!scheme)
    return -DAGGER_UNKNOWN_SCHEME;
  if (!scheme->open)
    return -DAGGER_UNSUPPORTED;
  int fd = lowest_free(rt);
  if (fd < 0)
    return -DAGGER_TOO_MANY_OPEN;
  int err = dagger_policy_check(rt, &url);
  if (err != DAGGER_OK)
    return -err;
  dagger_stream *s = NULL;
  err = scheme->open(rt, &url, &s);
  if (err != DAGGER_OK)
    return -err;
  s->scheme = scheme;
  s->slot = (unsigned char)dagger_scheme_slot(scheme);
  rt->stats->opens[s->slot]++;
  rt->fds[fd] = s;
  return fd;
}

/* Length of the NUL-terminated URL at ptr (the earliest ABI draft),
 * bounded by the end of memory and DAGGER_URL_MAX. */
static int64_t cstr_length(const dagger_rt *rt, uint32_t ptr) {
  uint64_t size = dagger_memory_size(&rt->mem);
  if (ptr >= size)
    return -DAGGER_BAD_POINTER;
  uint64_t limit = size - ptr;
  if (limit > DAGGER_URL_MAX + 1)
    limit = DAGGER_URL_MAX + 1;
  for (uint32_t i = 0; i < limit; i++) {
    uint8_t c;
    dagger_mem_load(&rt->mem, ptr + i, &c, 1);
    if (c == 0)
      return i;
  }
  return -DAGGER_BAD_URL;
}

static int32_t open_guest_url(dagger_rt *rt, uint32_t url_ptr,
                              uint32_t url_len) {
  int64_t len = url_len;
  if (url_len == 0) {
    len = cstr_length(rt, url_ptr);
    if (len < 0)
      return (int32_t)len;
  }
  if (dagger_mem_check(&rt->mem, url_ptr, (uint64_t)len) != DAGGER_OK)
    return -DAGGER_BAD_POINTER;
  if (len > DAGGER_URL_MAX)
    return -DAGGER_BAD_URL;
  char text[DAGGER_URL_MAX];
  dagger_mem_load(&rt->mem, url_ptr, text, (uint32_t)len);
  return dagger_open_url(rt, text, (size_t)len);
}

int32_t dagger_open(dagger_rt *rt, uint32_t url_ptr, uint32_t url_len) {
  dagger_call_enter(rt);
  rt->stats_store.calls[DAGGER_CALL_OPEN]++;
  int32_t r = open_guest_url(rt, url_ptr, url_len);
  dagger_call_leave(rt);
  return r;
}

int32_t dagger_close_fd(dagger_rt *rt, int32_t fd) {
  dagger_stream *s = lookup(rt, fd);
  if (!s)
    return -DAGGER_BAD_DESCRIPTOR;
  rt->fds[fd] = NULL;
  return s->scheme->close ? s->scheme->close(s) : 0;
}

static int32_t clamp_result(int64_t r) {
  return r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : (int32_t)r;
}

/* Reads or writes through a bounce buffer for the reversed layout: the
 * guest range is already known to be valid. Stops at the first short
 * transfer, error or end of stream, and reports what was moved before an
 * error (like write(2)), or the error if nothing was. */
static int64_t bounced(dagger_rt *rt, dagger_stream *s, uint32_t ptr,
                       uint32_t len, bool is_write) {
  uint8_t buf[BOUNCE_SIZE];
  int64_t done = 0;
  while ((uint32_t)done < len) {
    uint32_t n = len - (uint32_t)done;
    if (n > sizeof buf)
      n = sizeof buf;
    uint32_t at = ptr + (uint32_t)done;
    int64_t r;
    if (is_write) {
      dagger_mem_load(&rt->mem, at, buf, n);
      r = s->scheme->write(s, buf, n);
    } else {
      r = s->scheme->read(s, buf, n);
      if (r > 0)
        dagger_mem_store(&rt->mem, at, buf, (uint32_t)r);
    }
    if (r < 0)
      return done > 0 ? done : r;
    done += r;
    if (r < n)
      break;
  }
  return done;
}

/* Counted where the stream is at hand: the call, and the bytes moved under
 * the stream's scheme. */
static int32_t counted(dagger_rt *rt, dagger_stream *s, int64_t r,
                       bool is_write) {
  int32_t n = clamp_result(r);
  if (n > 0)
    (is_write ? rt->stats_store.bytes_written
              : rt->stats_store.bytes_read)[s->slot] += (uint64_t)n;
  return n;
}

/* Inlined into each caller, so that is_write is a constant there: the
 * counters' addresses are then fixed offsets of rt. */
static inline __attribute__((always_inline)) int32_t
transfer(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len, bool is_write) {
  rt->stats_store.calls[is_write ? DAGGER_CALL_WRITE : DAGGER_CALL_READ]++;
  dagger_stream *s = lookup(rt, fd);
  if (!s)
    return -DAGGER_BAD_DESCRIPTOR;
  if (is_write ? !s->scheme->write : !s->scheme->read)
    return -DAGGER_UNSUPPORTED;
  if (!dagger_mem_in_range(&rt->mem, ptr, len))
    return -DAGGER_BAD_POINTER;
  if (len > INT32_MAX)
    len = INT32_MAX; /* the result must fit the guest's i32 */
  if (len == 0)
    return 0;
  if (rt->mem.reversed)
    return counted(rt, s, bounced(rt, s, ptr, len, is_write), is_write);
  uint8_t *buf = dagger_mem_span_checked(&rt->mem, ptr);
  int64_t r =
      is_write ? s->scheme->write(s, buf, len) : s->scheme->read(s, buf, len);
  return counted(rt, s, r, is_write);
}

/* transfer while a time limit is watched (rt/limits.c). Out of line, so
 * that the common path of read and write stays a tail call: one-byte
 * writes to null:// measure it (bench/run nullwrite). */
__attribute__((noinline)) static int32_t
watched_transfer(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len,
                 bool is_write) {
  dagger_limits_enter_slow();
  int32_t r = transfer(rt, fd, ptr, len, is_write);
  dagger_limits_leave_slow();
  return r;
}

int32_t dagger_read(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len) {
  if (rt->watched)
    return watched_transfer(rt, fd, ptr, len, false);
  return transfer(rt, fd, ptr, len, false);
}

int32_t dagger_write(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len) {
  if (rt->watched)
    return watched_transfer(rt, fd, ptr, len, true);
  return transfer(rt, fd, ptr, len, true);
}

int32_t dagger_close(dagger_rt *rt, int32_t fd) {
  dagger_call_enter(rt);
  rt->stats_store.calls[DAGGER_CALL_CLOSE]++;
  int32_t r = dagger_close_fd(rt, fd);
  dagger_call_leave(rt);
  return r;
}

int32_t dagger_flush(dagger_rt *rt, int32_t fd) {
  dagger_call_enter(rt);
  rt->stats_store.calls[DAGGER_CALL_FLUSH]++;
  dagger_stream *s = lookup(rt, fd);
  int32_t r = !s                 ? -DAGGER_BAD_DESCRIPTOR
              : s->scheme->flush ? s->scheme->flush(s)
                                 : 0;
  dagger_call_leave(rt);
  return r;
}
