/* path_open, path_create_directory, path_remove_directory,
 * path_unlink_file, path_rename, path_link, path_symlink, path_readlink,
 * path_filestat_get, path_filestat_set_times.
 *
 * Every path is relative to a directory descriptor and is resolved by the
 * kernel beneath it, by file.c's code (dagger_jail_open_wasi: openat2 with
 * RESOLVE_BENEATH, or walk.c's walk with its answers where openat2 is
 * missing): "..", absolute paths, absolute symbolic links and links
 * leading out fail there, never here. An operation that names a directory
 * entry rather than a file (mkdir, unlink, rename, link, symlink,
 * readlink, and the no-follow variants of stat and utimes) opens the parent
 * that way and then acts on the last component, which has no '/' but
 * trailing ones, with the *at(2) call. Before anything is touched the
 * compiled-in policy is asked about the path as a file:/// URL, the same
 * form a file:// stream is decided on (wasi-policy.c). That form is
 * lexical, so while a policy is in force the kernel follows no symbolic
 * link (ELOOP), as for file:// streams: a link, which the guest can make
 * itself, would otherwise open a file the policy denies under a name it
 * allows (found by fuzz/fuzz_wasi_path.c). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

/* EXDEV is the kernel's word for "escapes the directory". */
static int open_error(int e) {
  return e == EXDEV ? WASI_EPERM : wasi_errno(e);
}

/* Opens path beneath dir without asking the policy (the caller did);
 * links are followed only where no policy is in force. */
static int open_beneath(const dagger_rt *rt, const wasi_file *dir,
                        const char *path, int flags, bool follow) {
  if (path[0] == '\0')
    return -WASI_ENOENT;
  if (path[0] == '/')
    return -WASI_EPERM;
  int fd = dagger_jail_open_wasi(dir->hostfd, path,
                                 flags | (follow ? 0 : O_NOFOLLOW),
                                 !wasi_policy_active(rt));
  return fd >= 0 ? fd : -open_error(-fd);
}

int wasi_open_at(dagger_rt *rt, wasi_file *dir, const char *path, int flags,
                 bool follow) {
  int err = path[0] && path[0] != '/' ? wasi_policy(rt, dir, path) : 0;
  return err ? -err : open_beneath(rt, dir, path, flags, follow);
}

/* The directory at fd, or NULL with *err (EBADF, ENOTDIR). */
static wasi_file *dir_at(dagger_rt *rt, uint32_t fd, int *err) {
  wasi_file *f = wasi_file_at(rt, fd, err);
  if (!f && *err == WASI_ENOTSUP)
    *err = WASI_ENOTDIR;
  if (f && (f->hostfd < 0 || f->filetype != WASI_FILETYPE_DIRECTORY)) {
    *err = WASI_ENOTDIR;
    f = NULL;
  }
  return f;
}

/* A path argument: the directory and the path text. */
typedef struct wasi_path {
  wasi_file *dir;
  char text[PATH_MAX];
} wasi_path;

/* Loads a path below the directory fd, which must hold the right `need`
 * (fd_fdstat_set_rights may have removed it: ENOTCAPABLE). */
static int load(dagger_rt *rt, uint32_t fd, uint32_t ptr, uint32_t len,
                wasi_path *p, uint64_t need) {
  int err;
  if (!(p->dir = dir_at(rt, fd, &err)))
    return err;
  if ((p->dir->rights & need) != need)
    return WASI_ENOTCAPABLE;
  return wasi_load_path(rt, ptr, len, p->text, sizeof p->text);
}

/* An entry: its parent opened beneath the directory (a host descriptor
 * the caller closes) and its last component (with any trailing '/'). */
typedef struct entry {
  int parent;
  const char *leaf;
  char buf[PATH_MAX];
} entry;

static bool dots(const char *leaf) {
  size_t n = strcspn(leaf, "/");
  return (n == 1 && leaf[0] == '.') || (n == 2 && !strncmp(leaf, "..", 2));
}

