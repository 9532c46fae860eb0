/* gopherd: a Gopher server (RFC 1436) whose every route is a program that
 * daggercc compiled from WebAssembly.
 *
 *   gopherd [-t SECONDS] [-r SECONDS] [-w WORKERS] [-R ROUTES] [-J JAIL]
 *           [-H HOST] [PORT]
 *   (defaults: -t 5 -r the -t value -w 32 -R bin -J public -H 127.0.0.1 7070)
 *
 * Listens on 127.0.0.1:PORT (default 7070; 0 picks a free port). A request
 * is a selector line ending in CRLF (at most MAX_SELECTOR bytes). Its first
 * path segment names the route: "" and "/" are ROUTES/index, "/NAME" and
 * "/NAME/..." are ROUTES/NAME, where NAME is letters, digits, '-' and '_'.
 * The route runs in a child process (posix_spawn, no shell, in a process
 * group of its own, DAGGER_ROOT=JAIL) that a worker started in serve mode
 * (docs/serve.md) and keeps for the next requests: each request is a fresh
 * instance, with the selector line and then "HOST<TAB>PORT" on its stdin,
 * so that it can write menu items that point back here; what it writes on
 * stdout is the response, sent only when its run ends with status 0. A
 * route that fails (a trap: status 201..209), runs
 * past SECONDS (-t, default 5: DAGGER_TIMEOUT for the route's own runtime,
 * which stops it with status 211; gopherd kills the whole process group
 * only a second later, as a backstop), or
 * writes more than MAX_RESPONSE bytes gets the client a Gopher error item
 * ("3...") instead, and the server goes on serving. The route's stderr (a
 * trap's report) goes to the server's stderr, with a log line per request.
 * -H names the host that the routes' menus point to; the server itself
 * listens on loopback only.
 *
 * Connections are served concurrently, so that one slow or hostile client
 * never delays the others:
 *   - the main thread accepts connections and reads their selector lines,
 *     all of them at once with poll(2); a client gets -r seconds to send
 *     its line (an idle connection costs a descriptor, no worker), and at
 *     most MAX_CONNS connections are open at a time (beyond that, new ones
 *     wait in the listen backlog);
 *   - a complete selector goes to a queue served by -w worker threads
 *     (default 32), each running one route at a time under its own -t
 *     deadline and then sending the answer under a fresh -t deadline. So at
 *     most -w routes run at once; a route that loops holds one worker for
 *     -t seconds, and the others go on. A route that has used DEMOTE_CPU_MS
 *     of CPU time runs on at nice 19, so that it takes next to no CPU
 *     time that short routes want.
 * Every descriptor is opened close-on-exec (accept4, pipe2), so a route never
 * inherits another client's socket or another route's pipe: either would
 * hold that exchange open until the route ends.
 */
#define _GNU_SOURCE /* accept4, pipe2 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_SELECTOR 1024
#define MAX_RESPONSE (1 << 20)
#define MAX_ROUTE_NAME 64
#define MAX_CONNS 256     /* connections open at once */
#define MAX_WORKERS 256   /* the most -w allows */
#define DEMOTE_CPU_MS 250 /* a route that used more CPU yields it */
#define CHECK_MS 20       /* how often a running route's CPU time is read */

typedef struct config {
  const char *routes; /* directory of compiled routes */
  const char *jail;   /* DAGGER_ROOT of the routes */
  const char *host;   /* host name that menus advertise */
  int seconds;        /* per-route time limit */
  int read_seconds;   /* time a client has to send its selector */
  int workers;        /* routes that may run at once */
  unsigned port;      /* the port actually bound */
} config;

/* What running a route came to. */
typedef enum outcome { RAN_OK, RAN_FAILED, RAN_TIMEOUT, RAN_TOO_BIG } outcome;

/* The statuses of a route stopped by its own limits (docs/limits.md). */
enum { LIMIT_TIME = 211, LIMIT_CPU = 212 };

/* A route gets -t seconds from its own runtime; gopherd kills its process
 * group only if it is still running this much later (a route that is not a
 * daggercc program, or one compiled with a longer limit than -t and run
 * with DAGGER_TIMEOUT removed by hand). */
#define BACKSTOP_MS 1000

