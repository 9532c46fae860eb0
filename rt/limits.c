/* Limits of time and memory (docs/limits.md).
 *
 * Memory: the engine enforces the page limit where memory is allocated and
 * grown (wasm2c/rt-impl.c for compiled programs, the module's declared
 * limits for dagger-interp); this file parses the limits, lowers them by
 * the environment and reports a memory that starts too large.
 *
 * Time: a thread watches the wall clock and the process's CPU clock. When a
 * limit runs out the program is stopped where the runtime's state is whole:
 *   - the guest is running its own code (state GUEST): the watch thread
 *     stops the program at once. Guest code holds no runtime state, so the
 *     streams can be flushed from this thread while it goes on running;
 *     _exit then ends every thread. Nothing jumps out of a signal handler:
 *     neither wasm2c's code nor wabt's interpreter could be left safely
 *     that way (a lock of malloc may be held, C++ frames skipped).
 *   - the guest is in a system call (HOST): the watch marks the limit
 *     PENDING, and the call stops the program as it returns. A call that
 *     blocks (a read of a silent stdin, a slow server) is given GRACE_MS,
 *     then the watch stops the program anyway: the call owns at most the
 *     stream it blocks on, which no flush then touches unless it is the
 *     standard output itself.
 * The state moves by compare-and-swap, so exactly one thread stops the
 * program; the other parks until _exit. Without a time limit nothing of
 * this runs: a system call tests one flag. The thread is started by the
 * first watched run and sleeps between runs (serve mode, serve.c, has one
 * per request): each run re-arms it, with clocks counted from its start. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

#define PAGE_BYTES 65536ull
#define MAX_PAGES 65536u
#define MAX_SECONDS 1e9
#define GRACE_MS 100

/* ---- parsing --------------------------------------------------------- */

/* The multiplier of a size suffix: "", "K", "Ki", "KiB", "KB" (all 1024),
 * likewise M and G; 0 for anything else. */
static uint64_t unit_of(const char *s) {
  static const char units[] = "KMG";
  if (!*s)
    return 1;
  const char *u = strchr(units, s[0] & ~0x20);
  if (!u || !s[0])
    return 0;
  const char *rest = s + 1;
  if (strcmp(rest, "") && strcmp(rest, "i") && strcmp(rest, "iB") &&
      strcmp(rest, "B"))
    return 0;
  return 1ull << (10 * (1 + (u - units)));
}

/* A count and its unit's multiplier from "N" or "N" and a unit; -1 when
 * the text is neither. */
