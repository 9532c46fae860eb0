/* Internal interface of the WASI preview1 layer, sectioned by file.
 *
 * WASI is a second ABI over the same runtime: its descriptors are entries
 * of the one descriptor table (core.c), so a module importing both WASI and
 * the Dagger calls sees one set of numbers. A descriptor opened by WASI
 * (the standard streams, the preopened jail, path_open) is a wasi_file
 * stream; one opened by dagger.open is any scheme's stream, on which WASI
 * offers what a stream can do (fd_read, fd_write, fd_close, fd_fdstat_get,
 * poll). Guest memory is reached only through the accessors of memory.c;
 * WASI structures are little-endian in guest memory whatever the host, so
 * they are built byte by byte (wasi_put64 ...) and stored with
 * dagger_mem_store, which also handles the byte-reversed layout. */
#ifndef DAGGER_WASI_H
#define DAGGER_WASI_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "rt.h"

/* ---- errno values (typenames.witx) -------------------------------------- */
enum {
  WASI_ESUCCESS = 0,
  WASI_E2BIG = 1,
  WASI_EACCES = 2,
  WASI_EAGAIN = 6,
  WASI_EBADF = 8,
  WASI_EBUSY = 10,
  WASI_EEXIST = 20,
  WASI_EFAULT = 21,
  WASI_EFBIG = 22,
  WASI_EINTR = 27,
  WASI_EINVAL = 28,
  WASI_EIO = 29,
  WASI_EISDIR = 31,
  WASI_ELOOP = 32,
  WASI_EMFILE = 33,
  WASI_EMLINK = 34,
  WASI_ENAMETOOLONG = 37,
  WASI_ENFILE = 41,
  WASI_ENODEV = 43,
  WASI_ENOENT = 44,
  WASI_ENOMEM = 48,
  WASI_ENOSPC = 51,
  WASI_ENOSYS = 52,
  WASI_ENOTDIR = 54,
  WASI_ENOTEMPTY = 55,
  WASI_ENOTSOCK = 57,
  WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59,
  WASI_ENXIO = 60,
  WASI_EOVERFLOW = 61,
  WASI_EPERM = 63,
  WASI_EPIPE = 64,
  WASI_ERANGE = 68,
  WASI_EROFS = 69,
  WASI_ESPIPE = 70,
  WASI_ETXTBSY = 74,
  WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

/* ---- filetype, flags, rights ------------------------------------------- */
enum {
  WASI_FILETYPE_UNKNOWN = 0,
  WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2,
  WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4,
  WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6,
  WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

enum {
  WASI_FDFLAG_APPEND = 1,
  WASI_FDFLAG_DSYNC = 2,
  WASI_FDFLAG_NONBLOCK = 4,
  WASI_FDFLAG_RSYNC = 8,
  WASI_FDFLAG_SYNC = 16,
};

enum {
  WASI_O_CREAT = 1,
  WASI_O_DIRECTORY = 2,
  WASI_O_EXCL = 4,
  WASI_O_TRUNC = 8,
};

enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };

enum {
  WASI_FST_ATIM = 1,
  WASI_FST_ATIM_NOW = 2,
  WASI_FST_MTIM = 4,
  WASI_FST_MTIM_NOW = 8,
};

/* Rights, by bit number in the witx's order. */
#define WASI_R(bit) ((uint64_t)1 << (bit))
#define WASI_RIGHT_FD_DATASYNC WASI_R(0)
#define WASI_RIGHT_FD_READ WASI_R(1)
#define WASI_RIGHT_FD_SEEK WASI_R(2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS WASI_R(3)
#define WASI_RIGHT_FD_SYNC WASI_R(4)
#define WASI_RIGHT_FD_TELL WASI_R(5)
#define WASI_RIGHT_FD_WRITE WASI_R(6)
#define WASI_RIGHT_FD_ADVISE WASI_R(7)
#define WASI_RIGHT_FD_ALLOCATE WASI_R(8)
#define WASI_RIGHT_FD_READDIR WASI_R(14)
#define WASI_RIGHT_FD_FILESTAT_GET WASI_R(21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE WASI_R(22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES WASI_R(23)
#define WASI_RIGHT_POLL_FD_READWRITE WASI_R(27)
#define WASI_RIGHTS_ALL (WASI_R(30) - 1)
/* What a regular file (or stream) and a directory may be asked to do. */
#define WASI_RIGHTS_FILE                                                       \
  (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |          \
   WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |  \
   WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |       \
   WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |              \
   WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                        \
  (WASI_RIGHTS_ALL &                                                           \
   ~(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL |            \
     WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |     \
     WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_R(28) | WASI_R(29)))

/* ---- wasi-fdtable.c: WASI's view of the descriptor table ----------------
 * A descriptor WASI opened: a host descriptor (a file or a directory below
 * the jail), or for 0, 1 and 2 the Dagger stdio stream it wraps (inner), so
 * that fd_write(1) and a stdout:// stream share one buffer. */
typedef struct wasi_file {
  dagger_stream hdr;
  int hostfd;           /* -1 for a wrapped stdio stream */
  dagger_stream *inner; /* the wrapped stdio stream, or NULL */
  uint8_t filetype;
  uint16_t fdflags; /* APPEND and NONBLOCK are kept here and on the host */
  uint64_t rights, inheriting;
  char *dir;    /* a directory's path below the jail ("" the jail), for
                 * the policy; NULL for other files */
  bool preopen; /* descriptor 3: the jail, named "/" */
} wasi_file;

extern const dagger_scheme dagger_scheme_wasi;

/* The per-runtime WASI state (rt->wasi). */
struct dagger_wasi {
  char **args, **env; /* NULL-terminated copies */
  size_t nargs, nenv;
  bool exited;
  int status;
};

/* The stream at fd, or NULL (WASI_EBADF). Inline: every fd_ call starts
 * here. */
static inline dagger_stream *wasi_stream(dagger_rt *rt, uint32_t fd) {
  return fd < (uint32_t)rt->max_open ? rt->fds[fd] : NULL;
}
/* The hooks around every WASI call, in dagger_wasi_call and in the direct
 * entries of the hot calls (dagger_wasi_fd_read, dagger_wasi_fd_write):
 * false when the call must not run (no WASI state, or after proc_exit:
 * the caller answers ENOSYS); else the call is counted for the statistics
 * and entered for the time limits, and wasi_call_end leaves it. */
static inline bool wasi_call_begin(dagger_rt *rt, dagger_wasi_fn fn) {
  if (!rt->wasi_live) /* !rt->wasi || rt->wasi->exited */
    return false;
  rt->stats_store.wasi_calls[fn]++;
  dagger_call_enter(rt);
  return true;
}
static inline void wasi_call_end(dagger_rt *rt) {
  dagger_call_leave(rt);
}
/* Whether wasi_call_begin would let a call run and the time limits have
 * nothing to do around it: the direct entries then just count the call
 * (rt->stats_store.wasi_calls[fn]++) and run it, with one test of the
 * limits rather than one on entry and one on exit (bench/run nullwrite). */
static inline bool wasi_call_plain(const dagger_rt *rt) {
  return !rt->watched && rt->wasi_live;
}

/* The wasi_file at fd; NULL with *err set (EBADF, or ENOTSUP for another
 * scheme's stream). */
wasi_file *wasi_file_at(dagger_rt *rt, uint32_t fd, int *err);
/* Puts s at the lowest free descriptor; the number, or -1 (table full:
 * s is closed). */
int wasi_install(dagger_rt *rt, dagger_stream *s);
/* A wasi_file for an open host descriptor (taken over), its type from
 * fstat; NULL when out of memory (hostfd closed). */
wasi_file *wasi_file_new(int hostfd, const char *dir);

/* ---- wasi-errno.c ------------------------------------------------------- */
/* The WASI errno for a host errno value. */
int wasi_errno(int host_errno);
/* The WASI errno for a negated dagger_error. */
int wasi_from_dagger(int err);

/* ---- wasi-mem.c: little-endian values in guest memory ------------------- */
/* Inline: a one-byte fd_write spent most of its time in out-of-line
 * accessor calls (perf, bench nullwrite). */
static inline void wasi_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
/* One unaligned load or store on a little-endian host (gcc did not merge
 * the byte loop: 31 of a one-byte fd_write's 196 instructions). */
static inline void wasi_put32(uint8_t *p, uint32_t v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(p, &v, 4);
#else
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
#endif
}
static inline void wasi_put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t wasi_get16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t wasi_get32(const uint8_t *p) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
#else
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
#endif
}
static inline uint64_t wasi_get64(const uint8_t *p) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
#else
  return wasi_get32(p) | (uint64_t)wasi_get32(p + 4) << 32;
#endif
}
/* Stores a u32 / u64 at guest ptr: 0 or WASI_EFAULT. */
int wasi_store32(dagger_rt *rt, uint32_t ptr, uint32_t v);
int wasi_store64(dagger_rt *rt, uint32_t ptr, uint64_t v);
/* Copies the guest string [ptr, ptr+len) into a NUL-terminated buffer of
 * size bytes: 0, WASI_EFAULT, WASI_ENAMETOOLONG, or WASI_EILSEQ-free
 * WASI_EINVAL when it holds a NUL byte. */
