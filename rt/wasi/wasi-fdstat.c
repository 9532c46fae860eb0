/* fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights,
 * fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times,
 * fd_prestat_get, fd_prestat_dir_name.
 *
 * Rights are kept per descriptor and may only shrink; the operations check
 * the ones wasmtime checks (read, write, and what set_rights removed).
 * Descriptor 3 is the only preopen: the jail, named "/". A stream opened
 * by dagger.open has no file behind it: fdstat describes it as a
 * character device with the rights its scheme supports, and the file
 * operations answer EBADF. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

uint8_t wasi_filetype(unsigned m) {
  if (S_ISREG(m))
    return WASI_FILETYPE_REGULAR_FILE;
  if (S_ISDIR(m))
    return WASI_FILETYPE_DIRECTORY;
  if (S_ISCHR(m))
    return WASI_FILETYPE_CHARACTER_DEVICE;
  if (S_ISBLK(m))
    return WASI_FILETYPE_BLOCK_DEVICE;
  if (S_ISSOCK(m))
    return WASI_FILETYPE_SOCKET_STREAM;
  if (S_ISLNK(m))
    return WASI_FILETYPE_SYMBOLIC_LINK;
  return WASI_FILETYPE_UNKNOWN;
}

static uint64_t ns(struct timespec t) {
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int wasi_store_filestat(dagger_rt *rt, uint32_t ptr, const struct stat *st) {
  uint8_t b[64] = {0};
  wasi_put64(b, (uint64_t)st->st_dev);
  wasi_put64(b + 8, (uint64_t)st->st_ino);
  b[16] = wasi_filetype(st->st_mode);
  wasi_put64(b + 24, (uint64_t)st->st_nlink);
  wasi_put64(b + 32, (uint64_t)st->st_size);
  wasi_put64(b + 40, ns(st->st_atim));
  wasi_put64(b + 48, ns(st->st_mtim));
  wasi_put64(b + 56, ns(st->st_ctim));
  return dagger_mem_store(&rt->mem, ptr, b, 64) ? WASI_EFAULT : 0;
}

int wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags,
               struct timespec ts[2]) {
  const uint64_t t[2] = {atim, mtim};
  const uint32_t set[2] = {WASI_FST_ATIM, WASI_FST_MTIM};
  const uint32_t now[2] = {WASI_FST_ATIM_NOW, WASI_FST_MTIM_NOW};
  if (flags & ~(uint32_t)15)
    return WASI_EINVAL;
  for (int i = 0; i < 2; i++) {
    if ((flags & set[i]) && (flags & now[i]))
      return WASI_EINVAL;
    if (flags & now[i])
      ts[i] = (struct timespec){0, UTIME_NOW};
    else if (flags & set[i])
      ts[i] = (struct timespec){(time_t)(t[i] / 1000000000u),
                                (long)(t[i] % 1000000000u)};
    else
      ts[i] = (struct timespec){0, UTIME_OMIT};
  }
  return 0;
}

int32_t wasi_fd_fdstat_get(dagger_rt *rt, const uint64_t *a) {
  dagger_stream *s = wasi_stream(rt, (uint32_t)a[0]);
  uint8_t b[24] = {0};
  if (!s)
    return WASI_EBADF;
  if (s->scheme == &dagger_scheme_wasi) {
    wasi_file *f = (wasi_file *)s;
    b[0] = f->filetype;
    wasi_put16(b + 2, f->fdflags);
    wasi_put64(b + 8, f->rights);
    wasi_put64(b + 16, f->inheriting);
  } else {
    b[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    wasi_put64(b + 8, (s->scheme->read ? WASI_RIGHT_FD_READ : 0) |
                          (s->scheme->write ? WASI_RIGHT_FD_WRITE : 0) |
                          WASI_RIGHT_POLL_FD_READWRITE);
  }
  return dagger_mem_store(&rt->mem, (uint32_t)a[1], b, 24) ? WASI_EFAULT : 0;
}

/* A wasi_file with a host descriptor, or NULL with *err (EBADF). */
static wasi_file *host_file(dagger_rt *rt, uint32_t fd, int *err) {
  wasi_file *f = wasi_file_at(rt, fd, err);
  if (!f && *err == WASI_ENOTSUP)
    *err = WASI_EBADF;
  return f;
}

int32_t wasi_fd_fdstat_set_flags(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  uint32_t flags = (uint32_t)a[1];
  if (!f)
    return err;
  if (flags & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
    return flags & ~(uint32_t)31 ? WASI_EINVAL : WASI_ENOTSUP;
  if (!(f->rights & WASI_RIGHT_FD_FDSTAT_SET_FLAGS))
    return WASI_ENOTCAPABLE;
  int fl = fcntl(f->hostfd, F_GETFL);
  if (fl < 0)
    return wasi_errno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  fl |= (flags & WASI_FDFLAG_APPEND ? O_APPEND : 0) |
        (flags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
  if (!f->inner && fcntl(f->hostfd, F_SETFL, fl) != 0)
    return wasi_errno(errno);
  f->fdflags = (uint16_t)flags;
  return 0;
}

int32_t wasi_fd_fdstat_set_rights(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  if (!f)
    return err;
  if ((a[1] & ~f->rights) || (a[2] & ~f->inheriting))
    return WASI_ENOTCAPABLE;
  f->rights = a[1];
  f->inheriting = a[2];
  return 0;
}

int32_t wasi_fd_filestat_get(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  struct stat st;
  if (!f)
    return err;
  if (!(f->rights & WASI_RIGHT_FD_FILESTAT_GET))
    return WASI_ENOTCAPABLE;
  if (fstat(f->hostfd, &st) != 0)
    return wasi_errno(errno);
  return wasi_store_filestat(rt, (uint32_t)a[1], &st);
}

int32_t wasi_fd_filestat_set_size(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  if (!f)
    return err;
  if (f->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_EISDIR;
  if (!(f->rights & WASI_RIGHT_FD_FILESTAT_SET_SIZE))
    return WASI_ENOTCAPABLE;
  if (a[1] > INT64_MAX)
    return WASI_EINVAL;
  if (f->inner || ftruncate(f->hostfd, (off_t)a[1]) != 0)
    return f->inner ? WASI_EINVAL : wasi_errno(errno);
  return 0;
}

int32_t wasi_fd_filestat_set_times(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  struct timespec ts[2];
  if (!f)
    return err;
  if ((err = wasi_times(a[1], a[2], (uint32_t)a[3], ts)) != 0)
    return err;
  if (!(f->rights & WASI_RIGHT_FD_FILESTAT_SET_TIMES))
    return WASI_ENOTCAPABLE;
  if (futimens(f->hostfd, ts) != 0)
    return wasi_errno(errno);
  return 0;
}

int32_t wasi_fd_prestat_get(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  uint8_t b[8] = {0};
  if (!f)
    return err;
  if (!f->preopen)
    return WASI_EBADF;
  wasi_put32(b + 4, 1); /* tag 0 (dir), name "/" */
  return dagger_mem_store(&rt->mem, (uint32_t)a[1], b, 8) ? WASI_EFAULT : 0;
}

int32_t wasi_fd_prestat_dir_name(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = host_file(rt, (uint32_t)a[0], &err);
  if (!f)
    return err;
  if (!f->preopen)
    return WASI_EBADF;
  if ((uint32_t)a[2] < 1)
    return WASI_ENAMETOOLONG;
  return dagger_mem_store(&rt->mem, (uint32_t)a[1], "/", 1) ? WASI_EFAULT : 0;
}
