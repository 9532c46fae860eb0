/* path_open: a file or directory below a directory descriptor.
 *
 * The access mode follows the rights asked for (reading rights open for
 * reading, writing rights for writing, both read-write), as wasmtime does;
 * the new descriptor's rights are those asked for, within what its type
 * allows. Opening is the kernel's, beneath the directory (wasi-path.c). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi.h"

#define READ_RIGHTS (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)
#define WRITE_RIGHTS                                                           \
  (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE |                              \
   WASI_RIGHT_FD_FILESTAT_SET_SIZE)

static int open_flags(uint32_t oflags, uint64_t rights, uint32_t fdflags) {
  bool rd = rights & READ_RIGHTS, wr = rights & WRITE_RIGHTS;
  int fl = O_CLOEXEC | O_NOCTTY;
  /* A directory opened for writing fails (EISDIR), as wasmtime's does. */
  fl |= wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
  fl |= oflags & WASI_O_DIRECTORY ? O_DIRECTORY : 0;
  fl |= (oflags & WASI_O_CREAT ? O_CREAT : 0) |
        (oflags & WASI_O_EXCL ? O_EXCL : 0) |
        (oflags & WASI_O_TRUNC ? O_TRUNC : 0);
  fl |= (fdflags & WASI_FDFLAG_APPEND ? O_APPEND : 0) |
        (fdflags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0) |
        (fdflags & WASI_FDFLAG_DSYNC ? O_DSYNC : 0) |
        (fdflags & WASI_FDFLAG_RSYNC ? O_RSYNC : 0) |
        (fdflags & WASI_FDFLAG_SYNC ? O_SYNC : 0);
  return fl;
}

/* The policy's path of a directory opened as path below dir. */
static char *dir_path(const wasi_file *dir, const char *path) {
  size_t n = strlen(dir->dir) + strlen(path) + 2;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s%s%s", dir->dir, *dir->dir ? "/" : "", path);
  return s;
}

/* The new descriptor for hostfd, or -(WASI errno). */
static int install(dagger_rt *rt, const wasi_file *dir, const char *path,
                   int hostfd, const uint64_t *a) {
  char *sub = dir_path(dir, path);
  wasi_file *f = sub ? wasi_file_new(hostfd, sub) : NULL;
  free(sub);
  if (!f) {
    if (!sub)
      close(hostfd);
    return -WASI_ENOMEM;
  }
  if (f->filetype != WASI_FILETYPE_DIRECTORY) {
    free(f->dir);
    f->dir = NULL;
  }
  f->rights &= a[5];
  f->inheriting &= a[6];
  f->fdflags = (uint16_t)a[7];
  int fd = wasi_install(rt, &f->hdr);
  return fd < 0 ? -WASI_EMFILE : fd;
}

/* The directory's rights that opening with oflags needs: path_open,
 * path_create_file to create, path_filestat_set_size to truncate. */
static int dir_rights(const wasi_file *dir, uint32_t oflags) {
  uint64_t need = WASI_R(13) | (oflags & WASI_O_CREAT ? WASI_R(10) : 0) |
                  (oflags & WASI_O_TRUNC ? WASI_R(19) : 0);
  return (dir->rights & need) == need ? 0 : WASI_ENOTCAPABLE;
}

int32_t wasi_path_open(dagger_rt *rt, const uint64_t *a) {
  static char path[PATH_MAX];
  int err;
  wasi_file *dir = wasi_file_at(rt, (uint32_t)a[0], &err);
  uint32_t oflags = (uint32_t)a[4], fdflags = (uint32_t)a[7];
  if (!dir)
    return err == WASI_ENOTSUP ? WASI_ENOTDIR : err;
  if (dir->filetype != WASI_FILETYPE_DIRECTORY || dir->hostfd < 0)
    return WASI_ENOTDIR;
  if ((err = wasi_load_path(rt, (uint32_t)a[2], (uint32_t)a[3], path,
                            sizeof path)) != 0)
    return err;
  if (oflags & ~(uint32_t)15 || fdflags & ~(uint32_t)31)
    return WASI_EINVAL;
  if ((err = dir_rights(dir, oflags)) != 0)
    return err;
  if (dagger_mem_check(&rt->mem, (uint32_t)a[8], 4))
    return WASI_EFAULT;
  bool follow = (uint32_t)a[1] & WASI_LOOKUP_SYMLINK_FOLLOW;
  int hostfd =
      wasi_open_at(rt, dir, path, open_flags(oflags, a[5], fdflags), follow);
  if (hostfd < 0)
    return -hostfd;
  int fd = install(rt, dir, path, hostfd, a);
  return fd < 0 ? -fd : wasi_store32(rt, (uint32_t)a[8], (uint32_t)fd);
}
