/* The O_NOFOLLOW walk: file.c's resolver where openat2(2) is missing
 * (ENOSYS: kernels before 5.6, seccomp filters, qemu-user), resolving a
 * path beneath a directory as openat2 with RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS [| RESOLVE_NO_SYMLINKS] does, answer for answer
 * (tests/unit/test_walk.c compares the two on thousands of paths).
 *
 * Every component is opened O_PATH | O_NOFOLLOW relative to the descriptor
 * of the directory it lies in, and what was opened is checked with fstat:
 * a directory is pushed on a stack of held descriptors, a symbolic link is
 * read through its own descriptor (readlinkat(fd, "")) and its text spliced
 * in front of what is left of the path, anything else ends the walk. ".."
 * pops the stack and fails with EXDEV at the start directory; "openat(dir,
 * "..")" is never called, so a directory moved while the walk holds it
 * cannot lead the walk above the start. An absolute path or link text fails
 * with EXDEV, as RESOLVE_BENEATH's does, and the 41st link with ELOOP
 * (MAXSYMLINKS). Without `links` every link met where openat2 would follow
 * it answers ELOOP (RESOLVE_NO_SYMLINKS).
 *
 * The last component is opened by the kernel with the caller's flags and
 * O_NOFOLLOW, relative to its parent's descriptor, so O_CREAT, O_EXCL,
 * O_DIRECTORY, O_PATH and the access mode behave as openat2's own final
 * step; when the link there is to be followed (links, and neither
 * O_NOFOLLOW nor O_CREAT | O_EXCL, or a trailing '/') it is first looked at
 * O_PATH | O_NOFOLLOW. A guest that swaps a link in between (path_symlink)
 * makes the O_NOFOLLOW open fail with ELOOP, or an O_PATH open yield the
 * link: the step is then taken again, counted as a link. A swap can thus
 * change which file inside the start directory is opened, never lead out.
 * The stack holds one descriptor per directory level (EMFILE where the
 * path is deeper than the descriptor limit allows). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

#define WALK_MAXLINKS 40 /* the kernel's MAXSYMLINKS */
#define WALK_ON INT_MIN  /* not a descriptor nor an -errno: walk on */

typedef struct walk {
  int *fds; /* fds[0] the start (the caller's), then one per level */
  size_t n, cap;
  char *path; /* what is left to resolve, from `at` (malloc'd) */
  size_t at;
  int links_seen;
  bool links; /* follow links (else ELOOP where openat2 would follow) */
} walk;

static int openat_retry(int dir, const char *name, int flags) {
  int fd;
  do
    fd = openat(dir, name, flags | O_CLOEXEC, 0666);
  while (fd < 0 && errno == EINTR);
  return fd < 0 ? -errno : fd;
}

static int top(const walk *w) {
  return w->fds[w->n - 1];
}

/* Takes fd (closing it on failure). */
static int push(walk *w, int fd) {
  if (w->n == w->cap) {
    size_t cap = w->cap * 2;
    int *fds = realloc(w->fds, cap * sizeof *fds);
    if (!fds) {
      close(fd);
      return -ENOMEM;
    }
    w->fds = fds;
    w->cap = cap;
  }
  w->fds[w->n++] = fd;
  return 0;
}

/* "..": never above the start. */
static int pop(walk *w) {
  if (w->n == 1)
    return -EXDEV;
  close(w->fds[--w->n]);
  return 0;
}

/* One more link followed (or a swap seen): ELOOP past the kernel's bound,
 * or at once without links (RESOLVE_NO_SYMLINKS). */
static int count_link(walk *w) {
  if (!w->links || w->links_seen >= WALK_MAXLINKS)
    return -ELOOP;
  w->links_seen++;
  return 0;
}

/* The link opened as link_fd replaces the component that ends where
 * `rest` starts: the path left becomes its text followed by rest. */
static int splice_link(walk *w, int link_fd, const char *rest) {
  char body[PATH_MAX];
  int err = count_link(w);
  if (err)
    return err;
  ssize_t n = readlinkat(link_fd, "", body, sizeof body);
  if (n < 0)
    return -errno;
  if (n == 0)
    return -ENOENT;
  if ((size_t)n == sizeof body)
    return -ENAMETOOLONG;
  if (body[0] == '/')
    return -EXDEV; /* RESOLVE_BENEATH refuses an absolute link */
  size_t r = strlen(rest);
  char *path = malloc((size_t)n + r + 1);
  if (!path)
    return -ENOMEM;
  memcpy(path, body, (size_t)n);
  memcpy(path + n, rest, r + 1);
  free(w->path);
  w->path = path;
  w->at = 0;
  return 0;
}

