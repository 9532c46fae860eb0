/* Running tools and keeping track of temporary files.
 *
 * Tools are spawned with argv arrays (posix_spawnp), never through a shell,
 * and every child's status is checked; a child killed by a signal is
 * reported by the signal's name.
 *
 * Every temporary file and directory is registered as it is created (the
 * registry of chibicc's driver). dgc_tmp_cleanup removes whatever is still
 * registered using only async-signal-safe calls, so the driver runs it at
 * exit and from its SIGINT/SIGTERM handler alike. */
#include "compiler.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- printing commands (-v) ------------------------------------------- */

static bool shell_safe(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789_@%+=:,./-",
                *s))
      return false;
  return true;
}

static bool has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return true;
  return false;
}

/* A word with control characters as $'...' (bash, ksh, zsh; POSIX.1-2024
 * sh), so that the command stays one line and shows them. */
static void put_dollar_quoted(FILE *out, const char *s) {
  fputs("$'", out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f)
      fprintf(out, "\\x%02x", c);
    else if (c == '\\' || c == '\'')
      fprintf(out, "\\%c", c);
    else
      fputc(c, out);
  }
  fputc('\'', out);
}

static void put_quoted(FILE *out, const char *s) {
  if (shell_safe(s)) {
    fputs(s, out);
    return;
  }
  if (has_control(s)) {
    put_dollar_quoted(out, s);
    return;
  }
  fputc('\'', out);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", out);
    else
      fputc(*s, out);
  }
  fputc('\'', out);
}

void dgc_print_command(FILE *out, char *const *argv) {
  for (size_t i = 0; argv[i]; i++) {
    if (i > 0)
      fputc(' ', out);
    put_quoted(out, argv[i]);
  }
  fputc('\n', out);
  fflush(out);
}

/* ---- running a tool --------------------------------------------------- */

/* The running children (several while shards compile in parallel), each
 * the leader of a process group of its own: a C compiler driver runs cc1,
 * as, ld as children of its own, and ending only the driver would leave
 * them running. A slot is 0 when free. */
static volatile pid_t running[DGC_MAX_JOBS];

static void track_child(pid_t pid) {
  for (int i = 0; i < DGC_MAX_JOBS; i++)
    if (running[i] == 0) {
      running[i] = pid;
      return;
    }
}

static void untrack_child(pid_t pid) {
  for (int i = 0; i < DGC_MAX_JOBS; i++)
    if (running[i] == pid)
      running[i] = 0;
}

void dgc_kill_child(int sig) {
  int status;

  for (int i = 0; i < DGC_MAX_JOBS; i++) {
    pid_t pid = running[i];
    if (pid <= 0)
      continue;
    kill(-pid, sig);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
    /* The leader is gone; whatever of its group ignored or outlived sig (a
     * shell's background job ignores SIGINT) goes now. The group's id
     * stays reserved while any member lives, so this reaches no one else. */
    kill(-pid, SIGKILL);
    running[i] = 0;
  }
}

static const char *signal_name(int sig, char *buf, size_t size) {
  static const struct {
    int sig;
    const char *name;
  } names[] = {
      {SIGABRT, "SIGABRT"}, {SIGALRM, "SIGALRM"}, {SIGBUS, "SIGBUS"},
      {SIGFPE, "SIGFPE"},   {SIGHUP, "SIGHUP"},   {SIGILL, "SIGILL"},
      {SIGINT, "SIGINT"},   {SIGKILL, "SIGKILL"}, {SIGPIPE, "SIGPIPE"},
      {SIGQUIT, "SIGQUIT"}, {SIGSEGV, "SIGSEGV"}, {SIGTERM, "SIGTERM"},
      {SIGTRAP, "SIGTRAP"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
      {SIGSYS, "SIGSYS"},
  };

  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].sig == sig)
      return names[i].name;
  snprintf(buf, size, "signal %d", sig);
  return buf;
}

/* Reads the child's stderr until it closes it. */
static char *slurp(int fd) {
  size_t n = 0, cap = 4096;
  char *buf = malloc(cap), *grown;
  ssize_t got;

  while (buf) {
    if (n + 1 == cap) {
      grown = realloc(buf, cap *= 2);
      if (!grown)
        free(buf);
      buf = grown;
      continue;
    }
    got = read(fd, buf + n, cap - n - 1);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    n += (size_t)got;
  }
  if (buf)
    buf[n] = '\0';
  return buf;
}

static int exit_status(int status, const char *tool, dgc_diag *d);

static int wait_child(pid_t pid, const char *tool, dgc_diag *d) {
  int status;

  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      untrack_child(pid);
      return dgc_fail(d, "%s: cannot wait: %s", tool, strerror(errno));
    }
  }
  untrack_child(pid);
  return exit_status(status, tool, d);
}

