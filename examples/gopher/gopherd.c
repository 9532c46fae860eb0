/* gopherd: a Gopher server (RFC 1436) whose every route is a program that
 * daggercc compiled from WebAssembly.
 *
 *   gopherd [-t SECONDS] [-R ROUTES] [-J JAIL] [-H HOST] [PORT]
 *   (defaults: -t 5 -R bin -J public -H 127.0.0.1 7070)
 *
 * Listens on 127.0.0.1:PORT (default 7070; 0 picks a free port) and serves
 * one request at a time. A request is a selector line ending in CRLF (at
 * most MAX_SELECTOR bytes). Its first path segment names the route: "" and
 * "/" are ROUTES/index, "/NAME" and "/NAME/..." are ROUTES/NAME, where NAME
 * is letters, digits, '-' and '_'. The route runs as a child process
 * (posix_spawn, no shell, in a process group of its own, DAGGER_ROOT=JAIL)
 * with the selector line and then "HOST<TAB>PORT" on its stdin, so that it
 * can write menu items that point back here; what it writes on stdout is
 * the response, sent only when it exits with status 0. A route that fails
 * (a trap exits 201..209), runs past SECONDS (default 5: the whole process
 * group is killed), or writes more than MAX_RESPONSE bytes gets the client
 * a Gopher error item ("3...") instead, and the server goes on serving.
 * The route's stderr (a trap's report) goes to the server's stderr, with a
 * log line per request. -H names the host that the routes' menus point
 * to; the server itself listens on loopback only.
 *
 * Every wait is bounded by the same deadline: reading the selector,
 * running the route, sending the response to a client that does not read.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_SELECTOR 1024
#define MAX_RESPONSE (1 << 20)
#define MAX_ROUTE_NAME 64

typedef struct config {
  const char *routes; /* directory of compiled routes */
  const char *jail;   /* DAGGER_ROOT of the routes */
  const char *host;   /* host name that menus advertise */
  int seconds;        /* per-request time limit */
  unsigned port;      /* the port actually bound */
} config;

/* What running a route came to. */
typedef enum outcome { RAN_OK, RAN_FAILED, RAN_TIMEOUT, RAN_TOO_BIG } outcome;

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