/* ---- time ----------------------------------------------------------------*/

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, for poll (0 when past). */
static int left_ms(int64_t deadline) {
  int64_t left = deadline - now_ms();
  return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* ---- descriptors ---------------------------------------------------------*/

/* Waits until fd is ready for events or the deadline passes: 1 ready, 0
 * timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, left_ms(deadline));
    if (r > 0)
      return 1;
    if (r == 0 && now_ms() >= deadline)
      return 0;
    if (r < 0 && errno != EINTR)
      return -1;
  }
}

/* Writes all of buf to a non-blocking fd before the deadline. */
static bool send_all(int fd, const char *buf, size_t len, int64_t deadline) {
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n > 0) {
      buf += n;
      len -= (size_t)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (wait_fd(fd, POLLOUT, deadline) <= 0)
        return false;
    } else {
      return false;
    }
  }
  return true;
}

/* ---- the request ---------------------------------------------------------*/

/* A connection whose selector line is being read (by the main thread). */
typedef struct conn {
  int fd;
  int64_t deadline; /* for the whole selector line */
  size_t n;         /* bytes in sel */
  char sel[MAX_SELECTOR + 3];
} conn;

/* Checks a complete line in c->sel (up to nl) and cuts it there: its
 * length without CRLF, or -1 when it is not acceptable. */
static long finish_line(conn *c, char *nl) {
  size_t len = (size_t)(nl - c->sel);
  if (len && c->sel[len - 1] == '\r')
    len--;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)c->sel[i] < 0x20 && c->sel[i] != '\t')
      return -1;
  c->sel[len] = '\0';
  return len <= MAX_SELECTOR ? (long)len : -1;
}

/* Reads what the client has sent so far: 1 when the selector line is
 * complete (in c->sel, without its CRLF), 0 when more must come, -1 when
 * the client sent no acceptable line (or hung up). Never blocks. */
static int read_step(conn *c) {
  for (;;) {
    ssize_t got = read(c->fd, c->sel + c->n, MAX_SELECTOR + 2 - c->n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    if (got <= 0)
      return -1;
    c->n += (size_t)got;
    char *nl = memchr(c->sel, '\n', c->n);
    if (nl)
      return finish_line(c, nl) < 0 ? -1 : 1;
    if (c->n >= MAX_SELECTOR + 2)
      return -1;
  }
}

/* The route a selector names, into name; false when it names none. */
static bool route_name(const char *sel, char *name) {
  const char *p = sel[0] == '/' ? sel + 1 : sel;
  size_t n = 0;
  for (; p[n] && p[n] != '/' && p[n] != '\t'; n++) {
    char c = p[n];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || n == MAX_ROUTE_NAME)
      return false;
  }
  if (n == 0)
    memcpy(name, "index", 6);
  else
    memcpy(name, p, n), name[n] = '\0';
  return true;
}

/* A Gopher error item with text (tabs and control bytes made '?'). */
static size_t error_item(char *out, size_t cap, const char *text) {
  char clean[512];
  size_t i = 0;
  for (; text[i] && i < sizeof clean - 1; i++)
    clean[i] = (unsigned char)text[i] < 0x20 ? '?' : text[i];
  clean[i] = '\0';
  int n = snprintf(out, cap, "3%s\t\terror.host\t1\r\n.\r\n", clean);
  return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* ---- running a route -----------------------------------------------------*/

/* The environment of the routes: ours with DAGGER_ROOT=jail and
 * DAGGER_TIMEOUT=seconds. The time limit is the route's own (docs/limits.md):
 * its runtime stops it, flushes, says so on stderr and exits 211; the
 * variable can only lower the limit compiled into the route. */
static char **route_env(const char *jail, int seconds) {
  size_t n = 0;
  while (environ[n])
    n++;
  char **env = calloc(n + 4, sizeof *env);
  size_t len = strlen("DAGGER_ROOT=") + strlen(jail) + 1;
  char *root = malloc(len), *timeout = malloc(32);
  if (!env || !root || !timeout) {
    free(env);
    free(root);
    free(timeout);
    return NULL;
  }
  snprintf(root, len, "DAGGER_ROOT=%s", jail);
  snprintf(timeout, 32, "DAGGER_TIMEOUT=%d", seconds);
  size_t k = 0;
  env[k++] = root;
  env[k++] = timeout;
  env[k++] = "DAGGER_SERVE_FD=3"; /* SERVE_FD: serve mode, below */
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "DAGGER_ROOT=", 12) != 0 &&
        strncmp(environ[i], "DAGGER_TIMEOUT=", 15) != 0 &&
        strncmp(environ[i], "DAGGER_SERVE_FD=", 16) != 0)
      env[k++] = environ[i];
  env[k] = NULL;
  return env;
}

