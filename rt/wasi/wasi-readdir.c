/* fd_readdir: directory entries as WASI dirents.
 *
 * The cookie is the index of the next entry in the order the kernel lists
 * the directory, "." and ".." included (as wasmtime lists them); each call
 * lists the directory afresh from a descriptor of its own, so the guest's
 * descriptor has no hidden position and a cookie stays valid while the
 * directory is unchanged. Entries are packed (24-byte header, then the
 * name) until the buffer is full; the last one may be cut, which tells
 * the guest to call again with a larger buffer or the next cookie. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

static uint8_t dtype(DIR *d, const struct dirent *e) {
  struct stat st;
  switch (e->d_type) {
  case DT_REG:
    return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR:
    return WASI_FILETYPE_DIRECTORY;
  case DT_LNK:
    return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR:
    return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK:
    return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK:
    return WASI_FILETYPE_SOCKET_STREAM;
  case DT_UNKNOWN:
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
      return wasi_filetype(st.st_mode);
    return WASI_FILETYPE_UNKNOWN;
  default:
    return WASI_FILETYPE_UNKNOWN;
  }
}

typedef struct out {
  dagger_rt *rt;
  uint32_t buf, len, used;
} out;

static void put(out *o, const void *data, uint32_t n) {
  if (n > o->len - o->used)
    n = o->len - o->used;
  dagger_mem_store(&o->rt->mem, o->buf + o->used, data, n);
  o->used += n;
}

static int list(DIR *d, uint64_t cookie, out *o) {
  uint64_t index = 0;
  struct dirent *e;
  errno = 0;
  while (o->used < o->len && (e = readdir(d)) != NULL) {
    if (index++ < cookie)
      continue;
    uint8_t h[24] = {0};
    uint32_t n = (uint32_t)strlen(e->d_name);
    wasi_put64(h, index);
    wasi_put64(h + 8, (uint64_t)e->d_ino);
    wasi_put32(h + 16, n);
    h[20] = dtype(d, e);
    put(o, h, sizeof h);
    put(o, e->d_name, n);
  }
  return errno ? wasi_errno(errno) : 0;
}

int32_t wasi_fd_readdir(dagger_rt *rt, const uint64_t *a) {
  int err;
  wasi_file *f = wasi_file_at(rt, (uint32_t)a[0], &err);
  out o = {rt, (uint32_t)a[1], (uint32_t)a[2], 0};
  if (!f)
    return err == WASI_ENOTSUP ? WASI_EBADF : err;
  if (f->filetype != WASI_FILETYPE_DIRECTORY || f->hostfd < 0)
    return WASI_ENOTDIR;
  if (dagger_mem_check(&rt->mem, o.buf, o.len) ||
      dagger_mem_check(&rt->mem, (uint32_t)a[4], 4))
    return WASI_EFAULT;
  int fd = openat(f->hostfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    err = wasi_errno(errno);
    if (fd >= 0)
      close(fd);
    return err;
  }
  err = list(d, a[3], &o);
  closedir(d);
  return err ? err : wasi_store32(rt, (uint32_t)a[4], o.used);
}