int wasi_load_path(dagger_rt *rt, uint32_t ptr, uint32_t len, char *buf,
                   size_t size);

/* An iovec array read from guest memory: at most WASI_IOV_MAX entries. */
#define WASI_IOV_MAX 1024
typedef struct wasi_iov {
  uint32_t buf, len;
} wasi_iov;
/* Loads iovs_len iovecs at iovs, each range checked: 0, WASI_EFAULT or
 * WASI_EINVAL (too many). */
int wasi_load_iovs(dagger_rt *rt, uint32_t iovs, uint32_t iovs_len,
                   wasi_iov *out);

/* ---- wasi-fd.c: reads and writes on any stream ------------------------- */
/* Moves data between the guest iovecs and stream s (the offset is the
 * stream's own); *done gets the bytes moved. A WASI errno. */
int wasi_stream_io(dagger_rt *rt, dagger_stream *s, const wasi_iov *iov,
                   uint32_t n, bool is_write, uint64_t *done);

/* ---- wasi-fdstat.c: descriptor and file status ------------------------- */
struct stat;
/* The WASI filetype of a st_mode. */
uint8_t wasi_filetype(unsigned mode);

/* Stores a filestat (64 bytes) at guest ptr: 0 or WASI_EFAULT. */
int wasi_store_filestat(dagger_rt *rt, uint32_t ptr, const struct stat *st);
/* utimensat's times for fd_/path_filestat_set_times: 0 or WASI_EINVAL. */
int wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags,
               struct timespec ts[2]);