/* ---- route processes (serve mode, docs/serve.md) ------------------------
 * A route is started once per worker and then runs one fresh instance per
 * request: its control socket (DAGGER_SERVE_FD=3) takes the request's
 * stdin, stdout and stderr, and answers the status. Starting a process
 * costs ~3 ms of CPU here; a request to a started one a fraction of that. */

#define SERVE_FD 3
#define SERVE_MAGIC 0x31565344u /* DAGGER_SERVE_MAGIC */
#define PROCS_PER_WORKER 4      /* routes a worker keeps started */

/* A started route process, kept by one worker. */
typedef struct proc {
  char name[MAX_ROUTE_NAME + 1]; /* "": the slot is free */
  pid_t pid;                     /* the leader of its process group */
  int ctl;                       /* our end of its control socket */
  dev_t dev;                     /* the file it was started from: a new */
  ino_t ino;                     /* build of the route gets a new process */
  struct timespec mtime;
  uint64_t used; /* when it last served, for choosing one to retire */
} proc;

typedef struct pool {
  proc p[PROCS_PER_WORKER];
  uint64_t tick;
} pool;

/* Ends a started route: its control socket closed, the process killed
 * (idle, between requests) and reaped. */
static void retire(proc *p) {
  close(p->ctl);
  kill(-p->pid, SIGKILL);
  waitpid(p->pid, NULL, 0);
  p->name[0] = '\0';
}

/* Starts path in serve mode, in a process group of its own, stdin and
 * stdout /dev/null until a request brings its own. 0 or -1 (errno). */
static int spawn_route(const char *path, char **env, proc *p) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return -1;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t dflt;
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGPIPE); /* ignored here, default in the route */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  /* Cleared of close-on-exec by the dup2 (also when sv[1] is 3). */
  posix_spawn_file_actions_adddup2(&fa, sv[1], SERVE_FD);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  char *argv[] = {(char *)path, NULL};
  int err = posix_spawn(&p->pid, path, &fa, &attr, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(sv[1]);
  if (err) {
    close(sv[0]);
    errno = err;
    return -1;
  }
  p->ctl = sv[0];
  return 0;
}