/* A waited-for child's status: its exit status, or -1 with a message. */
static int exit_status(int status, const char *tool, dgc_diag *d) {
  char buf[32];

  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return dgc_fail(d, "%s: killed by %s", tool,
                    signal_name(WTERMSIG(status), buf, sizeof buf));
  return dgc_fail(d, "%s: stopped abnormally", tool);
}

/* The signals the driver handles: blocked while a child starts, so that
 * none arrives between the fork and the child being tracked. */
static void handled_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGHUP);
}

/* The child: its own process group, the signal mask daggercc started with,
 * and stdin from /dev/null (a background group reading the terminal would
 * stop). */
static int spawn_setup(posix_spawnattr_t *at, posix_spawn_file_actions_t *fa,
                       const sigset_t *mask, int err_fd, int close_fd) {
  int rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP |
                                            POSIX_SPAWN_SETSIGMASK);

  if (rc == 0)
    rc = posix_spawnattr_setpgroup(at, 0);
  if (rc == 0)
    rc = posix_spawnattr_setsigmask(at, mask);
  if (rc == 0)
    rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0 && err_fd >= 0)
    rc = posix_spawn_file_actions_adddup2(fa, err_fd, 2);
  if (rc == 0 && err_fd >= 0)
    rc = posix_spawn_file_actions_addclose(fa, close_fd);
  return rc;
}

static int spawn(pid_t *pid, char *const *argv, int err_fd, int close_fd) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t block, old;
  int rc;

  if ((rc = posix_spawnattr_init(&at)) != 0)
    return rc;
  if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
    posix_spawnattr_destroy(&at);
    return rc;
  }
  handled_signals(&block);
  sigprocmask(SIG_BLOCK, &block, &old);
  rc = spawn_setup(&at, &fa, &old, err_fd, close_fd);
  if (rc == 0)
    rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
  if (rc == 0)
    track_child(*pid);
  sigprocmask(SIG_SETMASK, &old, NULL);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  return rc;
}

/* Close-on-exec, so that no other child holds the write end open. */
static int make_pipe(int fds[2]) {
  if (pipe(fds) != 0)
    return -1;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return 0;
}

int dgc_run(char *const *argv, bool verbose, char **capture, dgc_diag *d) {
  int fds[2] = {-1, -1}, rc;
  pid_t pid;

  if (verbose)
    dgc_print_command(stderr, argv);
  if (capture && make_pipe(fds) != 0)
    return dgc_fail(d, "cannot create a pipe: %s", strerror(errno));
  fflush(stderr);
  rc = spawn(&pid, argv, fds[1], fds[0]);
  if (capture)
    close(fds[1]);
  if (rc != 0) {
    if (capture)
      close(fds[0]);
    return dgc_fail(d, "cannot run %s: %s", argv[0], strerror(rc));
  }
  if (capture) {
    *capture = slurp(fds[0]);
    close(fds[0]);
  }
  rc = wait_child(pid, argv[0], d);
  if (capture && !*capture && rc >= 0)
    return dgc_fail(d, "out of memory");
  return rc;
}

/* Starts cmds[next], printing it first under verbose. */
static int start(char *const *argv, bool verbose, pid_t *pid, dgc_diag *d) {
  int rc;

  if (verbose)
    dgc_print_command(stderr, argv);
  fflush(stderr);
  rc = spawn(pid, argv, -1, -1);
  return rc == 0 ? 0 : dgc_fail(d, "cannot run %s: %s", argv[0], strerror(rc));
}

int dgc_run_parallel(char **const *cmds, size_t n, unsigned jobs, bool verbose,
                     void (*done)(void *ctx, size_t i), void *ctx,
                     dgc_diag *d) {
  pid_t pids[DGC_MAX_JOBS];
  size_t index[DGC_MAX_JOBS], next = 0;
  unsigned live = 0;
  int rc = 0;

  if (jobs == 0 || jobs > DGC_MAX_JOBS)
    jobs = jobs ? DGC_MAX_JOBS : 1;
  for (;;) {
    /* After a failure nothing new starts; the running ones finish. */
    while (rc == 0 && next < n && live < jobs) {
      if (start(cmds[next], verbose, &pids[live], d) != 0) {
        rc = -1;
        break;
      }
      index[live++] = next++;
    }
    if (live == 0)
      return rc;
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR)
        continue;
      return dgc_fail(d, "cannot wait: %s", strerror(errno));
    }
    for (unsigned k = 0; k < live; k++) {
      if (pids[k] != pid)
        continue;
      size_t i = index[k];
      untrack_child(pid);
      pids[k] = pids[--live];
      index[k] = index[live];
      dgc_diag inner;
      int st = exit_status(status, cmds[i][0], &inner);
      if (st != 0 && rc == 0)
        rc = st < 0 ? dgc_fail(d, "%s", inner.msg)
                    : dgc_fail(d, "%s failed (exit status %d)", cmds[i][0], st);
      else if (st == 0 && done)
        done(ctx, i);
      break;
    }
  }
}