/* ---- wasi-path.c: paths below a directory descriptor -------------------- */
/* Opens path below the directory at fd: flags as open(2) (O_NOFOLLOW for
 * the last component unless follow). The host descriptor, or -(WASI
 * errno). The policy is asked first. */
int wasi_open_at(dagger_rt *rt, wasi_file *dir, const char *path, int flags,
                 bool follow);
/* The policy's verdict on path below dir: 0 or WASI_EPERM (it prints). */
int wasi_policy(dagger_rt *rt, const wasi_file *dir, const char *path);
/* Whether any rule is compiled in (else every path is allowed, and the
 * kernel may follow symbolic links that stay below the directory). */
bool wasi_policy_active(const dagger_rt *rt);

/* ---- wasi-clock.c ------------------------------------------------------- */
/* The host clock of a WASI clock id, or -1. */
int wasi_clockid(uint32_t id);
/* Now on a WASI clock in nanoseconds: 0 or a WASI errno. */
int wasi_now(uint32_t id, uint64_t *ns);

/* ---- the functions, one per import (by area file) ---------------------- */
#define WASI_DECLARE_(name, params, results)                                   \
  int32_t wasi_##name(dagger_rt *rt, const uint64_t *a);
DAGGER_WASI_IMPORTS(WASI_DECLARE_)
#undef WASI_DECLARE_

#endif