static bool same_file(const proc *p, const struct stat *st) {
  return p->dev == st->st_dev && p->ino == st->st_ino &&
         p->mtime.tv_sec == st->st_mtim.tv_sec &&
         p->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The worker's started process for route name (path, st), started now if
 * there is none, or NULL (errno). */
static proc *route_proc(pool *pl, char **env, const char *name,
                        const char *path, const struct stat *st) {
  proc *free_slot = NULL, *oldest = &pl->p[0];
  for (int i = 0; i < PROCS_PER_WORKER; i++) {
    proc *p = &pl->p[i];
    if (p->name[0] && !strcmp(p->name, name) && same_file(p, st))
      return p->used = ++pl->tick, p;
    if (p->name[0] && !strcmp(p->name, name))
      retire(p); /* the route was rebuilt */
    if (!p->name[0] && !free_slot)
      free_slot = p;
    if (p->used < oldest->used)
      oldest = p;
  }
  proc *p = free_slot ? free_slot : oldest;
  if (p->name[0])
    retire(p);
  if (spawn_route(path, env, p) != 0)
    return NULL;
  snprintf(p->name, sizeof p->name, "%s", name);
  p->dev = st->st_dev;
  p->ino = st->st_ino;
  p->mtime = st->st_mtim;
  p->used = ++pl->tick;
  return p;
}

/* Hands the route its request: new pipes for stdin and stdout, our stderr.
 * *in and *out get our ends. 0, or -1 when the process is gone. */
static int send_request(proc *p, int *in, int *out) {
  int pin[2], pout[2];
  if (pipe2(pin, O_CLOEXEC) != 0)
    return -1;
  if (pipe2(pout, O_CLOEXEC) != 0) {
    close(pin[0]), close(pin[1]);
    return -1;
  }
  uint32_t magic = SERVE_MAGIC;
  int fds[3] = {pin[0], pout[1], STDERR_FILENO};
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
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(h), fds, sizeof fds);
  ssize_t n;
  do
    n = sendmsg(p->ctl, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  close(pin[0]);
  close(pout[1]);
  if (n != (ssize_t)sizeof magic) {
    close(pin[1]), close(pout[0]);
    return -1;
  }
  *in = pin[1];
  *out = pout[0];
  return 0;
}

/* The status the route answers on its control socket before the
 * deadline: 1 (*status as waitpid gives it), 0 when the socket ended (the
 * process is exiting: reap it), -1 when the deadline passed. */
static int answer(proc *p, int *status, int64_t deadline) {
  int32_t code;
  size_t got = 0;
  while (got < sizeof code) {
    if (wait_fd(p->ctl, POLLIN, deadline) <= 0)
      return -1;
    ssize_t n = read(p->ctl, (char *)&code + got, sizeof code - got);
    if (n == 0)
      return 0;
    if (n < 0 && errno != EINTR && errno != EAGAIN)
      return 0;
    if (n > 0)
      got += (size_t)n;
  }
  *status = W_EXITCODE(code & 0xff, 0);
  return 1;
}

/* CPU time a process has used, in milliseconds (-1 when unknown). */
static int64_t cpu_ms(pid_t pid) {
  clockid_t clock;
  struct timespec t;
  if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &t) != 0)
    return -1;
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads the route's stdout into resp until end of file, the deadline or
 * MAX_RESPONSE bytes. A route that has used DEMOTE_CPU_MS of CPU time is
 * CPU-bound (a short route uses a few ms; one built with sanitizers, as
 * the test suite's are, over 50 ms just to start): it gets the lowest priority
 * (nice 19, its whole process group), so that routes which loop until
 * their time limit take next to no CPU time from the short ones beside
 * them. (Not SCHED_IDLE: under a steady load that would starve the route,
 * even on its way out after the kill at its limit.) */
static outcome collect(int fd, pid_t pid, char *resp, size_t *len,
                       int64_t deadline, bool *demoted) {
  /* A started route has spent CPU time on earlier requests: this one's is
   * what it spends from here. */
  int64_t cpu0 = cpu_ms(pid);
  *demoted = false;
  *len = 0;
  for (;;) {
    int64_t slice = now_ms() + CHECK_MS;
    bool early = !*demoted && slice < deadline;
    int r = wait_fd(fd, POLLIN, early ? slice : deadline);
    if (r == 0 && early) {
      if (cpu_ms(pid) - cpu0 >= DEMOTE_CPU_MS)
        *demoted = setpriority(PRIO_PGRP, (id_t)pid, 19) == 0;
      continue;
    }
    if (r == 0)
      return RAN_TIMEOUT;
    if (r < 0)
      return RAN_FAILED;
    if (*len == MAX_RESPONSE) {
      char probe;
      ssize_t n = read(fd, &probe, 1);
      if (n == 0)
        return RAN_OK;
      if (n > 0)
        return RAN_TOO_BIG;
      if (errno != EINTR && errno != EAGAIN)
        return RAN_FAILED;
      continue;
    }
    ssize_t n = read(fd, resp + *len, MAX_RESPONSE - *len);
    if (n == 0)
      return RAN_OK;
    if (n > 0)
      *len += (size_t)n;
    else if (errno != EINTR && errno != EAGAIN)
      return RAN_FAILED;
  }
}

/* Waits for the child until the deadline; 1 reaped (*status set), 0 not.
 * A route that closed its stdout is usually exiting: the pauses start
 * short (0.1 ms) and grow to 10 ms. */
static int reap(pid_t pid, int *status, int64_t deadline) {
  long pause_ns = 100 * 1000;
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid)
      return 1;
    if (r < 0 && errno != EINTR)
      return 1; /* not our child any more: nothing to wait for */
    if (now_ms() >= deadline)
      return 0;
    struct timespec pause = {0, pause_ns};
    nanosleep(&pause, NULL);
    pause_ns =
        pause_ns * 2 > 10 * 1000 * 1000 ? 10 * 1000 * 1000 : pause_ns * 2;
  }
}

