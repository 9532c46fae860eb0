/* bench-spawn: runs a program COUNT times in a row and prints the median
 * wall-clock and CPU time of one run, for start-up measurements where the
 * harness's own process creation (Python's subprocess) would be a large
 * part of a millisecond.
 *
 *   bench-spawn [-s] [-i FILE] COUNT PROGRAM [ARGS...]
 *
 * Each run gets /dev/null as stdout (stderr is inherited) and as stdin, or
 * FILE (-i) opened afresh, so every run reads the same input; it is
 * spawned directly (posix_spawn, no shell). Prints "WALL_NS CPU_NS\n", the
 * medians over the runs, CPU being the child's user + system time. Exits 1
 * (with a message) when a run cannot be started or does not exit 0.
 *
 * -s: serve mode (docs/serve.md): PROGRAM, a daggercc program, is started
 * once with DAGGER_SERVE_FD and gets the COUNT runs as requests on its
 * control socket (stdin FILE, stdout /dev/null, our stderr); a run's CPU
 * time is what the program's process spent on that request (its CPU
 * clock before and after), the wall clock from sending the request to
 * the status. */
#define _GNU_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static long long median(long long *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_ll);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long tv_ns(struct timeval t) {
  return (long long)t.tv_sec * 1000000000LL + (long long)t.tv_usec * 1000LL;
}

/* Runs argv once; stores its wall and CPU time. 0, or -1 after a message. */
static int run_once(char **argv, const char *in, long long *wall,
                    long long *cpu) {
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int status, err;
  struct rusage ru;

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  long long start = now_ns();
  err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err) {
    fprintf(stderr, "bench-spawn: %s: %s\n", argv[0], strerror(err));
    return -1;
  }
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) {
      perror("bench-spawn: wait4");
      return -1;
    }
  *wall = now_ns() - start;
  *cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
  if (WIFSIGNALED(status)) {
    fprintf(stderr, "bench-spawn: %s: killed by signal %d\n", argv[0],
            WTERMSIG(status));
    return -1;
  }
  if (WEXITSTATUS(status) != 0) {
    fprintf(stderr, "bench-spawn: %s: exit status %d\n", argv[0],
            WEXITSTATUS(status));
    return -1;
  }
  return 0;
}

/* ---- -s: serve mode ---- */

#define SERVE_FD 3
#define SERVE_MAGIC 0x31565344u /* DAGGER_SERVE_MAGIC */

/* Starts argv in serve mode; its pid, our end of the control socket in
 * *ctl, or -1 after a message. */
static pid_t serve_start(char **argv, int *ctl) {
  posix_spawn_file_actions_t fa;
  pid_t pid;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
      setenv("DAGGER_SERVE_FD", "3", 1) != 0) {
    perror("bench-spawn: socketpair");
    return -1;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], SERVE_FD);
  int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  unsetenv("DAGGER_SERVE_FD");
  close(sv[1]);
  if (err) {
    fprintf(stderr, "bench-spawn: %s: %s\n", argv[0], strerror(err));
    return -1;
  }
  *ctl = sv[0];
  return pid;
}

static long long cpu_of(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One request; 0, or -1 after a message. */
static int serve_once(int ctl, clockid_t clock, const char *in, long long *wall,
                      long long *cpu) {
  int fds[3] = {open(in, O_RDONLY | O_CLOEXEC),
                open("/dev/null", O_WRONLY | O_CLOEXEC), STDERR_FILENO};
  uint32_t magic = SERVE_MAGIC;
  union {
    char buf[CMSG_SPACE(sizeof fds)];
    struct cmsghdr align;
  } c;
  struct iovec iov = {&magic, sizeof magic};
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = c.buf,
                       .msg_controllen = sizeof c.buf};
  struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
  int32_t status = -1;
  if (fds[0] < 0 || fds[1] < 0) {
    perror("bench-spawn: open");
    return -1;
  }
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(h), fds, sizeof fds);
  long long cpu0 = cpu_of(clock), start = now_ns();
  ssize_t sent = sendmsg(ctl, &msg, MSG_NOSIGNAL);
  close(fds[0]);
  close(fds[1]);
  ssize_t got = sent > 0 ? recv(ctl, &status, sizeof status, MSG_WAITALL) : -1;
  *wall = now_ns() - start;
  *cpu = cpu_of(clock) - cpu0;
  if (got != (ssize_t)sizeof status || status != 0) {
    fprintf(stderr, "bench-spawn: request: status %d\n", (int)status);
    return -1;
  }
  return 0;
}

static int serve_runs(char **argv, const char *in, int count, long long *wall,
                      long long *cpu) {
  int ctl, status;
  clockid_t clock;
  pid_t pid = serve_start(argv, &ctl);
  if (pid < 0)
    return -1;
  if (clock_getcpuclockid(pid, &clock) != 0) {
    fputs("bench-spawn: no CPU clock for the program\n", stderr);
    return -1;
  }
  for (int i = 0; i < count; i++)
    if (serve_once(ctl, clock, in, &wall[i], &cpu[i]) < 0)
      return -1;
  close(ctl);
  waitpid(pid, &status, 0);
  return 0;
}

int main(int argc, char **argv) {
  const char *in = "/dev/null";
  int serve = argc > 1 && strcmp(argv[1], "-s") == 0;
  if (serve) {
    argc--;
    argv++;
  }
  if (argc > 2 && strcmp(argv[1], "-i") == 0) {
    in = argv[2];
    argc -= 2;
    argv += 2;
  }
  if (argc < 3 || atoi(argv[1]) < 1) {
    fputs("usage: bench-spawn [-s] [-i FILE] COUNT PROGRAM [ARGS...]\n",
          stderr);
    return 2;
  }
  int count = atoi(argv[1]);
  long long *wall = calloc((size_t)count, sizeof *wall);
  long long *cpu = calloc((size_t)count, sizeof *cpu);
  if (!wall || !cpu) {
    fputs("bench-spawn: out of memory\n", stderr);
    return 1;
  }
  if (serve && serve_runs(argv + 2, in, count, wall, cpu) < 0)
    return 1;
  for (int i = 0; !serve && i < count; i++)
    if (run_once(argv + 2, in, &wall[i], &cpu[i]) < 0)
      return 1;
  printf("%lld %lld\n", median(wall, count), median(cpu, count));
  free(wall);
  free(cpu);
  return 0;
}
