/* fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close,
 * fd_renumber, fd_sync, fd_datasync, fd_advise, fd_allocate.
 *
 * Data moves between the guest's iovecs and the stream one iovec at a time,
 * straight from guest memory in the normal layout and through a bounce
 * buffer in the byte-reversed one; a short transfer ends the call, and an
 * error after some bytes moved reports those bytes (as readv(2) does).
 * A wasi_file's host descriptor is used directly (so errno values are the
 * kernel's); any other stream goes through its scheme, which is how
 * fd_write(1) shares stdout://'s buffer and fd_read works on http://. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "wasi.h"

#define BOUNCE 65536

typedef struct io_ctx {
  dagger_stream *s;
  int hostfd;   /* >= 0: use the host descriptor */
  bool at;      /* pread / pwrite at off */
  uint64_t off; /* advanced as data moves */
  bool is_write;
} io_ctx;

/* move on a host descriptor: out of line, so that a stream's move is
 * just its scheme's call; by value, so that the caller's io_ctx can stay in
 * registers. */
static __attribute__((noinline)) int64_t move_host(int fd, bool at,
                                                   uint64_t off, bool is_write,
                                                   uint8_t *buf, size_t len) {
  ssize_t n;
  do {
    if (at)
      n = is_write ? pwrite(fd, buf, len, (off_t)off)
                   : pread(fd, buf, len, (off_t)off);
    else
      n = is_write ? write(fd, buf, len) : read(fd, buf, len);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -wasi_errno(errno) : n;
}

/* Bytes moved (>= 0) or -(WASI errno). */
static inline int64_t move(io_ctx *c, uint8_t *buf, size_t len) {
  int64_t r;
  if (c->hostfd >= 0) {
    r = move_host(c->hostfd, c->at, c->off, c->is_write, buf, len);
    if (r > 0)
      c->off += (uint64_t)r;
    return r;
  }
  r = c->is_write ? c->s->scheme->write(c->s, buf, len)
                  : c->s->scheme->read(c->s, buf, len);
  return r < 0 ? -wasi_from_dagger((int)r) : r;
}

/* The statistics' count of the bytes WASI calls moved (rt/stats.c). */
static inline void counted(dagger_rt *rt, const io_ctx *c, uint64_t n) {
  *(c->is_write ? &rt->stats_store.wasi_written : &rt->stats_store.wasi_read) +=
      n;
}

/* One iovec through a bounce buffer (the byte-reversed layout). Returns
 * as move_iov. Kept apart so that the common path has no 64 KiB frame
 * (its stack probes made a one-byte fd_write several times slower). */
static __attribute__((noinline)) int move_bounced(dagger_rt *rt, io_ctx *c,
                                                  wasi_iov v, uint64_t *done) {
  static uint8_t bounce[BOUNCE];
  uint32_t at = 0;
  while (at < v.len) {
    uint32_t n = v.len - at < BOUNCE ? v.len - at : BOUNCE;
    if (c->is_write)
      dagger_mem_load(&rt->mem, v.buf + at, bounce, n);
    int64_t r = move(c, bounce, n);
    if (r < 0)
      return (int)r;
    if (!c->is_write)
      dagger_mem_store(&rt->mem, v.buf + at, bounce, (uint32_t)r);
    *done += (uint64_t)r;
    at += (uint32_t)r;
    if ((uint32_t)r < n)
      return 1;
  }
  return 0;
}

/* One iovec, already checked to lie in memory: *done grows by what moved;
 * returns 1 when the transfer was short (stop), 0 to go on, or -(WASI
 * errno). In the normal layout the guest's bytes are used in place; a
 * transfer is at most INT32_MAX bytes, as for the Dagger calls. */
static int move_iov(dagger_rt *rt, io_ctx *c, wasi_iov v, uint64_t *done) {
  if (v.len == 0)
    return 0;
  if (rt->mem.reversed)
    return move_bounced(rt, c, v, done);
  uint8_t *p = dagger_mem_span_checked(&rt->mem, v.buf);
  uint32_t n = v.len > INT32_MAX ? INT32_MAX : v.len;
  if (!p)
    return -WASI_EFAULT;
  int64_t r = move(c, p, n);
  if (r < 0)
    return (int)r;
  *done += (uint64_t)r;
  return (uint64_t)r < v.len;
}

/* Out of line: its frame and loop cost the one-iovec path a third of its
 * instructions when inlined (callgrind, bench nullwrite). */
static __attribute__((noinline)) int io_many(dagger_rt *rt, io_ctx *c,
                                             uint32_t iovs, uint32_t niovs,
                                             uint32_t result) {
  static wasi_iov iov[WASI_IOV_MAX];
  uint64_t done = 0;
  int err = wasi_load_iovs(rt, iovs, niovs, iov);
  if (!err && !dagger_mem_in_range(&rt->mem, result, 4))
    err = WASI_EFAULT;
  for (uint32_t i = 0; !err && i < niovs; i++) {
    int r = move_iov(rt, c, iov[i], &done);
    if (r < 0 && done == 0)
      err = -r;
    if (r != 0)
      break;
  }
  if (err)
    return err;
  counted(rt, c, done);
  if (done > UINT32_MAX)
    done = UINT32_MAX;
  return wasi_store32(rt, result, (uint32_t)done);
}

int wasi_stream_io(dagger_rt *rt, dagger_stream *s, const wasi_iov *iov,
                   uint32_t n, bool is_write, uint64_t *done) {
  io_ctx c = {.s = s, .hostfd = -1, .is_write = is_write};
  *done = 0;
  for (uint32_t i = 0; i < n; i++) {
    int r = move_iov(rt, &c, iov[i], done);
    if (r < 0 && *done == 0)
      return -r;
    if (r != 0)
      break;
  }
  return 0;
}

/* Whether a wasi_file may be read (written): 0, WASI_EISDIR or WASI_EBADF
 * (no right). */
static inline int file_may(const wasi_file *f, bool is_write) {
  if (f->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_EISDIR;
  return f->rights & (is_write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ)
             ? 0
             : WASI_EBADF;
}

/* Whether stream s can move data that way (else WASI_EBADF). */
static inline bool can_move(const dagger_stream *s, bool is_write) {
  return is_write ? s->scheme->write != NULL : s->scheme->read != NULL;
}

/* The context for fd: the host descriptor of a wasi_file, the stdio stream
 * a standard descriptor wraps (its scheme called directly, one call less
 * for every printf), or any other stream; 0 or a WASI errno. fd_read and
 * fd_write make the same choice in fd_rw, on their fast path. */
static int stream_ctx(dagger_stream *s, bool is_write, io_ctx *c) {
  *c = (io_ctx){.hostfd = -1, .is_write = is_write};
  if (s->scheme == &dagger_scheme_wasi) {
    wasi_file *f = (wasi_file *)s;
    int err = file_may(f, is_write);
    if (err)
      return err;
    if (!f->inner)
      c->hostfd = f->hostfd;
    else
      s = f->inner;
  }
  c->s = s;
  return can_move(s, is_write) ? 0 : WASI_EBADF;
}

static int ctx_of(dagger_rt *rt, uint32_t fd, bool is_write, io_ctx *c) {
  dagger_stream *s = wasi_stream(rt, fd);
  return s ? stream_ctx(s, is_write, c) : WASI_EBADF;
}

/* fd_read / fd_write of the stream at a descriptor, s, on a host
 * descriptor or with other than one iovec in the normal layout: the
 * general path (a system call, or a loop). */
static __attribute__((noinline)) int32_t
rw_general(dagger_rt *rt, dagger_stream *s, uint32_t iovs, uint32_t niovs,
           uint32_t result, bool is_write) {
  io_ctx c;
  int err = stream_ctx(s, is_write, &c);
  return err ? err : io_many(rt, &c, iovs, niovs, result);
}

/* rw_one's answer for an empty iovec: nothing moves, 0 bytes are reported
 * (the scheme is not called, as for an empty dagger.write). Apart, so that
 * the common path is straight. */
static __attribute__((noinline, cold)) int32_t rw_none(uint8_t *out) {
  wasi_put32(out, 0);
  return 0;
}

/* One iovec on stream s in the normal layout (every libc write and read of
 * a buffer): the checks and answers of io_many, with the memory's base and
 * size read once, each range one 64-bit compare, and nothing copied. The
 * iovec and the result pointer are checked before anything moves. */
static inline __attribute__((always_inline)) int32_t
rw_one(dagger_rt *rt, dagger_stream *s, uint32_t iovs, uint32_t result,
       bool is_write) {
  uint8_t *m;
  uint64_t size = dagger_mem_view(&rt->mem, &m);
  if (!dagger_mem_fits(size, iovs, 8) || !dagger_mem_fits(size, result, 4))
    return WASI_EFAULT;
  /* Two 32-bit loads, not one 64-bit load: libc stores an iovec's fields
   * one by one, and a load spanning two stores cannot be forwarded from
   * them (one 64-bit load made such a one-byte fd_write 1.5x slower). */
  uint32_t buf = wasi_get32(m + iovs), len = wasi_get32(m + iovs + 4);
  uint8_t *out = m + result;
  if (!dagger_mem_fits(size, buf, len))
    return WASI_EFAULT;
  if (__builtin_expect(len == 0, 0))
    return rw_none(out);
  size_t n = len > INT32_MAX ? INT32_MAX : len;
  int64_t r = is_write ? s->scheme->write(s, m + buf, n)
                       : s->scheme->read(s, m + buf, n);
  if (__builtin_expect(r < 0, 0))
    return wasi_from_dagger((int)r);
  *(is_write ? &rt->stats_store.wasi_written : &rt->stats_store.wasi_read) +=
      (uint64_t)r;
  wasi_put32(out, (uint32_t)r);
  return 0;
}

/* fd_read and fd_write: stream_ctx's choice made in line for a stream, the
 * one-iovec call on it done by rw_one, anything else by rw_general. */
static inline __attribute__((always_inline)) int32_t
fd_rw(dagger_rt *rt, uint32_t fd, uint32_t iovs, uint32_t niovs,
      uint32_t result, bool is_write) {
  dagger_stream *s = wasi_stream(rt, fd);
  if (!s)
    return WASI_EBADF;
  dagger_stream *via = s;
  if (s->scheme == &dagger_scheme_wasi) {
    wasi_file *f = (wasi_file *)s;
    if (!f->inner)
      return rw_general(rt, s, iovs, niovs, result, is_write);
    int err = file_may(f, is_write);
    if (err)
      return err;
    via = f->inner;
  }
  if (!can_move(via, is_write))
    return WASI_EBADF;
  if (__builtin_expect(niovs != 1 || rt->mem.reversed, 0))
    return rw_general(rt, s, iovs, niovs, result, is_write);
  return rw_one(rt, via, iovs, result, is_write);
}

int32_t wasi_fd_read(dagger_rt *rt, const uint64_t *a) {
  return fd_rw(rt, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
               (uint32_t)a[3], false);
}

int32_t wasi_fd_write(dagger_rt *rt, const uint64_t *a) {
  return fd_rw(rt, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
               (uint32_t)a[3], true);
}

/* The direct entries with a time limit watched, no WASI state or after
 * proc_exit: dagger_wasi_call's hooks around the call. */
static __attribute__((noinline, cold)) int32_t
direct_hooked(dagger_rt *rt, dagger_wasi_fn fn, uint32_t fd, uint32_t iovs,
              uint32_t niovs, uint32_t result) {
  const uint64_t a[4] = {fd, iovs, niovs, result};
  if (!wasi_call_begin(rt, fn))
    return WASI_ENOSYS;
  int32_t r =
      fn == DAGGER_WASI_fd_write ? wasi_fd_write(rt, a) : wasi_fd_read(rt, a);
  wasi_call_end(rt);
  return r;
}

/* The direct entries (include/dagger/runtime.h): what dagger_wasi_call
 * does, with the arguments in registers rather than an array, no table,
 * and the hooks reduced to the count when wasi_call_plain. A one-byte
 * fd_write to null:// took 1.9x a dagger.write through dagger_wasi_call
 * (bench/run nullwrite). */
static inline __attribute__((always_inline)) int32_t
direct(dagger_rt *rt, dagger_wasi_fn fn, uint32_t fd, uint32_t iovs,
       uint32_t niovs, uint32_t result) {
  if (__builtin_expect(!wasi_call_plain(rt), 0))
    return direct_hooked(rt, fn, fd, iovs, niovs, result);
  rt->stats_store.wasi_calls[fn]++;
  return fd_rw(rt, fd, iovs, niovs, result, fn == DAGGER_WASI_fd_write);
}

int32_t dagger_wasi_fd_read(dagger_rt *rt, uint32_t fd, uint32_t iovs,
                            uint32_t niovs, uint32_t result) {
  return direct(rt, DAGGER_WASI_fd_read, fd, iovs, niovs, result);
}

int32_t dagger_wasi_fd_write(dagger_rt *rt, uint32_t fd, uint32_t iovs,
                             uint32_t niovs, uint32_t result) {
  return direct(rt, DAGGER_WASI_fd_write, fd, iovs, niovs, result);
}

/* pread / pwrite: files only (a stream has no offsets: ESPIPE). */
static int32_t positioned(dagger_rt *rt, const uint64_t *a, bool is_write) {
  io_ctx c;
  int err = ctx_of(rt, (uint32_t)a[0], is_write, &c);
  if (err)
    return err;
  if (c.hostfd < 0)
    return WASI_ESPIPE;
  if (a[3] > INT64_MAX)
    return WASI_EINVAL;
  c.at = true;
  c.off = a[3];
  return io_many(rt, &c, (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[4]);
}

int32_t wasi_fd_pread(dagger_rt *rt, const uint64_t *a) {
  return positioned(rt, a, false);
}

int32_t wasi_fd_pwrite(dagger_rt *rt, const uint64_t *a) {
  return positioned(rt, a, true);
}

/* The host descriptor of a seekable wasi_file, or -(WASI errno). */
static int seekable(dagger_rt *rt, uint32_t fd) {
  int err;
  wasi_file *f = wasi_file_at(rt, fd, &err);
  if (!f)
    return err == WASI_ENOTSUP ? -WASI_ESPIPE : -err;
  if (f->inner)
    return -WASI_ESPIPE;
  if (f->filetype == WASI_FILETYPE_DIRECTORY)
    return -WASI_EBADF;
  return f->hostfd;
}

int32_t wasi_fd_seek(dagger_rt *rt, const uint64_t *a) {
  static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  int hostfd = seekable(rt, (uint32_t)a[0]);
  if (hostfd < 0)
    return -hostfd;
  if (a[2] > 2)
    return WASI_EINVAL;
  if (dagger_mem_check(&rt->mem, (uint32_t)a[3], 8))
    return WASI_EFAULT;
  off_t pos = lseek(hostfd, (off_t)(int64_t)a[1], whence[a[2]]);
  if (pos < 0)
    return wasi_errno(errno);
  return wasi_store64(rt, (uint32_t)a[3], (uint64_t)pos);
}

int32_t wasi_fd_tell(dagger_rt *rt, const uint64_t *a) {
  int hostfd = seekable(rt, (uint32_t)a[0]);
  if (hostfd < 0)
    return -hostfd;
  if (dagger_mem_check(&rt->mem, (uint32_t)a[1], 8))
    return WASI_EFAULT;
  off_t pos = lseek(hostfd, 0, SEEK_CUR);
  if (pos < 0)
    return wasi_errno(errno);
  return wasi_store64(rt, (uint32_t)a[1], (uint64_t)pos);
}

int32_t wasi_fd_close(dagger_rt *rt, const uint64_t *a) {
  int32_t r = dagger_close_fd(rt, (int32_t)(uint32_t)a[0]);
  return r == -DAGGER_BAD_DESCRIPTOR ? WASI_EBADF : 0;
}

int32_t wasi_fd_renumber(dagger_rt *rt, const uint64_t *a) {
  uint32_t from = (uint32_t)a[0], to = (uint32_t)a[1];
  if (!wasi_stream(rt, from) || !wasi_stream(rt, to))
    return WASI_EBADF;
  if (from == to)
    return 0;
  dagger_close_fd(rt, (int32_t)to);
  rt->fds[to] = rt->fds[from];
  rt->fds[from] = NULL;
  return 0;
}

/* The host descriptor of any wasi_file with one; streams of other schemes
 * flush (fd_sync on stdout:// pushes its buffer). */
static int32_t sync_fd(dagger_rt *rt, uint32_t fd, bool data) {
  dagger_stream *s = wasi_stream(rt, fd);
  if (!s)
    return WASI_EBADF;
  if (s->scheme != &dagger_scheme_wasi || ((wasi_file *)s)->inner)
    return s->scheme->flush ? wasi_from_dagger(s->scheme->flush(s)) : 0;
  int hostfd = ((wasi_file *)s)->hostfd;
  if ((data ? fdatasync(hostfd) : fsync(hostfd)) != 0 && errno != EINVAL)
    return wasi_errno(errno);
  return 0;
}

int32_t wasi_fd_sync(dagger_rt *rt, const uint64_t *a) {
  return sync_fd(rt, (uint32_t)a[0], false);
}

int32_t wasi_fd_datasync(dagger_rt *rt, const uint64_t *a) {
  return sync_fd(rt, (uint32_t)a[0], true);
}

int32_t wasi_fd_advise(dagger_rt *rt, const uint64_t *a) {
  static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                               POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                               POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int hostfd = seekable(rt, (uint32_t)a[0]);
  if (hostfd < 0)
    return -hostfd;
  if (a[3] > 5 || a[1] > INT64_MAX || a[2] > INT64_MAX)
    return WASI_EINVAL;
  int e = posix_fadvise(hostfd, (off_t)a[1], (off_t)a[2], advice[a[3]]);
  return e ? wasi_errno(e) : 0;
}

int32_t wasi_fd_allocate(dagger_rt *rt, const uint64_t *a) {
  int hostfd = seekable(rt, (uint32_t)a[0]);
  if (hostfd < 0)
    return -hostfd;
  if (a[1] > INT64_MAX || a[2] > INT64_MAX || a[1] + a[2] > INT64_MAX)
    return WASI_EINVAL;
  int e = posix_fallocate(hostfd, (off_t)a[1], (off_t)a[2]);
  return e ? wasi_errno(e) : 0;
}