/* Runs ROUTES/name for the selector; the response or an error item ends up
 * in resp (MAX_RESPONSE bytes), its length in *len. why gets a word for
 * the log. Returns the pid of a route killed and not yet reaped (or 0):
 * the caller answers and hangs up first and reaps it then, since a killed
 * route at nice 19 on a busy machine may take a while to die. */
static pid_t run_route(const config *cfg, char **env, pool *pl,
                       const char *name, const char *sel, char *resp,
                       size_t *len, char *why, size_t why_cap,
                       int64_t deadline) {
  char path[4096], msg[MAX_SELECTOR + 64];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", cfg->routes, name);
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK)) {
    snprintf(msg, sizeof msg, "'%s' not found", sel);
    *len = error_item(resp, MAX_RESPONSE, msg);
    snprintf(why, why_cap, "no route");
    return 0;
  }
  int in, out;
  proc *p = route_proc(pl, env, name, path, &st);
  if (p && send_request(p, &in, &out) != 0) {
    retire(p); /* it died between requests: once more, freshly started */
    p = route_proc(pl, env, name, path, &st);
    if (p && send_request(p, &in, &out) != 0) {
      retire(p);
      p = NULL;
    }
  }
  if (!p) {
    snprintf(why, why_cap, "spawn: %s", strerror(errno));
    *len = error_item(resp, MAX_RESPONSE, "server error: cannot start route");
    return 0;
  }
  pid_t pid = p->pid;
  /* Small enough for the pipe's buffer: never blocks. A route that exits
   * without reading makes this EPIPE, which is fine. */
  char request[MAX_SELECTOR + 320];
  int n = snprintf(request, sizeof request, "%s\n%s\t%u\n", sel, cfg->host,
                   cfg->port);
  if (n > 0 && write(in, request, (size_t)n) < 0 && errno != EPIPE)
    perror("gopherd: write to route");
  close(in);

  bool demoted;
  outcome oc = collect(out, pid, resp, len, deadline, &demoted);
  close(out);
  int status = 0, got = oc == RAN_OK ? answer(p, &status, deadline) : -1;
  pid_t killed = 0;
  if (got == 0) {
    /* The process ended (a time limit, a crash): its status is its exit
     * status. One that exits 0 without answering serves nothing. */
    close(p->ctl);
    p->name[0] = '\0';
    if (!reap(pid, &status, deadline)) {
      kill(-pid, SIGKILL);
      killed = pid;
      oc = RAN_TIMEOUT;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      status = W_EXITCODE(1, 0);
    }
  } else if (got < 0 || demoted) {
    /* Past the deadline, or at nice 19, which only a privileged process
     * could undo: the process goes, a fresh one serves the next request.
     * Reaped after the answer is sent (the caller). */
    close(p->ctl);
    p->name[0] = '\0';
    kill(-pid, SIGKILL);
    killed = pid;
    if (got < 0 && (oc == RAN_OK || oc == RAN_FAILED))
      oc = RAN_TIMEOUT;
  }
  if (oc == RAN_TIMEOUT) {
    snprintf(why, why_cap, "timed out, killed");
    snprintf(msg, sizeof msg, "route %s timed out after %d s", name,
             cfg->seconds);
  } else if (oc == RAN_TOO_BIG) {
    snprintf(why, why_cap, "response too big");
    snprintf(msg, sizeof msg, "route %s answered more than %d bytes", name,
             MAX_RESPONSE);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    snprintf(why, why_cap, "ok");
    return 0;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == LIMIT_TIME) {
    snprintf(why, why_cap, "timed out");
    snprintf(msg, sizeof msg, "route %s timed out after %d s", name,
             cfg->seconds);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == LIMIT_CPU) {
    snprintf(why, why_cap, "out of CPU time");
    snprintf(msg, sizeof msg, "route %s ran out of CPU time", name);
  } else if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    bool trap = code >= 201 && code <= 209;
    snprintf(why, why_cap, "exit status %d%s", code, trap ? " (trap)" : "");
    snprintf(msg, sizeof msg, "route %s %s (exit status %d)", name,
             trap ? "trapped" : "failed", code);
  } else {
    snprintf(why, why_cap, "signal %d", WTERMSIG(status));
    snprintf(msg, sizeof msg, "route %s was killed by signal %d", name,
             WTERMSIG(status));
  }
  *len = error_item(resp, MAX_RESPONSE, msg);
  return killed;
}