/* What fd is: its st_mode type bits, or -errno. */
static int kind(int fd) {
  struct stat st;
  return fstat(fd, &st) != 0 ? -errno : (int)(st.st_mode & S_IFMT);
}

/* An inner component `name`, followed by `rest` (which starts at a '/'):
 * a directory is entered, a link spliced in. */
static int step(walk *w, const char *name, const char *rest) {
  int fd = openat_retry(top(w), name, O_PATH | O_NOFOLLOW);
  if (fd < 0)
    return fd;
  int k = kind(fd), err;
  if (k == S_IFDIR)
    return push(w, fd);
  if (k == S_IFLNK)
    err = splice_link(w, fd, rest);
  else
    err = k < 0 ? k : -ENOTDIR;
  close(fd);
  return err;
}

/* The last component, a plain name starting at `start` in the path (slash:
 * a '/' followed it): a descriptor, -errno, or WALK_ON when a link was
 * spliced in or swapped in (then the component is looked at again). */
static int last(walk *w, const char *name, size_t start, bool slash,
                int flags) {
  bool excl = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
  if (slash && (flags & O_CREAT))
    return -EISDIR; /* as the kernel answers "name/" with O_CREAT */
  if (!slash && ((flags & O_NOFOLLOW) || excl))
    return openat_retry(top(w), name, flags | O_NOFOLLOW);
  int fd = openat_retry(top(w), name, O_PATH | O_NOFOLLOW);
  if (fd >= 0 && kind(fd) == S_IFLNK) {
    /* the link's text, then any trailing '/' of the name */
    int err = splice_link(w, fd, w->path + start + strlen(name));
    close(fd);
    return err ? err : WALK_ON;
  }
  if (fd >= 0)
    close(fd);
  int dir = slash ? O_DIRECTORY : 0;
  fd = openat_retry(top(w), name, flags | dir | O_NOFOLLOW);
  if (fd >= 0 && (flags & O_PATH) && kind(fd) == S_IFLNK) {
    close(fd);
    fd = -ELOOP; /* swapped in after the look: look again */
  }
  if (fd != -ELOOP)
    return fd;
  int err = count_link(w);
  w->at = start;
  return err ? err : WALK_ON;
}

/* One component from w->at: a descriptor when the walk is done, WALK_ON
 * to go on, or -errno. */
static int next(walk *w, int flags) {
  char name[NAME_MAX + 2];
  const char *p = w->path + w->at;
  if (*p == '/')
    return -EXDEV; /* an absolute path or link text */
  if (*p == '\0')
    return -ENOENT;
  size_t n = strcspn(p, "/"), s = n + strspn(p + n, "/");
  if (n > NAME_MAX)
    return -ENAMETOOLONG;
  memcpy(name, p, n);
  name[n] = '\0';
  bool is_last = p[s] == '\0', dot = !strcmp(name, "."),
       dotdot = !strcmp(name, "..");
  w->at += s;
  int err = dotdot ? pop(w) : 0;
  if (err)
    return err;
  if (is_last && (dot || dotdot))
    return openat_retry(top(w), ".", flags);
  if (dot || dotdot)
    return WALK_ON;
  if (is_last)
    return last(w, name, w->at - s, s > n, flags);
  err = step(w, name, p + n);
  return err ? err : WALK_ON;
}

int dagger_jail_walk(int dir_fd, const char *rel, int flags, bool links) {
  size_t len = strlen(rel);
  if (len >= PATH_MAX)
    return -ENAMETOOLONG;
  /* openat2 refuses what openat(2) would quietly drop from O_PATH */
  if ((flags & O_PATH) &&
      (flags & ~(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_LARGEFILE)))
    return -EINVAL;
  walk w = {.cap = 16, .links = links};
  w.fds = malloc(w.cap * sizeof *w.fds);
  w.path = malloc(len + 1);
  int r = -ENOMEM;
  if (w.fds && w.path) {
    memcpy(w.path, rel, len + 1);
    w.fds[w.n++] = dir_fd;
    do
      r = next(&w, flags);
    while (r == WALK_ON);
  }
  while (w.fds && w.n > 1)
    close(w.fds[--w.n]);
  free(w.fds);
  free(w.path);
  return r;
}
