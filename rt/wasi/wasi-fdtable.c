/* WASI's descriptors in the runtime's table.
 *
 * A wasi_file is a stream like any scheme's, so the Dagger calls work on
 * it too (dagger.read on a file WASI opened, dagger.write on descriptor 1).
 * Its reads and writes go to the host descriptor at the descriptor's own
 * offset; for the standard streams they go through the wrapped Dagger
 * stream (stdio.c), which keeps stdout's one buffer, flushed at exit and
 * before a trap line like any stdout:// stream. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi.h"

static int64_t wasi_read(dagger_stream *st, uint8_t *buf, size_t len) {
  wasi_file *f = (wasi_file *)st;
  if (f->inner)
    return f->inner->scheme->read ? f->inner->scheme->read(f->inner, buf, len)
                                  : -DAGGER_UNSUPPORTED;
  for (;;) {
    ssize_t n = read(f->hostfd, buf, len);
    if (n >= 0)
      return n;
    if (errno != EINTR)
      return errno == EISDIR ? -DAGGER_UNSUPPORTED : -DAGGER_IO;
  }
}

static int64_t wasi_write(dagger_stream *st, const uint8_t *buf, size_t len) {
  wasi_file *f = (wasi_file *)st;
  if (f->inner)
    return f->inner->scheme->write ? f->inner->scheme->write(f->inner, buf, len)
                                   : -DAGGER_UNSUPPORTED;
  for (;;) {
    ssize_t n = write(f->hostfd, buf, len);
    if (n >= 0)
      return n;
    if (errno != EINTR)
      return -DAGGER_IO;
  }
}

static int wasi_flush(dagger_stream *st) {
  wasi_file *f = (wasi_file *)st;
  if (f->inner)
    return f->inner->scheme->flush ? f->inner->scheme->flush(f->inner) : 0;
  return 0;
}

static int wasi_close(dagger_stream *st) {
  wasi_file *f = (wasi_file *)st;
  int r = 0;
  if (f->inner)
    r = f->inner->scheme->close ? f->inner->scheme->close(f->inner) : 0;
  else if (f->hostfd >= 0 && close(f->hostfd) != 0 && errno != EINTR)
    r = -DAGGER_IO;
  free(f->dir);
  free(f);
  return r;
}

/* Not in the scheme table: no URL opens one. */
const dagger_scheme dagger_scheme_wasi = {
    .name = "wasi",
    .read = wasi_read,
    .write = wasi_write,
    .flush = wasi_flush,
    .close = wasi_close,
};

wasi_file *wasi_file_new(int hostfd, const char *dir) {
  wasi_file *f = calloc(1, sizeof *f);
  struct stat st;
  if (f && dir && !(f->dir = strdup(dir))) {
    free(f);
    f = NULL;
  }
  if (!f) {
    if (hostfd >= 0)
      close(hostfd);
    return NULL;
  }
  f->hdr.scheme = &dagger_scheme_wasi;
  f->hostfd = hostfd;
  if (hostfd >= 0 && fstat(hostfd, &st) == 0)
    f->filetype = wasi_filetype(st.st_mode);
  bool is_dir = f->filetype == WASI_FILETYPE_DIRECTORY;
  f->rights = is_dir ? WASI_RIGHTS_DIR : WASI_RIGHTS_FILE;
  f->inheriting = is_dir ? WASI_RIGHTS_ALL : 0;
  return f;
}

wasi_file *wasi_file_at(dagger_rt *rt, uint32_t fd, int *err) {
  dagger_stream *s = wasi_stream(rt, fd);
  if (!s) {
    *err = WASI_EBADF;
    return NULL;
  }
  if (s->scheme != &dagger_scheme_wasi) {
    *err = WASI_ENOTSUP; /* a Dagger stream: no file behind it */
    return NULL;
  }
  return (wasi_file *)s;
}

int wasi_install(dagger_rt *rt, dagger_stream *s) {
  for (int fd = 0; fd < rt->max_open; fd++)
    if (!rt->fds[fd]) {
      rt->fds[fd] = s;
      return fd;
    }
  s->scheme->close(s);
  return -1;
}