static int set_cloexec(int fd) {
  int flags = fcntl(fd, F_GETFD);
  return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static int set_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

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

/* Reads the selector line (without its CRLF) into sel. Returns its length,
 * or -1 when the client sends no complete, acceptable line in time. */
static long read_selector(int fd, char *sel, int64_t deadline) {
  size_t n = 0;
  for (;;) {
    if (wait_fd(fd, POLLIN, deadline) <= 0)
      return -1;
    ssize_t got = read(fd, sel + n, MAX_SELECTOR + 2 - n);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (got <= 0)
      return -1;
    n += (size_t)got;
    char *nl = memchr(sel, '\n', n);
    if (nl) {
      size_t len = (size_t)(nl - sel);
      if (len && sel[len - 1] == '\r')
        len--;
      for (size_t i = 0; i < len; i++)
        if ((unsigned char)sel[i] < 0x20 && sel[i] != '\t')
          return -1;
      sel[len] = '\0';
      return len <= MAX_SELECTOR ? (long)len : -1;
    }
    if (n >= MAX_SELECTOR + 2)
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

/* The environment of the routes: ours with DAGGER_ROOT=jail. */
static char **route_env(const char *jail) {
  size_t n = 0;
  while (environ[n])
    n++;
  char **env = calloc(n + 2, sizeof *env);
  size_t len = strlen("DAGGER_ROOT=") + strlen(jail) + 1;
  char *root = malloc(len);
  if (!env || !root) {
    free(env);
    free(root);
    return NULL;
  }
  snprintf(root, len, "DAGGER_ROOT=%s", jail);
  size_t k = 0;
  env[k++] = root;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "DAGGER_ROOT=", 12) != 0)
      env[k++] = environ[i];
  env[k] = NULL;
  return env;
}

/* Starts path with its stdin and stdout on new pipes; *in and *out get our
 * ends. Returns the child's pid, or -1. */
static pid_t spawn_route(const char *path, char **env, int *in, int *out) {
  int pin[2], pout[2];
  if (pipe(pin) != 0)
    return -1;
  if (pipe(pout) != 0) {
    close(pin[0]), close(pin[1]);
    return -1;
  }
  set_cloexec(pin[1]);
  set_cloexec(pout[0]);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t dflt;
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGPIPE); /* ignored here, default in the route */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
  posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
  posix_spawn_file_actions_addclose(&fa, pin[0]);
  posix_spawn_file_actions_addclose(&fa, pout[1]);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  char *argv[] = {(char *)path, NULL};
  pid_t pid;
  int err = posix_spawn(&pid, path, &fa, &attr, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(pin[0]);
  close(pout[1]);
  if (err) {
    close(pin[1]), close(pout[0]);
    errno = err;
    return -1;
  }
  *in = pin[1];
  *out = pout[0];
  return pid;
}

/* Reads the route's stdout into resp until end of file, the deadline or
 * MAX_RESPONSE bytes. */
static outcome collect(int fd, char *resp, size_t *len, int64_t deadline) {
  *len = 0;
  for (;;) {
    int r = wait_fd(fd, POLLIN, deadline);
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

/* Waits for the child until the deadline; 1 reaped (*status set), 0 not. */
static int reap(pid_t pid, int *status, int64_t deadline) {
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid)
      return 1;
    if (r < 0 && errno != EINTR)
      return 1; /* not our child any more: nothing to wait for */
    if (now_ms() >= deadline)
      return 0;
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
}

/* Runs ROUTES/name for the selector; the response or an error item ends up
 * in resp (MAX_RESPONSE bytes), its length in *len. why gets a word for
 * the log. */
static void run_route(const config *cfg, char **env, const char *name,
                      const char *sel, char *resp, size_t *len, char *why,
                      size_t why_cap, int64_t deadline) {
  char path[4096], msg[600];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", cfg->routes, name);
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK)) {
    snprintf(msg, sizeof msg, "'%s' not found", sel);
    *len = error_item(resp, MAX_RESPONSE, msg);
    snprintf(why, why_cap, "no route");
    return;
  }
  int in, out;
  pid_t pid = spawn_route(path, env, &in, &out);
  if (pid < 0) {
    snprintf(why, why_cap, "spawn: %s", strerror(errno));
    *len = error_item(resp, MAX_RESPONSE, "server error: cannot start route");
    return;
  }
  /* Small enough for the pipe's buffer: never blocks. A route that exits
   * without reading makes this EPIPE, which is fine. */
  char request[MAX_SELECTOR + 320];
  int n = snprintf(request, sizeof request, "%s\n%s\t%u\n", sel, cfg->host,
                   cfg->port);
  if (n > 0 && write(in, request, (size_t)n) < 0 && errno != EPIPE)
    perror("gopherd: write to route");
  close(in);

  outcome oc = collect(out, resp, len, deadline);
  close(out);
  int status = 0;
  if (oc != RAN_OK || !reap(pid, &status, deadline)) {
    kill(-pid, SIGKILL); /* the whole group: the route and any children */
    waitpid(pid, &status, 0);
    if (oc == RAN_OK || oc == RAN_FAILED)
      oc = RAN_TIMEOUT;
  }
  if (oc == RAN_TIMEOUT) {
    snprintf(why, why_cap, "timed out");
    snprintf(msg, sizeof msg, "route %s timed out after %d s", name,
             cfg->seconds);
  } else if (oc == RAN_TOO_BIG) {
    snprintf(why, why_cap, "response too big");
    snprintf(msg, sizeof msg, "route %s answered more than %d bytes", name,
             MAX_RESPONSE);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    snprintf(why, why_cap, "ok");
    return;
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
}

/* Serves one connection, start to end, within the time limit. */
static void serve(const config *cfg, char **env, int fd, char *resp) {
  int64_t deadline = now_ms() + (int64_t)cfg->seconds * 1000;
  char sel[MAX_SELECTOR + 3], name[MAX_ROUTE_NAME + 1], why[128];
  size_t len;
  set_cloexec(fd);
  set_nonblock(fd);
  if (read_selector(fd, sel, deadline) < 0) {
    len = error_item(resp, MAX_RESPONSE,
                     "bad request: expected a selector "
                     "line ending in CRLF");
    snprintf(why, sizeof why, "bad request");
    snprintf(sel, sizeof sel, "?");
  } else if (!route_name(sel, name)) {
    char msg[MAX_SELECTOR + 32];
    snprintf(msg, sizeof msg, "'%s' not found", sel);
    len = error_item(resp, MAX_RESPONSE, msg);
    snprintf(why, sizeof why, "no route");
  } else {
    run_route(cfg, env, name, sel, resp, &len, why, sizeof why, deadline);
  }
  /* Sending gets its own time limit: the route may have used all of it. */
  if (!send_all(fd, resp, len, now_ms() + (int64_t)cfg->seconds * 1000))
    snprintf(why + strlen(why), sizeof why - strlen(why), ", send failed");
  fprintf(stderr, "gopherd: \"%s\": %s, %zu bytes\n", sel, why, len);
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

/* ---- main ----------------------------------------------------------------*/

static int listen_on(unsigned port, unsigned *bound) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
    close(fd);
    return -1;
  }
  set_cloexec(fd);
  *bound = ntohs(a.sin_port);
  return fd;
}