/* The policy decides on the whole path (the entry, not its parent). */
static int open_entry(dagger_rt *rt, const wasi_path *p, entry *e) {
  size_t n = strlen(p->text);
  while (n > 1 && p->text[n - 1] == '/')
    n--; /* the last component's trailing slashes stay with it */
  const char *slash = memrchr(p->text, '/', n);
  int fd;
  if (p->text[0] == '\0')
    return WASI_ENOENT;
  if (p->text[0] == '/')
    return WASI_EPERM;
  int err = wasi_policy(rt, p->dir, p->text);
  if (err)
    return err;
  if (slash) {
    size_t plen = (size_t)(slash - p->text);
    e->leaf = slash + 1;
    while (plen > 0 && p->text[plen - 1] == '/')
      plen--; /* "a//b": the parent is "a" (the walk takes no empty name) */
    memcpy(e->buf, p->text, plen);
    e->buf[plen] = '\0';
    fd = open_beneath(rt, p->dir, e->buf, O_PATH | O_DIRECTORY | O_CLOEXEC,
                      true);
  } else {
    e->leaf = p->text;
    fd = dup(p->dir->hostfd);
    if (fd < 0)
      fd = -wasi_errno(errno);
  }
  if (fd < 0)
    return -fd;
  e->parent = fd;
  if (dots(e->leaf)) {
    /* "." or "..": what it names must still be beneath the directory. */
    int check = open_beneath(rt, p->dir, p->text, O_PATH | O_CLOEXEC, false);
    if (check < 0) {
      close(fd);
      return -check;
    }
    close(check);
  }
  return 0;
}

static int load_entry(dagger_rt *rt, const uint64_t *a, int fdi, int pathi,
                      uint64_t need, wasi_path *p, entry *e) {
  int err = load(rt, (uint32_t)a[fdi], (uint32_t)a[pathi],
                 (uint32_t)a[pathi + 1], p, need);
  return err ? err : open_entry(rt, p, e);
}

static int done(entry *e, int r) {
  int saved = errno;
  close(e->parent);
  return r == 0 ? 0 : wasi_errno(saved);
}

/* An operation on one entry: the *at(2) call on its parent and leaf. */
typedef int (*entry_op)(int parent, const char *leaf);

static int op_mkdir(int parent, const char *leaf) {
  return mkdirat(parent, leaf, 0777);
}

static int op_rmdir(int parent, const char *leaf) {
  return unlinkat(parent, leaf, AT_REMOVEDIR);
}

static int op_unlink(int parent, const char *leaf) {
  return unlinkat(parent, leaf, 0);
}

/* The entry named by the directory a[0] and the path a[1], a[2]. */
static int32_t on_entry(dagger_rt *rt, const uint64_t *a, uint64_t need,
                        entry_op op) {
  wasi_path p;
  entry e;
  int err = load_entry(rt, a, 0, 1, need, &p, &e);
  return err ? err : done(&e, op(e.parent, e.leaf));
}

int32_t wasi_path_create_directory(dagger_rt *rt, const uint64_t *a) {
  return on_entry(rt, a, WASI_R(9), op_mkdir);
}

int32_t wasi_path_remove_directory(dagger_rt *rt, const uint64_t *a) {
  return on_entry(rt, a, WASI_R(25), op_rmdir);
}

int32_t wasi_path_unlink_file(dagger_rt *rt, const uint64_t *a) {
  return on_entry(rt, a, WASI_R(26), op_unlink);
}

/* Two entries, for rename and link: the old one by the directory a[0] and
 * the path at a[i], a[i+1], the new one by a[i+2] and a[i+3], a[i+4]; the
 * rights needed on each directory. On success both parents are open. */
static int load_two(dagger_rt *rt, const uint64_t *a, int i, uint64_t need1,
                    uint64_t need2, entry *e1, entry *e2) {
  static wasi_path p1, p2;
  int err = load_entry(rt, a, 0, i, need1, &p1, e1);
  if (err)
    return err;
  if ((err = load_entry(rt, a, i + 2, i + 3, need2, &p2, e2)) != 0)
    close(e1->parent);
  return err;
}

int32_t wasi_path_rename(dagger_rt *rt, const uint64_t *a) {
  entry e1, e2;
  int err = load_two(rt, a, 1, WASI_R(16), WASI_R(17), &e1, &e2);
  if (err)
    return err;
  int r = renameat(e1.parent, e1.leaf, e2.parent, e2.leaf);
  close(e2.parent);
  return done(&e1, r);
}