/* ---- temporary files -------------------------------------------------- */

enum { MAX_TMP = 4096 }; /* a runtime build registers ~30, a shard 2 */

static struct {
  char *path;
  bool dir;
  volatile sig_atomic_t live;
} tmps[MAX_TMP];
static volatile sig_atomic_t ntmps;

/* Registers path (owned by the registry from then on); false when full.
 * The entry is complete before the count makes it visible to a handler. */
static bool track(char *path, bool dir) {
  if (ntmps == MAX_TMP)
    return false;
  tmps[ntmps].path = path;
  tmps[ntmps].dir = dir;
  tmps[ntmps].live = 1;
  ntmps++;
  return true;
}

void dgc_tmp_cleanup(void) {
  /* Newest first: a directory's files go before the directory. */
  for (sig_atomic_t i = ntmps; i-- > 0;) {
    if (!tmps[i].live)
      continue;
    tmps[i].live = 0;
    if (tmps[i].dir)
      rmdir(tmps[i].path);
    else
      unlink(tmps[i].path);
  }
}

void dgc_tmp_reset(void) {
  sig_atomic_t n = ntmps;

  dgc_tmp_cleanup();
  ntmps = 0;
  for (sig_atomic_t i = 0; i < n; i++)
    free(tmps[i].path);
}

void dgc_tmp_keep(const char *path) {
  for (sig_atomic_t i = 0; i < ntmps; i++)
    if (tmps[i].live && strcmp(tmps[i].path, path) == 0)
      tmps[i].live = 0;
}

static char *concat(const char *a, const char *b, const char *c) {
  size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
  char *s = malloc(n);

  if (s)
    snprintf(s, n, "%s%s%s", a, b, c);
  return s;
}

int dgc_tmp_dir(const char *tmpdir, char **path, dgc_diag *d) {
  char *tmpl, real[PATH_MAX];

  if (!tmpdir || !*tmpdir)
    tmpdir = "/tmp";
  /* Absolute, so that no path handed to a tool looks like an option. */
  tmpl = concat(realpath(tmpdir, real) ? real : tmpdir, "/", "daggercc-XXXXXX");
  if (!tmpl)
    return dgc_fail(d, "out of memory");
  if (!mkdtemp(tmpl)) {
    int e = errno;
    free(tmpl);
    return dgc_fail(d, "cannot create a temporary directory in %s: %s", tmpdir,
                    strerror(e));
  }
  if (!track(tmpl, true)) {
    rmdir(tmpl);
    free(tmpl);
    return dgc_fail(d, "too many temporary files");
  }
  *path = tmpl;
  return 0;
}

char *dgc_tmp_path(const char *dir, const char *name) {
  char *path = concat(dir, "/", name);

  if (path && !track(path, false)) {
    free(path);
    path = NULL;
  }
  return path;
}

/* near's directory part and as much of its last component as leaves room
 * for the suffix within NAME_MAX: OUT.daggercc-XXXXXX, or a cut OUT for
 * a long name. */
static char *beside_template(const char *near) {
  static const char suffix[] = ".daggercc-XXXXXX";
  const char *base = strrchr(near, '/');
  size_t keep = strlen(near), room = NAME_MAX - (sizeof suffix - 1);
  char *tmpl;

  base = base ? base + 1 : near;
  if (strlen(base) > room)
    keep = (size_t)(base - near) + room;
  tmpl = malloc(keep + sizeof suffix);
  if (tmpl) {
    memcpy(tmpl, near, keep);
    memcpy(tmpl + keep, suffix, sizeof suffix);
  }
  return tmpl;
}

int dgc_tmp_beside(const char *near, char **path, dgc_diag *d) {
  char *tmpl = beside_template(near);
  int fd;

  if (!tmpl)
    return dgc_fail(d, "out of memory");
  fd = mkstemp(tmpl);
  if (fd < 0) {
    int e = errno;
    free(tmpl);
    return dgc_fail(d, "%s: cannot create the output: %s", near, strerror(e));
  }
  close(fd);
  if (!track(tmpl, false)) {
    unlink(tmpl);
    free(tmpl);
    return dgc_fail(d, "too many temporary files");
  }
  *path = tmpl;
  return 0;
}