static int usage(void) {
  fprintf(stderr, "usage: gopherd [-t SECONDS] [-R ROUTES] [-J JAIL] [-H HOST] "
                  "[PORT]\n");
  return 2;
}

/* A whole number in [lo, hi] from text, or -1. */
static long number(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  return errno || end == s || *end || v < lo || v > hi ? -1 : v;
}

int main(int argc, char **argv) {
  config cfg = {
      .routes = "bin", .jail = "public", .host = "127.0.0.1", .seconds = 5};
  long port = 7070;
  int opt;
  while ((opt = getopt(argc, argv, "t:R:J:H:")) != -1) {
    switch (opt) {
    case 't':
      if ((cfg.seconds = (int)number(optarg, 1, 3600)) < 0)
        return usage();
      break;
    case 'R':
      cfg.routes = optarg;
      break;
    case 'J':
      cfg.jail = optarg;
      break;
    case 'H':
      cfg.host = optarg;
      break;
    default:
      return usage();
    }
  }
  if (optind < argc - 1)
    return usage();
  if (optind == argc - 1 && (port = number(argv[optind], 0, 65535)) < 0)
    return usage();

  signal(SIGPIPE, SIG_IGN); /* a client that hangs up is not our death */
  char **env = route_env(cfg.jail);
  char *resp = malloc(MAX_RESPONSE);
  if (!env || !resp) {
    fprintf(stderr, "gopherd: out of memory\n");
    return 1;
  }
  int lfd = listen_on((unsigned)port, &cfg.port);
  if (lfd < 0) {
    fprintf(stderr, "gopherd: cannot listen on 127.0.0.1:%ld: %s\n", port,
            strerror(errno));
    return 1;
  }
  fprintf(stderr, "gopherd: serving %s on 127.0.0.1:%u\n", cfg.routes,
          cfg.port);
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
      if (errno != EINTR && errno != ECONNABORTED) {
        perror("gopherd: accept");
        sleep(1); /* e.g. out of descriptors: do not spin */
      }
      continue;
    }
    serve(&cfg, env, fd, resp);
    hang_up(fd);
  }
}