int32_t wasi_path_link(dagger_rt *rt, const uint64_t *a) {
  entry e1, e2;
  /* Following a link to link its target is not offered (as wasmtime). */
  if ((uint32_t)a[1] & WASI_LOOKUP_SYMLINK_FOLLOW)
    return WASI_EINVAL;
  int err = load_two(rt, a, 2, WASI_R(11), WASI_R(12), &e1, &e2);
  if (err)
    return err;
  int r = linkat(e1.parent, e1.leaf, e2.parent, e2.leaf, 0);
  close(e2.parent);
  return done(&e1, r);
}

/* The target text is stored as it is: whether it leads out is decided
 * when a path through the link is resolved, by the kernel. */
int32_t wasi_path_symlink(dagger_rt *rt, const uint64_t *a) {
  static char target[PATH_MAX];
  wasi_path p;
  entry e;
  int err =
      wasi_load_path(rt, (uint32_t)a[0], (uint32_t)a[1], target, sizeof target);
  /* A link to an absolute path could only lead out of the jail: refused
   * when made, as wasmtime refuses it. */
  if (!err && target[0] == '/')
    err = WASI_EPERM;
  if (!err)
    err = load_entry(rt, a, 2, 3, WASI_R(24), &p, &e);
  return err ? err : done(&e, symlinkat(target, e.parent, e.leaf));
}

int32_t wasi_path_readlink(dagger_rt *rt, const uint64_t *a) {
  static char target[PATH_MAX];
  wasi_path p;
  entry e;
  uint32_t buf = (uint32_t)a[3], len = (uint32_t)a[4];
  int err = load_entry(rt, a, 0, 1, WASI_R(15), &p, &e);
  if (err)
    return err;
  if (dagger_mem_check(&rt->mem, buf, len) ||
      dagger_mem_check(&rt->mem, (uint32_t)a[5], 4)) {
    close(e.parent);
    return WASI_EFAULT;
  }
  ssize_t n = readlinkat(e.parent, e.leaf, target, sizeof target);
  if (n < 0)
    return done(&e, -1);
  close(e.parent);
  if ((uint32_t)n > len)
    n = len; /* truncated, as readlink(2) does */
  dagger_mem_store(&rt->mem, buf, target, (uint32_t)n);
  return wasi_store32(rt, (uint32_t)a[5], (uint32_t)n);
}

int32_t wasi_path_filestat_get(dagger_rt *rt, const uint64_t *a) {
  wasi_path p;
  struct stat st;
  int err =
      load(rt, (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3], &p, WASI_R(18));
  if (err)
    return err;
  bool follow = (uint32_t)a[1] & WASI_LOOKUP_SYMLINK_FOLLOW;
  int fd = wasi_open_at(rt, p.dir, p.text, O_PATH | O_CLOEXEC, follow);
  if (fd < 0)
    return -fd;
  int r = fstat(fd, &st);
  err = r ? wasi_errno(errno) : 0;
  close(fd);
  return err ? err : wasi_store_filestat(rt, (uint32_t)a[4], &st);
}

/* Following, times are set through the descriptor the kernel resolved
 * (an O_PATH descriptor is named by its /proc/self/fd link), so a link
 * leading out is never followed; not following, on the entry itself. */
int32_t wasi_path_filestat_set_times(dagger_rt *rt, const uint64_t *a) {
  wasi_path p;
  entry e;
  struct timespec ts[2];
  char proc[64];
  int err =
      load(rt, (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3], &p, WASI_R(20));
  if (!err)
    err = wasi_times(a[4], a[5], (uint32_t)a[6], ts);
  if (err)
    return err;
  if (!((uint32_t)a[1] & WASI_LOOKUP_SYMLINK_FOLLOW)) {
    if ((err = open_entry(rt, &p, &e)) != 0)
      return err;
    return done(&e, utimensat(e.parent, e.leaf, ts, AT_SYMLINK_NOFOLLOW));
  }
  int fd = wasi_open_at(rt, p.dir, p.text, O_PATH | O_CLOEXEC, true);
  if (fd < 0)
    return -fd;
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int r = utimensat(AT_FDCWD, proc, ts, 0);
  err = r ? wasi_errno(errno) : 0;
  close(fd);
  return err;
}