static int count_of(const char *text, unsigned long long *n, uint64_t *unit) {
  char *end;
  if (!text || text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  *n = strtoull(text, &end, 10);
  *unit = unit_of(end);
  return errno || !*unit ? -1 : 0;
}

int dagger_parse_bytes(const char *text, uint64_t *bytes) {
  unsigned long long n;
  uint64_t unit;
  if (count_of(text, &n, &unit) != 0 || n > UINT64_MAX / unit)
    return -1;
  *bytes = n * unit;
  return 0;
}

int dagger_limit_parse_size(const char *text, uint32_t *pages) {
  unsigned long long n;
  uint64_t unit;
  if (count_of(text, &n, &unit) != 0)
    return -1;
  uint64_t max_n = (uint64_t)MAX_PAGES * PAGE_BYTES / unit;
  uint64_t bytes = n > max_n ? (uint64_t)MAX_PAGES * PAGE_BYTES : n * unit;
  if (bytes < PAGE_BYTES)
    return -1;
  *pages = (uint32_t)(bytes / PAGE_BYTES);
  return 0;
}

int dagger_limit_parse_seconds(const char *text, uint64_t *ms) {
  char *end;
  if (!text || ((text[0] < '0' || text[0] > '9') && text[0] != '.'))
    return -1;
  errno = 0;
  double s = strtod(text, &end);
  if (*end == 's')
    end++;
  if (errno || *end || !(s > 0) || s > MAX_SECONDS)
    return -1;
  double x = s * 1000;
  *ms = (uint64_t)x;
  if ((double)*ms < x)
    ++*ms; /* rounded up: 0.0001 s is 1 ms, not none */
  return 0;
}

/* ---- the environment --------------------------------------------------- */

/* One variable: 0 (absent, lowered or ignored with a note) or -1. */
static int lower_size(dagger_rt *rt, const char *name, uint32_t *limit) {
  const char *v = getenv(name);
  uint32_t pages;
  if (!v || !*v)
    return 0;
  if (dagger_limit_parse_size(v, &pages) != 0) {
    dagger_rt_diag(rt, "%s=%.64s: not a size of at least 64KiB (e.g. 64MiB)",
                   name, v);
    return -1;
  }
  if (*limit && pages > *limit)
    dagger_rt_diag(rt,
                   "%s=%.64s ignored: above the compiled-in limit of %" PRIu32
                   " pages of 64KiB, which the environment may only lower",
                   name, v, *limit);
  else
    *limit = pages;
  return 0;
}

static int lower_seconds(dagger_rt *rt, const char *name, uint64_t *limit) {
  const char *v = getenv(name);
  uint64_t ms;
  if (!v || !*v)
    return 0;
  if (dagger_limit_parse_seconds(v, &ms) != 0) {
    dagger_rt_diag(rt, "%s=%.64s: not a positive number of seconds", name, v);
    return -1;
  }
  if (*limit && ms > *limit)
    dagger_rt_diag(rt,
                   "%s=%.64s ignored: above the compiled-in limit of %.3f s, "
                   "which the environment may only lower",
                   name, v, (double)*limit / 1000);
  else
    *limit = ms;
  return 0;
}

int dagger_limits_from_env(dagger_rt *rt, dagger_limits *lim) {
  int bad = lower_size(rt, "DAGGER_MAX_MEMORY", &lim->max_pages);
  bad |= lower_seconds(rt, "DAGGER_TIMEOUT", &lim->timeout_ms);
  bad |= lower_seconds(rt, "DAGGER_CPU_TIME", &lim->cpu_ms);
  rt->stats->limits = *lim;
  if (bad)
    rt->stats->ended = "error";
  return bad ? -1 : 0;
}

int dagger_limits_memory_refused(dagger_rt *rt, uint32_t pages) {
  uint32_t max = rt->stats->limits.max_pages;
  dagger_rt_diag(rt,
                 "memory limit exceeded: the module's memory starts at %" PRIu32
                 " pages of 64KiB (%" PRIu64
                 " KiB), above the limit of %" PRIu32 " pages (%" PRIu64
                 " KiB)",
                 pages, (uint64_t)pages * 64, max, (uint64_t)max * 64);
  rt->stats->limit = "max-memory";
  dagger_stats_write(rt, DAGGER_LIMIT_START_STATUS);
  return DAGGER_LIMIT_START_STATUS;
}

/* ---- the watch ------------------------------------------------------------
 */

enum { W_GUEST, W_HOST, W_PENDING, W_STOPPING, W_DONE };

static struct {
  atomic_int state;
  atomic_int kind; /* the dagger_trap of the limit that ran out */
  int depth;       /* nested calls, main thread only */
  dagger_rt *rt;
  uint64_t wall_deadline_ns, cpu_limit_ns; /* 0: none */
  uint64_t cpu_base_ns; /* the process's CPU time at dagger_limits_start */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake; /* the watch: a run started or ended */
  pthread_cond_t idle; /* dagger_limits_stop: the watch left expire */
  bool started;        /* the thread exists (it stays for the next run) */
  bool armed;          /* a run is watched, from start to stop */
  bool expiring;       /* the watch is in expire */
  bool running;        /* main thread only: between start and stop */
} w = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Flushes, reports, writes the statistics and ends the process: called by
 * the one thread that won the state W_STOPPING. */
__attribute__((noreturn)) static void stop_program(void) {
  dagger_rt *rt = w.rt;
  int status = dagger_trap_report(rt, (dagger_trap)atomic_load(&w.kind));
  dagger_stats_write(rt, status);
  fflush(stdout);
  fflush(stderr);
  _exit(status);
}

/* The other thread is stopping the program. */
__attribute__((noreturn)) static void park(void) {
  for (;;)
    pause();
}

void dagger_limits_enter_slow(void) {
  if (w.depth++ > 0)
    return;
  int s = W_GUEST;
  if (!atomic_compare_exchange_strong(&w.state, &s, W_HOST) && s == W_STOPPING)
    park();
}

void dagger_limits_leave_slow(void) {
  if (--w.depth > 0)
    return;
  int s = W_HOST;
  if (atomic_compare_exchange_strong(&w.state, &s, W_GUEST))
    return;
  if (s == W_PENDING &&
      atomic_compare_exchange_strong(&w.state, &s, W_STOPPING))
    stop_program();
  if (s == W_STOPPING)
    park();
}

/* The limit `kind` ran out (watch thread). Returns only when the guest is
 * done or the main thread is stopping the program. */
static void expire(int kind) {
  atomic_store(&w.kind, kind);
  uint64_t grace_end = 0;
  for (;;) {
    int s = atomic_load(&w.state);
    if (s == W_GUEST &&
        atomic_compare_exchange_strong(&w.state, &s, W_STOPPING))
      stop_program();
    if (s == W_HOST)
      atomic_compare_exchange_strong(&w.state, &s, W_PENDING);
    if (s == W_STOPPING || s == W_DONE)
      return;
    if (s == W_PENDING || s == W_HOST) {
      uint64_t now = clock_ns(CLOCK_MONOTONIC);
      if (!grace_end)
        grace_end = now + GRACE_MS * 1000000ull;
      s = W_PENDING;
      if (now >= grace_end &&
          atomic_compare_exchange_strong(&w.state, &s, W_STOPPING))
        stop_program(); /* the call blocks: stop it anyway */
      nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
  }
}

/* ns until the first limit runs out, or 0 with *kind set when one has. */
static uint64_t time_left(int *kind) {
  uint64_t left = UINT64_MAX;
  if (w.wall_deadline_ns) {
    uint64_t now = clock_ns(CLOCK_MONOTONIC);
    if (now >= w.wall_deadline_ns)
      return *kind = DAGGER_TRAP_TIMEOUT, 0;
    left = w.wall_deadline_ns - now;
  }
  if (w.cpu_limit_ns) {
    /* CPU time goes no faster than the wall clock while one thread runs
     * the guest; waking after the CPU time left re-checks it. */
    uint64_t used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - w.cpu_base_ns;
    if (used >= w.cpu_limit_ns)
      return *kind = DAGGER_TRAP_CPU_TIME, 0;
    if (w.cpu_limit_ns - used < left)
      left = w.cpu_limit_ns - used;
  }
  return left;
}

/* The watch thread: started with the first watched run, it stays for the
 * next ones (serve mode runs many, docs/serve.md), asleep between them. */
static void *watch(void *arg) {
  (void)arg;
  pthread_mutex_lock(&w.lock);
  for (;;) {
    int kind = 0;
    uint64_t left = w.armed ? time_left(&kind) : 0;
    if (!w.armed || atomic_load(&w.state) == W_DONE) {
      pthread_cond_wait(&w.wake, &w.lock);
      continue;
    }
    if (kind) {
      /* dagger_limits_stop waits for this to end before the next run can
       * be armed: expire never sees another run's state. */
      w.expiring = true;
      pthread_mutex_unlock(&w.lock);
      expire(kind);
      pthread_mutex_lock(&w.lock);
      w.expiring = false;
      w.armed = false;
      pthread_cond_broadcast(&w.idle);
      continue;
    }
    uint64_t at = clock_ns(CLOCK_MONOTONIC) + left;
    struct timespec ts = {(time_t)(at / 1000000000u), (long)(at % 1000000000u)};
    pthread_cond_timedwait(&w.wake, &w.lock, &ts);
  }
  return NULL;
}

static int start_thread(void) {
  pthread_condattr_t ca;
  sigset_t all, old;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w.wake, &ca);
  pthread_cond_init(&w.idle, NULL);
  pthread_condattr_destroy(&ca);
  /* The thread takes no signal: SIGPIPE, SIGINT and the faults stay the
   * main thread's. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int err = pthread_create(&w.thread, NULL, watch, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!err)
    pthread_detach(w.thread);
  return err;
}

int dagger_limits_start(dagger_rt *rt, const dagger_limits *lim) {
  rt->stats->limits = *lim;
  if (w.running || (!lim->timeout_ms && !lim->cpu_ms))
    return 0;
  pthread_mutex_lock(&w.lock);
  w.rt = rt;
  w.depth = 0;
  atomic_store(&w.state, W_GUEST);
  /* Counted from here, not from the process's start: in serve mode
   * (serve.c) each request is a run of its own. */
  w.wall_deadline_ns =
      lim->timeout_ms ? clock_ns(CLOCK_MONOTONIC) + lim->timeout_ms * 1000000u
                      : 0;
  w.cpu_limit_ns = lim->cpu_ms * 1000000u;
  w.cpu_base_ns = lim->cpu_ms ? clock_ns(CLOCK_PROCESS_CPUTIME_ID) : 0;
  int err = w.started ? 0 : start_thread();
  if (!err) {
    w.started = true;
    w.armed = true;
    w.running = true;
    rt->watched = true;
    pthread_cond_signal(&w.wake);
  }
  pthread_mutex_unlock(&w.lock);
  if (err) {
    atomic_store(&w.state, W_DONE);
    dagger_rt_diag(rt, "cannot watch the time limits: %s", strerror(err));
    return -1;
  }
  return 0;
}

void dagger_limits_stop(dagger_rt *rt) {
  if (!w.running)
    return;
  for (;;) {
    int s = atomic_load(&w.state);
    if (s == W_STOPPING)
      park();
    if ((s == W_GUEST || s == W_HOST) &&
        atomic_compare_exchange_strong(&w.state, &s, W_DONE))
      break;
    if (s == W_PENDING &&
        atomic_compare_exchange_strong(&w.state, &s, W_STOPPING))
      stop_program();
  }
  /* The watch sleeps again (no join: it stays for the next run); one in
   * expire sees W_DONE and returns within its 5 ms pause. */
  pthread_mutex_lock(&w.lock);
  while (w.expiring)
    pthread_cond_wait(&w.idle, &w.lock);
  w.armed = false;
  pthread_cond_signal(&w.wake);
  pthread_mutex_unlock(&w.lock);
  w.running = false;
  rt->watched = false;
}
