/* A load client for examples/gopher/gopherd, loopback only.
 *
 *   load PORT [-n REQUESTS] [-c CONCURRENCY] [-l LOOPS] [-i IDLE]
 *        [-T SECONDS]
 *
 * CONCURRENCY threads (default 50) send REQUESTS requests in all (default
 * 2000), each on a connection of its own, cycling through the menu and two
 * texts, and time each from connect to the server's close. Meanwhile, if
 * asked, LOOPS requests go to /loop (a route that never ends: the server
 * answers an error item at its time limit) and IDLE connections are opened
 * and send nothing (the server hangs up at its read time-out). A request
 * that sees no answer within SECONDS (default 10) counts as a time-out, so
 * the run is bounded by REQUESTS and time.
 *
 * Prints one line for the timed requests: counts of good answers, error
 * items, resets or refusals, time-outs, and the latency percentiles; then
 * one line for the loops and one for the idle connections. Exit status 0
 * when every timed request got a good answer. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum result { OK, ERROR_ITEM, RESET, TIMEOUT };

static struct {
  unsigned port;
  int requests, concurrency, loops, idle, seconds;
} opt = {0, 2000, 50, 0, 0, 10};

static atomic_int next_request;
static double *latency; /* seconds, per timed request */
static enum result *results;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)opt.port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  struct timeval tv = {.tv_sec = opt.seconds};
  if (fd < 0)
    return -1;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Reads the whole answer; its first byte goes to *first. */
static enum result drain(int fd, char *first) {
  char buf[65536];
  size_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0)
      return total ? OK : RESET;
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? TIMEOUT : RESET;
    if (total == 0)
      *first = buf[0];
    total += (size_t)n;
  }
}

/* One request on a connection of its own. */
static enum result ask(const char *selector) {
  int fd = dial();
  if (fd < 0)
    return RESET;
  enum result r = RESET;
  char first = 0;
  size_t len = strlen(selector);
  if (write(fd, selector, len) == (ssize_t)len) {
    r = drain(fd, &first);
    if (r == OK && first == '3')
      r = ERROR_ITEM;
  }
  close(fd);
  return r;
}

static void *timed_client(void *arg) {
  static const char *const selectors[] = {"\r\n", "/text/poem.txt\r\n",
                                          "/text/about.txt\r\n"};
  (void)arg;
  for (;;) {
    int i = atomic_fetch_add(&next_request, 1);
    if (i >= opt.requests)
      return NULL;
    double t = now();
    results[i] = ask(selectors[i % 3]);
    latency[i] = now() - t;
  }
}

static void *loop_client(void *arg) {
  double *took = arg;
  double t = now();
  enum result r = ask("/loop\r\n");
  *took = r == ERROR_ITEM ? now() - t : -1;
  return NULL;
}

static void *idle_client(void *arg) {
  double *took = arg;
  double t = now();
  int fd = dial();
  char first = 0;
  *took = fd >= 0 && drain(fd, &first) == OK && first == '3' ? now() - t : -1;
  if (fd >= 0)
    close(fd);
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, int n, double p) {
  int i = (int)(p / 100.0 * n + 0.5) - 1;
  return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* "N answered, median X s" for the loop or idle clients. */
static void report_side(const char *what, double *took, int n) {
  int answered = 0;
  double *ok = calloc((size_t)n + 1, sizeof *ok);
  for (int i = 0; i < n; i++)
    if (took[i] >= 0)
      ok[answered++] = took[i];
  qsort(ok, (size_t)answered, sizeof *ok, by_value);
  printf("%s: %d of %d got their error item, median after %.2f s\n", what,
         answered, n, answered ? percentile(ok, answered, 50) : 0.0);
  free(ok);
}

static int report(double wall) {
  int count[4] = {0};
  for (int i = 0; i < opt.requests; i++)
    count[results[i]]++;
  qsort(latency, (size_t)opt.requests, sizeof *latency, by_value);
  printf("requests: %d in %.2f s (%.0f/s), %d concurrent: ok %d, error items "
         "%d, resets %d, time-outs %d; latency ms p50 %.1f p90 %.1f p99 %.1f "
         "max %.1f\n",
         opt.requests, wall, opt.requests / wall, opt.concurrency, count[OK],
         count[ERROR_ITEM], count[RESET], count[TIMEOUT],
         percentile(latency, opt.requests, 50) * 1e3,
         percentile(latency, opt.requests, 90) * 1e3,
         percentile(latency, opt.requests, 99) * 1e3,
         latency[opt.requests - 1] * 1e3);
  return count[OK] == opt.requests ? 0 : 1;
}

static int number(const char *s, int lo, int hi) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end || v < lo || v > hi) {
    fprintf(stderr, "load: %s: expected a number from %d to %d\n", s, lo, hi);
    exit(2);
  }
  return (int)v;
}

static void parse(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "n:c:l:i:T:")) != -1) {
    int *slot = c == 'n'   ? &opt.requests
                : c == 'c' ? &opt.concurrency
                : c == 'l' ? &opt.loops
                : c == 'i' ? &opt.idle
                : c == 'T' ? &opt.seconds
                           : NULL;
    if (!slot) {
      fprintf(stderr, "usage: load PORT [-n REQUESTS] [-c CONCURRENCY] "
                      "[-l LOOPS] [-i IDLE] [-T SECONDS]\n");
      exit(2);
    }
    *slot = number(optarg, c == 'l' || c == 'i' ? 0 : 1, 100000);
  }
  if (optind != argc - 1) {
    fprintf(stderr, "load: expected one PORT\n");
    exit(2);
  }
  opt.port = (unsigned)number(argv[optind], 1, 65535);
}

int main(int argc, char **argv) {
  parse(argc, argv);
  int sides = opt.loops + opt.idle;
  latency = calloc((size_t)opt.requests, sizeof *latency);
  results = calloc((size_t)opt.requests, sizeof *results);
  double *side = calloc((size_t)sides + 1, sizeof *side);
  pthread_t *t = calloc((size_t)(opt.concurrency + sides), sizeof *t);
  if (!latency || !results || !side || !t)
    return 1;
  for (int i = 0; i < sides; i++) /* first, so that they hold the server */
    pthread_create(&t[opt.concurrency + i], NULL,
                   i < opt.loops ? loop_client : idle_client, &side[i]);
  if (sides) {
    struct timespec settle = {0, 200 * 1000 * 1000};
    nanosleep(&settle, NULL);
  }
  double t0 = now();
  for (int i = 0; i < opt.concurrency; i++)
    pthread_create(&t[i], NULL, timed_client, NULL);
  for (int i = 0; i < opt.concurrency; i++)
    pthread_join(t[i], NULL);
  int status = report(now() - t0);
  for (int i = 0; i < sides; i++)
    pthread_join(t[opt.concurrency + i], NULL);
  if (opt.loops)
    report_side("loops", side, opt.loops);
  if (opt.idle)
    report_side("idle", side + opt.loops, opt.idle);
  return status;
}