/* ---- the workers --------------------------------------------------------*/

/* A connection whose selector has been read (or has failed to come). */
typedef struct job {
  int fd;
  bool ok; /* sel holds the selector; else the client sent none in time */
  char sel[MAX_SELECTOR + 3];
} job;

/* What the main thread and the workers share. open counts the connections
 * accepted and not yet closed; the queue never holds more than that, so
 * it never fills. A worker that closes one writes a byte to wake, so that a
 * main thread waiting at MAX_CONNS accepts again. */
typedef struct server {
  const config *cfg;
  char **env;
  pthread_mutex_t lock;
  pthread_cond_t ready;
  pthread_cond_t up; /* a worker has started its routes */
  job queue[MAX_CONNS];
  int head, queued, open;
  int started; /* workers with their routes started */
  int wake[2];
} server;

static void push_job(server *sv, const job *j) {
  pthread_mutex_lock(&sv->lock);
  sv->queue[(sv->head + sv->queued) % MAX_CONNS] = *j;
  sv->queued++;
  pthread_cond_signal(&sv->ready);
  pthread_mutex_unlock(&sv->lock);
}

static void pop_job(server *sv, job *j) {
  pthread_mutex_lock(&sv->lock);
  while (sv->queued == 0)
    pthread_cond_wait(&sv->ready, &sv->lock);
  *j = sv->queue[sv->head];
  sv->head = (sv->head + 1) % MAX_CONNS;
  sv->queued--;
  pthread_mutex_unlock(&sv->lock);
}

static int open_count(server *sv, int change) {
  pthread_mutex_lock(&sv->lock);
  int n = sv->open += change;
  pthread_mutex_unlock(&sv->lock);
  return n;
}

/* Answers one selector: runs its route within the time limit, then sends
 * the answer within a fresh one. Returns the pid of a killed route still
 * to be reaped, or 0 (see run_route). */
static pid_t serve(const config *cfg, char **env, pool *pl, job *j,
                   char *resp) {
  int64_t deadline = now_ms() + (int64_t)cfg->seconds * 1000 + BACKSTOP_MS;
  char name[MAX_ROUTE_NAME + 1], why[128];
  size_t len;
  pid_t killed = 0;
  if (!j->ok) {
    len = error_item(resp, MAX_RESPONSE,
                     "bad request: expected a selector "
                     "line ending in CRLF");
    snprintf(why, sizeof why, "bad request");
    snprintf(j->sel, sizeof j->sel, "?");
  } else if (!route_name(j->sel, name)) {
    char msg[MAX_SELECTOR + 32];
    snprintf(msg, sizeof msg, "'%s' not found", j->sel);
    len = error_item(resp, MAX_RESPONSE, msg);
    snprintf(why, sizeof why, "no route");
  } else {
    killed = run_route(cfg, env, pl, name, j->sel, resp, &len, why, sizeof why,
                       deadline);
  }
  /* Sending gets its own time limit: the route may have used all of it. */
  if (!send_all(j->fd, resp, len, now_ms() + (int64_t)cfg->seconds * 1000))
    snprintf(why + strlen(why), sizeof why - strlen(why), ", send failed");
  fprintf(stderr, "gopherd: \"%s\": %s, %zu bytes\n", j->sel, why, len);
  return killed;
}

/* Ends a connection after the answer. Bytes the client sent beyond the
 * selector line are read and dropped first: closing a socket with unread
 * input resets the connection, which can destroy the answer still in
 * flight to the client. */
static void hang_up(int fd) {
  char junk[4096];
  shutdown(fd, SHUT_WR);
  for (int i = 0; i < 16 && read(fd, junk, sizeof junk) > 0; i++)
    ;
  close(fd);
}

