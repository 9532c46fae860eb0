/* file:///path?mode=r|w|a: a regular file inside the jail.
 *
 * The jail is a host directory (DAGGER_ROOT, default the current
 * directory), opened once with O_PATH and used as the root of every lookup.
 * The URL path is percent-decoded first and then split into components, so
 * an escape ("%2e%2e", "%2F") means exactly what its decoded text means.
 * ".." is refused outright, even where it would stay inside: a jail path
 * names a file by going down only.
 *
 * Resolution is left to the kernel so that nothing can change between a
 * check and the open: openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * | RESOLVE_NO_MAGICLINKS, or, where that system call is missing, walk.c's
 * walk, which opens each component with O_PATH | O_NOFOLLOW relative to the
 * descriptor of its parent, checks the descriptor it got (a symbolic link
 * opened with O_NOFOLLOW | O_PATH is a link, never its target), and gives
 * the answers openat2 gives. For file:// every symbolic link is refused,
 * even one that points inside the jail, and even one swapped in while the
 * program runs. WASI's path operations (dagger_jail_open_wasi) resolve the
 * same way but allow ".." that stays inside, and, with `links`, follow
 * links that stay inside (openat2 without RESOLVE_NO_SYMLINKS, or the walk
 * following them). Hard links need no rule: the guest cannot make one, and a
 * hard link placed in the jail by the user is a file in the jail.
 *
 * Only regular files are streams. A directory, FIFO or device answers
 * -UNSUPPORTED: the leaf is opened O_NONBLOCK so that a FIFO cannot hang
 * the open, and mode=w truncates only after the check. Reads and writes go
 * straight to the host descriptor (no buffering here); flush is fsync. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64 /* files past 2 GiB on 32-bit targets */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt.h"

#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every Linux architecture */
#endif

/* <linux/openat2.h> is missing from older and cross sysroots. */
struct open_how_v0 {
  uint64_t flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_NO_SYMLINKS_ 0x04
#define RESOLVE_BENEATH_ 0x08

typedef struct file_stream {
  dagger_stream hdr;
  int fd;
  char mode; /* 'r', 'w' or 'a' */
} file_stream;

static dagger_resolver resolver = DAGGER_RESOLVE_AUTO;
static bool openat2_missing; /* set once openat2 answered ENOSYS */

void dagger_file_set_resolver(dagger_resolver how) {
  resolver = how;
}

/* Negated dagger_error for an errno of open(2) and friends. */
static int open_error(int e) {
  switch (e) {
  case ENOENT:
  case ENOTDIR:
    return -DAGGER_NOT_FOUND;
  case EACCES:
  case EPERM:
  case ELOOP: /* a symbolic link */
  case EXDEV: /* an escape seen by RESOLVE_BENEATH */
  case EROFS:
    return -DAGGER_NOT_PERMITTED;
  case EISDIR:
  case ENXIO: /* a FIFO without reader, a device without driver */
  case ENODEV:
  case ETXTBSY:
    return -DAGGER_UNSUPPORTED;
  case ENAMETOOLONG:
    return -DAGGER_BAD_URL_INPUT;
  default:
    return -DAGGER_IO;
  }
}

/* Appends one component to out ("/a/b" so far), applying the jail's rules;
 * *dir tells whether the path so far names a directory ("", ".", "/"). */
static long add_component(const char *c, size_t n, char *out, size_t o,
                          size_t size, bool *dir) {
  *dir = n == 0 || (n == 1 && c[0] == '.');
  if (*dir)
    return (long)o; /* "a//b" and "a/./b" are "a/b", as in POSIX */
  if (n == 2 && c[0] == '.' && c[1] == '.')
    return -DAGGER_NOT_PERMITTED;
  if (o + 1 + n + 2 > size) /* room for a trailing '/' and the NUL */
    return -DAGGER_BAD_URL_INPUT;
  out[o++] = '/';
  memcpy(out + o, c, n);
  out[o + n] = '\0';
  return (long)(o + n);
}

long dagger_jail_normalise(const char *path, size_t n, char *out, size_t size) {
  if (memchr(path, '\0', n) || size < 2)
    return -DAGGER_BAD_URL_INPUT;
  long o = 0;
  bool dir = true;
  const char *p = path, *end = path + n;
  while (p < end) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *stop = slash ? slash : end;
    o = add_component(p, (size_t)(stop - p), out, (size_t)o, size, &dir);
    if (o < 0)
      return o;
    if (slash && stop + 1 == end)
      dir = true; /* "a/" */
    p = stop + 1;
  }
  if (dir)
    out[o++] = '/';
  out[o] = '\0';
  return o;
}

