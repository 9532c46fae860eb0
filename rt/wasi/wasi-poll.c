/* poll_oneoff: clock and descriptor-readiness subscriptions.
 *
 * The descriptors of wasi_files (standard streams included) are polled by
 * the kernel with ppoll(2), the earliest clock deadline as its timeout; a
 * stream of another scheme (http://, log://, ...) never blocks, so it is
 * ready at once. Every subscription that is ready when ppoll returns gets
 * an event, clocks whose deadline has passed included. A subscription
 * with a bad clock or descriptor gets an event carrying the error, at once,
 * as wasmtime reports them. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"

enum { EV_CLOCK = 0, EV_READ = 1, EV_WRITE = 2 };
#define SUB_SIZE 48
#define EVENT_SIZE 32
#define MAX_SUBS 4096

typedef struct sub {
  uint64_t userdata, deadline; /* clock: absolute, on the monotonic clock */
  uint8_t type;
  uint16_t error; /* an event at once, with this error */
  int pollix;     /* index in the pollfd array, or -1 */
  bool ready;     /* a stream of another scheme */
} sub;

static uint64_t monotonic_now(void) {
  uint64_t ns = 0;
  wasi_now(1, &ns);
  return ns;
}

/* A clock subscription's deadline on the monotonic clock. */
static void parse_clock(const uint8_t *raw, sub *s, uint64_t now) {
  uint32_t id = wasi_get32(raw + 16);
  uint64_t timeout = wasi_get64(raw + 24), clock_now;
  bool abs = wasi_get16(raw + 40) & 1;
  if (wasi_now(id, &clock_now) != 0) {
    s->error = WASI_EINVAL;
    return;
  }
  uint64_t rel =
      abs ? (timeout > clock_now ? timeout - clock_now : 0) : timeout;
  s->deadline = rel > UINT64_MAX - now ? UINT64_MAX : now + rel;
}

static void parse_fd(dagger_rt *rt, const uint8_t *raw, sub *s,
                     struct pollfd *pfd, int *npoll) {
  dagger_stream *st = wasi_stream(rt, wasi_get32(raw + 16));
  if (!st) {
    s->error = WASI_EBADF;
    return;
  }
  if (st->scheme != &dagger_scheme_wasi || ((wasi_file *)st)->hostfd < 0) {
    s->ready = true;
    return;
  }
  s->pollix = (*npoll)++;
  pfd[s->pollix].fd = ((wasi_file *)st)->hostfd;
  pfd[s->pollix].events = s->type == EV_READ ? POLLIN : POLLOUT;
}

/* Bytes available on a ready read descriptor (0 when unknown). */
static uint64_t available(int fd) {
  struct stat st;
  int n = 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
  }
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

/* Writes the event of s if it is ready; returns 1 if written. */
static int event(dagger_rt *rt, const sub *s, const struct pollfd *pfd,
                 uint64_t now, uint32_t at) {
  uint8_t e[EVENT_SIZE] = {0};
  bool ready = s->error || s->ready;
  if (s->type == EV_CLOCK)
    ready = ready || now >= s->deadline;
  else if (s->pollix >= 0)
    ready = ready || pfd[s->pollix].revents;
  if (!ready)
    return 0;
  wasi_put64(e, s->userdata);
  wasi_put16(e + 8, s->error);
  e[10] = s->type;
  if (s->type != EV_CLOCK && !s->error && s->pollix >= 0) {
    const struct pollfd *p = &pfd[s->pollix];
    if (s->type == EV_READ && (p->revents & POLLIN))
      wasi_put64(e + 16, available(p->fd));
    if (p->revents & POLLHUP)
      wasi_put16(e + 24, 1);
    if (p->revents & POLLNVAL)
      wasi_put16(e + 8, WASI_EBADF);
  }
  dagger_mem_store(&rt->mem, at, e, EVENT_SIZE);
  return 1;
}

/* The ppoll timeout: until the earliest deadline; NULL = none; zero when
 * something is ready already. */
static struct timespec *timeout(const sub *subs, uint32_t n, uint64_t now,
                                struct timespec *ts) {
  uint64_t first = UINT64_MAX;
  for (uint32_t i = 0; i < n; i++) {
    if (subs[i].error || subs[i].ready)
      first = now;
    else if (subs[i].type == EV_CLOCK && subs[i].deadline < first)
      first = subs[i].deadline;
  }
  if (first == UINT64_MAX)
    return NULL;
  uint64_t rel = first > now ? first - now : 0;
  ts->tv_sec = (time_t)(rel / 1000000000u);
  ts->tv_nsec = (long)(rel % 1000000000u);
  return ts;
}

static int parse(dagger_rt *rt, uint32_t in, uint32_t n, sub *subs,
                 struct pollfd *pfd, int *npoll, uint64_t now) {
  for (uint32_t i = 0; i < n; i++) {
    uint8_t raw[SUB_SIZE];
    dagger_mem_load(&rt->mem, in + i * SUB_SIZE, raw, SUB_SIZE);
    subs[i] = (sub){.userdata = wasi_get64(raw), .type = raw[8], .pollix = -1};
    if (raw[8] == EV_CLOCK)
      parse_clock(raw, &subs[i], now);
    else if (raw[8] == EV_READ || raw[8] == EV_WRITE)
      parse_fd(rt, raw, &subs[i], pfd, npoll);
    else
      return WASI_EINVAL;
  }
  return 0;
}

static int wait_and_report(dagger_rt *rt, sub *subs, uint32_t n,
                           struct pollfd *pfd, int npoll, uint32_t out,
                           uint32_t nout) {
  struct timespec ts;
  uint32_t count = 0;
  for (;;) {
    uint64_t now = monotonic_now();
    struct timespec *t = timeout(subs, n, now, &ts);
    if (ppoll(npoll ? pfd : NULL, (nfds_t)npoll, t, NULL) < 0 && errno != EINTR)
      return wasi_errno(errno);
    now = monotonic_now();
    for (uint32_t i = 0; i < n; i++)
      count +=
          (uint32_t)event(rt, &subs[i], pfd, now, out + count * EVENT_SIZE);
    if (count > 0)
      return wasi_store32(rt, nout, count);
  }
}

int32_t wasi_poll_oneoff(dagger_rt *rt, const uint64_t *a) {
  uint32_t in = (uint32_t)a[0], out = (uint32_t)a[1], n = (uint32_t)a[2];
  if (n == 0)
    return WASI_EINVAL;
  if (n > MAX_SUBS)
    return WASI_ENOTSUP;
  if (dagger_mem_check(&rt->mem, in, (uint64_t)n * SUB_SIZE) ||
      dagger_mem_check(&rt->mem, out, (uint64_t)n * EVENT_SIZE) ||
      dagger_mem_check(&rt->mem, (uint32_t)a[3], 4))
    return WASI_EFAULT;
  sub *subs = calloc(n, sizeof *subs);
  struct pollfd *pfd = calloc(n, sizeof *pfd);
  int npoll = 0;
  int err = subs && pfd ? 0 : WASI_ENOMEM;
  if (!err)
    err = parse(rt, in, n, subs, pfd, &npoll, monotonic_now());
  if (!err)
    err = wait_and_report(rt, subs, n, pfd, npoll, out, (uint32_t)a[3]);
  free(subs);
  free(pfd);
  return err;
}