/* Starts the routes of the routes folder (as many as a worker keeps)
 * before the worker's first request: no client waits for a route's start
 * (at 50 concurrent clients, the first 2,000 requests had a p99 four
 * times that of the next while 32 workers started their routes). */
static void prestart(const config *cfg, char **env, pool *pl) {
  DIR *d = opendir(cfg->routes);
  struct dirent *e;
  int n = 0;
  while (d && n < PROCS_PER_WORKER && (e = readdir(d))) {
    char name[MAX_ROUTE_NAME + 1], path[4096];
    struct stat st;
    if (!route_name(e->d_name, name) || strcmp(name, e->d_name))
      continue;
    snprintf(path, sizeof path, "%s/%s", cfg->routes, name);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && !access(path, X_OK) &&
        route_proc(pl, env, name, path, &st))
      n++;
  }
  if (d)
    closedir(d);
}

static void *worker(void *arg) {
  server *sv = arg;
  char *resp = malloc(MAX_RESPONSE);
  pool *pl = calloc(1, sizeof *pl);
  if (!resp || !pl) {
    fprintf(stderr, "gopherd: out of memory\n");
    exit(1);
  }
  prestart(sv->cfg, sv->env, pl);
  pthread_mutex_lock(&sv->lock);
  sv->started++;
  pthread_cond_signal(&sv->up);
  pthread_mutex_unlock(&sv->lock);
  for (;;) {
    job j;
    pop_job(sv, &j);
    pid_t killed = serve(sv->cfg, sv->env, pl, &j, resp);
    hang_up(j.fd);
    if (killed > 0)
      waitpid(killed, NULL, 0);
    open_count(sv, -1);
    char byte = 0;
    if (write(sv->wake[1], &byte, 1) < 0 && errno != EAGAIN)
      perror("gopherd: wake");
  }
  return NULL;
}

/* ---- the main thread: accepting and reading selectors
 * ----------------------*/

/* Accepts what is waiting, up to MAX_CONNS open connections. */
static void accept_new(server *sv, int lfd, conn *conns, int *n) {
  while (*n < MAX_CONNS && open_count(sv, 0) < MAX_CONNS) {
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        perror("gopherd: accept");
        struct timespec pause = {0, 100 * 1000 * 1000}; /* do not spin */
        nanosleep(&pause, NULL);
      }
      return; /* EAGAIN: nothing more waiting */
    }
    open_count(sv, +1);
    conns[(*n)++] = (conn){
        .fd = fd, .deadline = now_ms() + (int64_t)sv->cfg->read_seconds * 1000};
  }
}

/* Hands connection i to the workers (ok: its selector is complete) and
 * drops it from the list. */
static void dispatch(server *sv, conn *conns, int *n, int i, bool ok) {
  job j = {.fd = conns[i].fd, .ok = ok};
  if (ok)
    memcpy(j.sel, conns[i].sel, strlen(conns[i].sel) + 1);
  push_job(sv, &j);
  conns[i] = conns[--*n];
}

static void serve_forever(server *sv, int lfd) {
  static conn conns[MAX_CONNS];
  static struct pollfd pfd[MAX_CONNS + 2];
  int n = 0;
  for (;;) {
    bool can_accept = open_count(sv, 0) < MAX_CONNS;
    int64_t next = now_ms() + 60000;
    int np = 0;
    pfd[np++] = (struct pollfd){.fd = sv->wake[0], .events = POLLIN};
    pfd[np++] = (struct pollfd){.fd = can_accept ? lfd : -1, .events = POLLIN};
    for (int i = 0; i < n; i++) {
      pfd[np++] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
      if (conns[i].deadline < next)
        next = conns[i].deadline;
    }
    if (poll(pfd, (nfds_t)np, left_ms(next)) < 0 && errno != EINTR) {
      perror("gopherd: poll");
      sleep(1);
      continue;
    }
    char drain[64];
    while (read(sv->wake[0], drain, sizeof drain) > 0)
      ;
    /* Backwards, so that the swap in dispatch moves a connection already
     * looked at. */
    for (int i = n - 1; i >= 0; i--) {
      int r = pfd[2 + i].revents ? read_step(&conns[i]) : 0;
      if (r == 0 && now_ms() >= conns[i].deadline)
        r = -1;
      if (r != 0)
        dispatch(sv, conns, &n, i, r > 0);
    }
    if (can_accept && pfd[1].revents)
      accept_new(sv, lfd, conns, &n);
  }
}

