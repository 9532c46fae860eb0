/* Serve mode (docs/serve.md): one pre-started process runs many requests,
 * each in a fresh instance.
 *
 * With DAGGER_SERVE_FD=N the program does not run once: it reads requests
 * from the control socket N, inherited from the parent that started it.
 * A request is one message of DAGGER_SERVE_MAGIC carrying three
 * descriptors (SCM_RIGHTS): the request's standard input, output and error.
 * They are put in place as 0, 1 and 2, one complete run of the program
 * happens (the caller's `run`: a new runtime, a new instance, the limits
 * re-armed), 0/1/2 are pointed back at /dev/null, so that the parent sees
 * the end of the output, and the run's status goes back as one int. The
 * end of the control socket ends the process with status 0.
 *
 * The guest never sees the control socket: it is close-on-exec, no
 * descriptor table of the runtime holds it, and fd:// names only 0-2. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

int dagger_serve_fd(void) {
  const char *v = getenv("DAGGER_SERVE_FD");
  char *end;
  struct stat st;
  if (!v || !*v)
    return -1;
  errno = 0;
  long fd = strtol(v, &end, 10);
  if (errno || *end || fd < 3 || fd > 65535 || fstat((int)fd, &st) != 0 ||
      !S_ISSOCK(st.st_mode)) {
    dagger_rt_diag(NULL, "DAGGER_SERVE_FD=%.32s: not an inherited socket", v);
    return -2;
  }
  return (int)fd;
}

/* One request's three descriptors, close-on-exec: 1, 0 at the end of the
 * socket, -1 (with a diagnostic) for anything else. */
static int receive(int ctl, int fds[3]) {
  uint32_t magic = 0;
  struct iovec iov = {&magic, sizeof magic};
  union {
    char buf[CMSG_SPACE(3 * sizeof(int))];
    struct cmsghdr align;
  } c;
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = c.buf,
                       .msg_controllen = sizeof c.buf};
  ssize_t n;
  do
    n = recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return 0;
  struct cmsghdr *h = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  int got = 0;
  if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
    got = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    memcpy(fds, CMSG_DATA(h), (size_t)(got > 3 ? 3 : got) * sizeof(int));
  }
  if (n == (ssize_t)sizeof magic && magic == DAGGER_SERVE_MAGIC && got == 3 &&
      !(msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)))
    return 1;
  for (int i = 0; i < got && i < 3; i++)
    close(fds[i]);
  dagger_rt_diag(NULL, "DAGGER_SERVE_FD: not a request (%s)",
                 n < 0 ? strerror(errno) : "want 4 bytes and 3 descriptors");
  return -1;
}

/* Puts fds[i] in place as descriptor i and closes the received copies. */
static void install(const int fds[3]) {
  for (int i = 0; i < 3; i++)
    dup2(fds[i], i);
  for (int i = 0; i < 3; i++)
    if (fds[i] > 2)
      close(fds[i]);
}

static int send_status(int ctl, int status) {
  int32_t s = status;
  ssize_t n;
  do
    n = send(ctl, &s, sizeof s, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof s ? 0 : -1;
}

int dagger_serve(int ctl, int (*run)(void *arg), void *arg) {
  /* 0-2 open, so that no received descriptor takes one of their numbers. */
  for (int i = 0; i < 3; i++)
    if (fcntl(i, F_GETFD) < 0 && open("/dev/null", O_RDWR) != i)
      return 1;
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || fcntl(ctl, F_SETFD, FD_CLOEXEC) != 0) {
    dagger_rt_diag(NULL, "DAGGER_SERVE_FD: %s", strerror(errno));
    return 1;
  }
  for (;;) {
    int fds[3];
    int r = receive(ctl, fds);
    if (r <= 0) {
      close(null);
      return r == 0 ? 0 : 1;
    }
    install(fds);
    dagger_stdio_reset();
    int status = run(arg) & 0xff; /* as the parent would see an exit */
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 3; i++)
      dup2(null, i);
    if (send_status(ctl, status) != 0)
      return 0; /* the parent is gone */
  }
}