long dagger_file_path_normalise(dagger_str path, char *out, size_t size) {
  char decoded[PATH_MAX];
  long n = dagger_pct_decode(path, decoded, sizeof decoded);
  if (n < 0)
    return n;
  /* A raw NUL would cut the path short of what was checked (url.c refuses
   * one, but this function is also called on its own). */
  if (n == 0 || decoded[0] != '/')
    return -DAGGER_BAD_URL_INPUT;
  return dagger_jail_normalise(decoded, (size_t)n, out, size);
}

long dagger_jail_path(dagger_str path, char *out, size_t size) {
  char norm[PATH_MAX + 2];
  long n = dagger_file_path_normalise(path, norm, sizeof norm);
  if (n < 0)
    return n;
  if (norm[n - 1] == '/')
    return -DAGGER_UNSUPPORTED; /* names a directory (or the root) */
  if ((size_t)n > size)
    return -DAGGER_BAD_URL_INPUT;
  memcpy(out, norm + 1, (size_t)n); /* without the leading '/' */
  return n - 1;
}

/* openat2 below jail_fd; returns a descriptor or -errno. With links,
 * symbolic links that stay below jail_fd are followed (WASI). */
static int open_openat2(int jail_fd, const char *rel, int flags, bool links) {
  struct open_how_v0 how = {
      .flags = (uint64_t)flags,
      .mode = (flags & O_CREAT) ? 0666 : 0,
      .resolve = RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_ |
                 (links ? 0 : RESOLVE_NO_SYMLINKS_),
  };
  for (int tries = 0;; tries++) {
    long fd = syscall(SYS_openat2, jail_fd, rel, &how, sizeof how);
    if (fd >= 0)
      return (int)fd;
    /* EAGAIN: a rename raced the lookup; the kernel asks for a retry. */
    if ((errno != EAGAIN || tries >= 16) && errno != EINTR)
      return -errno;
  }
}

/* A descriptor or -errno; see dagger_jail_open and dagger_jail_open_wasi. */
static int jail_open(int jail_fd, const char *rel, int flags,
                     dagger_resolver how, bool links) {
  int fd = -ENOSYS;
  if (how != DAGGER_RESOLVE_WALK &&
      !(how == DAGGER_RESOLVE_AUTO && openat2_missing)) {
    fd = open_openat2(jail_fd, rel, flags, links);
    if (fd == -ENOSYS && how == DAGGER_RESOLVE_AUTO)
      openat2_missing = true;
  }
  if (fd == -ENOSYS && how != DAGGER_RESOLVE_OPENAT2)
    fd = dagger_jail_walk(jail_fd, rel, flags, links);
  return fd;
}

int dagger_jail_open(int jail_fd, const char *rel, int flags,
                     dagger_resolver how) {
  int fd = jail_open(jail_fd, rel, flags, how, false);
  return fd >= 0 ? fd : open_error(-fd);
}

int dagger_jail_open_wasi(int dir_fd, const char *rel, int flags, bool links) {
  return jail_open(dir_fd, rel, flags, resolver, links);
}

/* The jail directory, opened on first use. */
static int jail_fd(dagger_rt *rt) {
  if (rt->jail_fd >= 0)
    return rt->jail_fd;
  const char *root = rt->jail_root ? rt->jail_root : ".";
  int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    dagger_rt_diag(rt, "file: cannot open the jail %s: %s", root, strerror(e));
    return e == ENOENT ? -DAGGER_NOT_FOUND : -DAGGER_IO;
  }
  rt->jail_fd = fd;
  return fd;
}