/* ---- main ----------------------------------------------------------------*/

static int listen_on(unsigned port, unsigned *bound) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(fd, MAX_CONNS) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
    close(fd);
    return -1;
  }
  *bound = ntohs(a.sin_port);
  return fd;
}

static int usage(void) {
  fprintf(stderr, "usage: gopherd [-t SECONDS] [-r SECONDS] [-w WORKERS] "
                  "[-R ROUTES] [-J JAIL] [-H HOST] [PORT]\n");
  return 2;
}

/* A whole number in [lo, hi] from text, or -1. */
static long number(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  return errno || end == s || *end || v < lo || v > hi ? -1 : v;
}

/* Reads the options into cfg and *port; false on a usage error. */
static bool parse_args(int argc, char **argv, config *cfg, long *port) {
  int opt;
  while ((opt = getopt(argc, argv, "t:r:w:R:J:H:")) != -1) {
    switch (opt) {
    case 't':
      if ((cfg->seconds = (int)number(optarg, 1, 3600)) < 0)
        return false;
      break;
    case 'r':
      if ((cfg->read_seconds = (int)number(optarg, 1, 3600)) < 0)
        return false;
      break;
    case 'w':
      if ((cfg->workers = (int)number(optarg, 1, MAX_WORKERS)) < 0)
        return false;
      break;
    case 'R':
      cfg->routes = optarg;
      break;
    case 'J':
      cfg->jail = optarg;
      break;
    case 'H':
      cfg->host = optarg;
      break;
    default:
      return false;
    }
  }
  if (optind < argc - 1)
    return false;
  if (optind == argc - 1 && (*port = number(argv[optind], 0, 65535)) < 0)
    return false;
  if (cfg->read_seconds == 0)
    cfg->read_seconds = cfg->seconds;
  return true;
}

/* Starts the workers; false (after a message) when it cannot. */
static bool start_workers(server *sv) {
  if (pipe2(sv->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    perror("gopherd: pipe");
    return false;
  }
  for (int i = 0; i < sv->cfg->workers; i++) {
    pthread_t t;
    int err = pthread_create(&t, NULL, worker, sv);
    if (err) {
      fprintf(stderr, "gopherd: cannot start a worker: %s\n", strerror(err));
      return false;
    }
    pthread_detach(t);
  }
  /* "serving" once every route is started (connections wait meanwhile in
   * the listen queue). */
  pthread_mutex_lock(&sv->lock);
  while (sv->started < sv->cfg->workers)
    pthread_cond_wait(&sv->up, &sv->lock);
  pthread_mutex_unlock(&sv->lock);
  return true;
}

int main(int argc, char **argv) {
  config cfg = {.routes = "bin",
                .jail = "public",
                .host = "127.0.0.1",
                .seconds = 5,
                .workers = 32};
  long port = 7070;
  if (!parse_args(argc, argv, &cfg, &port))
    return usage();
  signal(SIGPIPE, SIG_IGN); /* a client that hangs up is not our death */
  static server sv = {.lock = PTHREAD_MUTEX_INITIALIZER,
                      .ready = PTHREAD_COND_INITIALIZER,
                      .up = PTHREAD_COND_INITIALIZER};
  sv.cfg = &cfg;
  sv.env = route_env(cfg.jail, cfg.seconds);
  if (!sv.env) {
    fprintf(stderr, "gopherd: out of memory\n");
    return 1;
  }
  int lfd = listen_on((unsigned)port, &cfg.port);
  if (lfd < 0) {
    fprintf(stderr, "gopherd: cannot listen on 127.0.0.1:%ld: %s\n", port,
            strerror(errno));
    return 1;
  }
  if (!start_workers(&sv))
    return 1;
  fprintf(stderr, "gopherd: serving %s on 127.0.0.1:%u (%d workers)\n",
          cfg.routes, cfg.port, cfg.workers);
  serve_forever(&sv, lfd);
}