/* open(2) flags for the mode option; 0 on a bad or repeated option. */
static int mode_flags(const dagger_url *url, char *mode) {
  static const char *const keys[] = {"mode", NULL};
  char val[4];
  if (dagger_url_query_only(url, keys) != DAGGER_OK)
    return 0;
  /* "mode=r&mode=w" is ambiguous: refuse it rather than pick one. */
  const char *q = url->query.p, *end = q + url->query.n;
  int seen = 0;
  for (const char *p = q; p < end; p++)
    if ((p == q || p[-1] == '&') && (size_t)(end - p) >= 4 &&
        memcmp(p, "mode", 4) == 0 &&
        (p + 4 == end || p[4] == '=' || p[4] == '&'))
      seen++;
  int r = dagger_url_query_get(url, "mode", val, sizeof val);
  if (seen > 1 || r < 0)
    return 0;
  *mode = r == 0 ? 'r' : val[0];
  if (r == 1 && (val[0] == '\0' || val[1] != '\0'))
    return 0;
  int common = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  switch (*mode) {
  case 'r':
    return common | O_RDONLY;
  case 'w':
    return common | O_WRONLY | O_CREAT;
  case 'a':
    return common | O_WRONLY | O_CREAT | O_APPEND;
  default:
    return 0;
  }
}

/* Makes a freshly opened descriptor a stream: regular files only. */
static int check_opened(int fd, char mode) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return -DAGGER_IO;
  if (!S_ISREG(st.st_mode))
    return -DAGGER_UNSUPPORTED;
  if (mode == 'w' && ftruncate(fd, 0) != 0)
    return open_error(errno);
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
    return -DAGGER_IO;
  return DAGGER_OK;
}

static int file_open(dagger_rt *rt, const dagger_url *url,
                     dagger_stream **out) {
  char mode, rel[PATH_MAX];
  if (url->authority.n != 0) /* file://host/... names another machine */
    return DAGGER_BAD_URL_INPUT;
  int flags = mode_flags(url, &mode);
  if (flags == 0)
    return DAGGER_BAD_URL_INPUT;
  long n = dagger_jail_path(url->path, rel, sizeof rel);
  if (n < 0)
    return (int)-n;
  int jfd = jail_fd(rt);
  if (jfd < 0)
    return -jfd;
  int fd = dagger_jail_open(jfd, rel, flags, resolver);
  if (fd < 0)
    return -fd;
  int err = check_opened(fd, mode);
  file_stream *s = err ? NULL : calloc(1, sizeof *s);
  if (!s) {
    close(fd);
    return err ? -err : DAGGER_IO;
  }
  s->fd = fd;
  s->mode = mode;
  *out = &s->hdr;
  return DAGGER_OK;
}

static int64_t file_read(dagger_stream *st, uint8_t *buf, size_t len) {
  file_stream *s = (file_stream *)st;
  if (s->mode != 'r')
    return -DAGGER_UNSUPPORTED;
  for (;;) {
    ssize_t n = read(s->fd, buf, len);
    if (n >= 0)
      return n;
    if (errno != EINTR)
      return -DAGGER_IO;
  }
}

/* Answers what reached the file: on a full disk (or RLIMIT_FSIZE) write(2)
 * takes part of the buffer and fails on the rest, and the guest must be
 * told the part, not an error: otherwise it believes nothing was written
 * and may write the same bytes again, or give up on bytes the file holds.
 * An error is answered only when nothing at all was written. */
static int64_t file_write(dagger_stream *st, const uint8_t *buf, size_t len) {
  file_stream *s = (file_stream *)st;
  size_t done = 0;
  if (s->mode == 'r')
    return -DAGGER_UNSUPPORTED;
  while (done < len) {
    ssize_t n = write(s->fd, buf + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return done ? (int64_t)done : -DAGGER_IO;
    done += (size_t)n;
  }
  return (int64_t)done;
}

static int file_flush(dagger_stream *st) {
  file_stream *s = (file_stream *)st;
  if (s->mode == 'r')
    return 0;
  /* EINVAL/EROFS: the file system has nothing to sync (not an error). */
  if (fsync(s->fd) != 0 && errno != EINVAL && errno != EROFS)
    return -DAGGER_IO;
  return 0;
}

static int file_close(dagger_stream *st) {
  file_stream *s = (file_stream *)st;
  /* close(2) may report a failed deferred write (NFS); the descriptor is
   * released either way, so EINTR is not retried. */
  int r = close(s->fd);
  free(s);
  return r != 0 && errno != EINTR ? -DAGGER_IO : 0;
}

const dagger_scheme dagger_scheme_file = {
    .name = "file",
    .open = file_open,
    .read = file_read,
    .write = file_write,
    .flush = file_flush,
    .close = file_close,
};
