/* file:// streams in a real temporary jail, through the public API.
 *
 * The escape battery runs once per resolution path (openat2 and the openat
 * walk used where the kernel lacks openat2), so both are held to the same
 * rules. The tree made for each run:
 *   TOP/outside/secret            "SECRET" (must never be read)
 *   TOP/jail/a.txt                "hello"
 *   TOP/jail/sub/b.txt            "b"
 *   TOP/jail/dir/                 a directory
 *   TOP/jail/fifo                 a FIFO (must not hang an open)
 *   TOP/jail/link_out  -> ../outside/secret
 *   TOP/jail/link_in   -> a.txt   (inside, refused all the same)
 *   TOP/jail/sub_link  -> sub
 *   TOP/jail/dangling  -> ../outside/new */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt.h"

#define DATA_AT 65536u
#define DATA_MAX (1u << 20)
#define UNIT_GUEST_MEMORY (DATA_AT + DATA_MAX)
#include "unit.h"

static char top[PATH_MAX], jail[PATH_MAX * 2];

/* 0 or -1: also used before the tests run, outside any assertion. */
static int put_file(const char *rel, const char *text) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", top, rel);
  FILE *f = fopen(p, "w");
  if (!f)
    return -1;
  int r = fputs(text, f) < 0 ? -1 : 0;
  return fclose(f) != 0 ? -1 : r;
}

/* The whole file as text ("" when missing). */
static const char *get_file(const char *rel) {
  static char buf[256];
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", top, rel);
  buf[0] = '\0';
  FILE *f = fopen(p, "r");
  if (f) {
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
  }
  return buf;
}

static int at(const char *rel, char *out) {
  return snprintf(out, PATH_MAX * 2, "%s/%s", top, rel);
}

static int make_tree(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(top, sizeof top, "%s/dagger-file.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(top))
    return -1;
  chmod(top, 0755); /* the unprivileged child must reach the jail */
  char p[PATH_MAX * 2];
  const char *dirs[] = {"outside", "jail", "jail/sub", "jail/dir"};
  for (size_t i = 0; i < 4; i++) {
    at(dirs[i], p);
    if (mkdir(p, 0755) != 0)
      return -1;
  }
  snprintf(jail, sizeof jail, "%s/jail", top);
  if (put_file("outside/secret", "SECRET") || put_file("jail/a.txt", "hello") ||
      put_file("jail/sub/b.txt", "b"))
    return -1;
  at("jail/fifo", p);
  if (mkfifo(p, 0644) != 0)
    return -1;
  const char *links[][2] = {{"../outside/secret", "jail/link_out"},
                            {"a.txt", "jail/link_in"},
                            {"sub", "jail/sub_link"},
                            {"../outside/new", "jail/dangling"}};
  for (size_t i = 0; i < 4; i++) {
    at(links[i][1], p);
    if (symlink(links[i][0], p) != 0)
      return -1;
  }
  return 0;
}

static int rm_one(const char *p, const struct stat *st, int type,
                  struct FTW *f) {
  (void)st, (void)type, (void)f;
  return remove(p);
}

static int remove_tree(void) {
  return nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static dagger_rt *new_rt(const char *root) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test_file";
  cfg.jail_root = root;
  return guest_rt_new(&cfg);
}

static int32_t write_text(dagger_rt *rt, int32_t fd, const char *text) {
  memcpy(mem + DATA_AT, text, strlen(text));
  return dagger_write(rt, fd, DATA_AT, (uint32_t)strlen(text));
}

/* Reads to the end of the stream into out (NUL-terminated); returns the
 * length, or the first error. */
static int64_t read_all(dagger_rt *rt, int32_t fd, char *out, size_t size) {
  size_t n = 0;
  for (;;) {
    int32_t r = dagger_read(rt, fd, DATA_AT, 7); /* small: several reads */
    if (r < 0)
      return r;
    if (r == 0)
      break;
    if (n + (size_t)r < size)
      memcpy(out + n, mem + DATA_AT, (size_t)r);
    n += (size_t)r;
  }
  out[n < size ? n : size - 1] = '\0';
  return (int64_t)n;
}

/* Opens url; on success reads it all and closes. Returns the open's
 * result; *text gets the content. */
static int32_t open_read(dagger_rt *rt, const char *url, char *text,
                         size_t size) {
  text[0] = '\0';
  int32_t fd = open_url(rt, url);
  if (fd >= 0) {
    CU_ASSERT(read_all(rt, fd, text, size) >= 0);
    CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  }
  return fd;
}

static const struct {
  const char *url;
  int32_t want; /* 0: opens */
  const char *content;
} battery[] = {
    {"file:///a.txt", 0, "hello"},
    {"file:///sub/b.txt", 0, "b"},
    {"file:///./sub//b.txt", 0, "b"},
    {"file:///%61.txt", 0, "hello"},
    {"file:///a.txt#fragment", 0, "hello"},
    {"file:///../outside/secret", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///%2e%2e/outside/secret", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///%2E%2e/outside/secret", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///sub/%2E%2e/%2e%2E/outside/secret", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///sub/..%2F..%2Foutside%2Fsecret", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///sub/../a.txt", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///..", -DAGGER_NOT_PERMITTED, NULL},
    {"file:////etc/passwd", -DAGGER_NOT_FOUND, NULL},
    {"file:///%2fetc/passwd", -DAGGER_NOT_FOUND, NULL},
    {"file:///link_out", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///link_in", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///sub_link/b.txt", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///dangling", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///dangling?mode=w", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///link_out?mode=a", -DAGGER_NOT_PERMITTED, NULL},
    {"file:///dir", -DAGGER_UNSUPPORTED, NULL},
    {"file:///dir?mode=w", -DAGGER_UNSUPPORTED, NULL},
    {"file:///dir/", -DAGGER_UNSUPPORTED, NULL},
    {"file:///", -DAGGER_UNSUPPORTED, NULL},
    {"file:///.", -DAGGER_UNSUPPORTED, NULL},
    {"file:///fifo", -DAGGER_UNSUPPORTED, NULL},
    {"file:///fifo?mode=w", -DAGGER_UNSUPPORTED, NULL},
    {"file:///missing", -DAGGER_NOT_FOUND, NULL},
    {"file:///missing/x?mode=w", -DAGGER_NOT_FOUND, NULL},
    {"file:///a.txt/x", -DAGGER_NOT_FOUND, NULL},
    {"file://", -DAGGER_BAD_URL_INPUT, NULL},
    {"file://host/a.txt", -DAGGER_BAD_URL_INPUT, NULL},
    {"file://localhost/a.txt", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode=x", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode=rw", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode=", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mod=r", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode=r&mode=w", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a.txt?mode=%00", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a%00.txt", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a%zz", -DAGGER_BAD_URL_INPUT, NULL},
    {"file:///a%2", -DAGGER_BAD_URL_INPUT, NULL},
};

/* Whether this kernel has openat2 (5.6 and later, unless filtered). */
static bool have_openat2(void) {
  return syscall(SYS_openat2, AT_FDCWD, "", NULL, 0) < 0 && errno != ENOSYS;
}

static void run_battery(dagger_resolver how) {
  if (how == DAGGER_RESOLVE_OPENAT2 && !have_openat2()) {
    fprintf(stderr, "\nno openat2 on this kernel: only the walk is tested\n");
    return;
  }
  dagger_file_set_resolver(how);
  dagger_rt *rt = new_rt(jail);
  CU_ASSERT_FATAL(rt != NULL);
  for (size_t i = 0; i < sizeof battery / sizeof battery[0]; i++) {
    char text[64];
    int32_t r = open_read(rt, battery[i].url, text, sizeof text);
    bool ok = battery[i].want == 0 ? r >= 0 : r == battery[i].want;
    if (ok && battery[i].content)
      ok = strcmp(text, battery[i].content) == 0;
    if (!ok)
      fprintf(stderr, "\nresolver %d: %s -> %d (%s), want %d\n", (int)how,
              battery[i].url, r, text, battery[i].want);
    CU_ASSERT(ok);
    CU_ASSERT(strstr(text, "SECRET") == NULL);
  }
  CU_ASSERT_STRING_EQUAL(get_file("outside/secret"), "SECRET");
  char p[PATH_MAX * 2];
  at("outside/new", p);
  CU_ASSERT_NOT_EQUAL(access(p, F_OK), 0); /* not created through a link */
  /* Over-long: a component longer than NAME_MAX, a path beyond PATH_MAX. */
  char url[DAGGER_URL_MAX];
  snprintf(url, sizeof url, "file:///%0300d", 0);
  CU_ASSERT_EQUAL(open_url(rt, url), -DAGGER_BAD_URL_INPUT);
  memcpy(url, "file:///", 8);
  for (size_t i = 8; i < 6000; i += 2)
    memcpy(url + i, "a/", 2);
  url[6000] = '\0';
  CU_ASSERT_EQUAL(open_url(rt, url), -DAGGER_BAD_URL_INPUT);
  dagger_rt_free(rt);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
}

/* dagger_jail_path on its own (as the fuzzer calls it): found by
 * fuzz_jail, a raw NUL cut the decoded path short of what was checked. */
static void test_jail_path(void) {
  char rel[64];
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"/a\0b", 4}, rel, sizeof rel),
                  -DAGGER_BAD_URL_INPUT);
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"/./a//b", 7}, rel, sizeof rel),
                  3);
  CU_ASSERT_STRING_EQUAL(rel, "a/b");
  /* "b/." names b as a directory, as "b/" does */
  CU_ASSERT_EQUAL(
      dagger_jail_path((dagger_str){"/./a//b/.", 9}, rel, sizeof rel),
      -DAGGER_UNSUPPORTED);
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"//", 2}, rel, sizeof rel),
                  -DAGGER_UNSUPPORTED);
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"a", 1}, rel, sizeof rel),
                  -DAGGER_BAD_URL_INPUT);
  CU_ASSERT_EQUAL(dagger_jail_path((dagger_str){"/abcdef", 7}, rel, 4),
                  -DAGGER_BAD_URL_INPUT);
}

static void test_battery_openat2(void) {
  run_battery(DAGGER_RESOLVE_OPENAT2);
}
static void test_battery_walk(void) {
  run_battery(DAGGER_RESOLVE_WALK);
}
static void test_battery_auto(void) {
  run_battery(DAGGER_RESOLVE_AUTO);
}

/* A link swapped in between two opens of the same URL. */
static void swap_between_opens(dagger_resolver how) {
  if (how == DAGGER_RESOLVE_OPENAT2 && !have_openat2())
    return;
  dagger_file_set_resolver(how);
  dagger_rt *rt = new_rt(jail);
  char p[PATH_MAX * 2], q[PATH_MAX * 2], text[64];
  CU_ASSERT_FATAL(put_file("jail/swap", "inside") == 0);
  CU_ASSERT(open_read(rt, "file:///swap", text, sizeof text) >= 0);
  CU_ASSERT_STRING_EQUAL(text, "inside");
  at("jail/swap.new", p);
  at("jail/swap", q);
  CU_ASSERT_FATAL(symlink("../outside/secret", p) == 0);
  CU_ASSERT_FATAL(rename(p, q) == 0);
  CU_ASSERT_EQUAL(open_read(rt, "file:///swap", text, sizeof text),
                  -DAGGER_NOT_PERMITTED);
  CU_ASSERT_EQUAL(open_url(rt, "file:///swap?mode=w"), -DAGGER_NOT_PERMITTED);
  CU_ASSERT_STRING_EQUAL(get_file("outside/secret"), "SECRET");
  unlink(q);
  dagger_rt_free(rt);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
}

static void test_swap_openat2(void) {
  swap_between_opens(DAGGER_RESOLVE_OPENAT2);
}
static void test_swap_walk(void) {
  swap_between_opens(DAGGER_RESOLVE_WALK);
}

/* A thread keeps exchanging a real directory and a link to the outside
 * while opens run: no open may ever reach the outside file (no
 * check-then-open window). */
static volatile int racing;

static void *exchanger(void *arg) {
  (void)arg;
  char a[PATH_MAX * 2], b[PATH_MAX * 2];
  at("jail/race", a);
  at("jail/race.alt", b);
  while (racing)
    renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
  return NULL;
}

static void race(dagger_resolver how) {
  if (how == DAGGER_RESOLVE_OPENAT2 && !have_openat2())
    return;
  char p[PATH_MAX * 2];
  at("jail/race", p);
  CU_ASSERT_FATAL(mkdir(p, 0755) == 0);
  CU_ASSERT_FATAL(put_file("jail/race/secret", "inside") == 0);
  at("jail/race.alt", p);
  CU_ASSERT_FATAL(symlink("../outside", p) == 0);
  dagger_file_set_resolver(how);
  dagger_rt *rt = new_rt(jail);
  racing = 1;
  pthread_t t;
  CU_ASSERT_FATAL(pthread_create(&t, NULL, exchanger, NULL) == 0);
  int inside = 0, refused = 0, other = 0;
  for (int i = 0; i < 3000; i++) {
    char text[64];
    int32_t r = open_read(rt, "file:///race/secret", text, sizeof text);
    if (r >= 0 && strcmp(text, "inside") == 0)
      inside++;
    else if (r == -DAGGER_NOT_PERMITTED || r == -DAGGER_NOT_FOUND)
      refused++;
    else
      other++, fprintf(stderr, "\nrace: %d %s\n", r, text);
  }
  racing = 0;
  pthread_join(t, NULL);
  fprintf(stderr, "[%d inside, %d refused] ", inside, refused);
  CU_ASSERT_EQUAL(other, 0);
  CU_ASSERT(inside + refused == 3000);
  dagger_rt_free(rt);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
  at("jail/race", p);
  char a[PATH_MAX * 2];
  at("jail/race.alt", a);
  struct stat st;
  if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
    renameat2(AT_FDCWD, p, AT_FDCWD, a, RENAME_EXCHANGE);
  char f[PATH_MAX * 2];
  at("jail/race/secret", f);
  unlink(f);
  rmdir(p);
  at("jail/race.alt", a);
  unlink(a);
}

static void test_race_openat2(void) {
  race(DAGGER_RESOLVE_OPENAT2);
}
static void test_race_walk(void) {
  race(DAGGER_RESOLVE_WALK);
}

static void test_modes(void) {
  dagger_rt *rt = new_rt(jail);
  char text[64];
  int32_t fd = open_url(rt, "file:///new.txt?mode=w");
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT_EQUAL(write_text(rt, fd, "abc"), 3);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, DATA_AT, 4), -DAGGER_UNSUPPORTED);
  CU_ASSERT_EQUAL(dagger_flush(rt, fd), 0);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  CU_ASSERT_STRING_EQUAL(get_file("jail/new.txt"), "abc");
  /* w truncates */
  fd = open_url(rt, "file:///new.txt?mode=w");
  CU_ASSERT_EQUAL(write_text(rt, fd, "xy"), 2);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  CU_ASSERT_STRING_EQUAL(get_file("jail/new.txt"), "xy");
  /* a appends, and creates */
  fd = open_url(rt, "file:///new.txt?mode=a");
  CU_ASSERT_EQUAL(write_text(rt, fd, "z"), 1);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  CU_ASSERT_STRING_EQUAL(get_file("jail/new.txt"), "xyz");
  fd = open_url(rt, "file:///sub/log.txt?mode=a");
  CU_ASSERT_EQUAL(write_text(rt, fd, "1"), 1);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  CU_ASSERT_STRING_EQUAL(get_file("jail/sub/log.txt"), "1");
  /* r reads (the default) and refuses writes; flush is harmless */
  fd = open_url(rt, "file:///new.txt?mode=r");
  CU_ASSERT_EQUAL(write_text(rt, fd, "q"), -DAGGER_UNSUPPORTED);
  CU_ASSERT_EQUAL(dagger_flush(rt, fd), 0);
  CU_ASSERT_EQUAL(read_all(rt, fd, text, sizeof text), 3);
  CU_ASSERT_STRING_EQUAL(text, "xyz");
  CU_ASSERT_EQUAL(dagger_read(rt, fd, DATA_AT, 10), 0); /* stays at EOF */
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  /* a missing file is not created by r */
  CU_ASSERT_EQUAL(open_url(rt, "file:///nope.txt"), -DAGGER_NOT_FOUND);
  CU_ASSERT_STRING_EQUAL(get_file("jail/nope.txt"), "");
  /* a bad guest range is the dispatcher's answer, before the file's */
  fd = open_url(rt, "file:///new.txt");
  CU_ASSERT_EQUAL(dagger_read(rt, fd, sizeof mem - 2, 4), -DAGGER_BAD_POINTER);
  dagger_close(rt, fd);
  dagger_rt_free(rt);
}

/* The default jail is the current directory; a missing jail is an error,
 * not a crash. */
static void test_jail_roots(void) {
  char cwd[PATH_MAX], text[64];
  CU_ASSERT_FATAL(getcwd(cwd, sizeof cwd) != NULL);
  CU_ASSERT_FATAL(chdir(jail) == 0);
  dagger_rt *rt = new_rt(NULL);
  CU_ASSERT(open_read(rt, "file:///a.txt", text, sizeof text) >= 0);
  CU_ASSERT_STRING_EQUAL(text, "hello");
  CU_ASSERT_EQUAL(open_url(rt, "file:///../jail/a.txt"), -DAGGER_NOT_PERMITTED);
  dagger_rt_free(rt);
  CU_ASSERT_FATAL(chdir(cwd) == 0);
  char missing[PATH_MAX * 2];
  at("no-such-jail", missing);
  rt = new_rt(missing);
  CU_ASSERT_EQUAL(open_url(rt, "file:///a.txt"), -DAGGER_NOT_FOUND);
  dagger_rt_free(rt);
  rt = new_rt(jail); /* a jail given as a file, not a directory */
  dagger_rt_free(rt);
  char file_jail[PATH_MAX * 2];
  at("jail/a.txt", file_jail);
  rt = new_rt(file_jail);
  CU_ASSERT_EQUAL(open_url(rt, "file:///x"), -DAGGER_IO);
  dagger_rt_free(rt);
}

/* Permission bits do not bind root, so the check runs in a child that has
 * given up root (uid/gid 65534); run unprivileged, it checks in-process. */
static int permission_checks(void) {
  dagger_rt *rt = new_rt(jail);
  int bad = 0;
  bad |= open_url(rt, "file:///locked.txt") != -DAGGER_NOT_PERMITTED;
  bad |= open_url(rt, "file:///locked.txt?mode=a") != -DAGGER_NOT_PERMITTED;
  bad |= open_url(rt, "file:///closed/x.txt") != -DAGGER_NOT_PERMITTED;
  bad |= open_url(rt, "file:///a.txt?mode=w") != -DAGGER_NOT_PERMITTED;
  dagger_rt_free(rt);
  return bad;
}

static void test_permission_denied(void) {
  char p[PATH_MAX * 2];
  CU_ASSERT_FATAL(put_file("jail/locked.txt", "locked") == 0);
  at("jail/locked.txt", p);
  chmod(p, 0);
  at("jail/closed", p);
  mkdir(p, 0);
  at("jail/a.txt", p);
  chmod(p, 0444);
  int bad;
  if (geteuid() != 0) {
    bad = permission_checks();
  } else {
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0)
      _exit(setgid(65534) != 0 || setuid(65534) != 0 ? 2 : permission_checks());
    int st;
    CU_ASSERT_FATAL(waitpid(pid, &st, 0) == pid);
    bad = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
  }
  CU_ASSERT_EQUAL(bad, 0);
  chmod(p, 0644);
  at("jail/locked.txt", p);
  chmod(p, 0644);
  at("jail/closed", p);
  rmdir(p);
}

/* A 300 MiB file streams through a 1 MiB guest buffer: reads move
 * through the file without buffering it, and appends land at its end. */
static void test_large_file(void) {
  const off_t size = (300LL << 20) + 12345;
  char p[PATH_MAX * 2];
  at("jail/big", p);
  int hfd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CU_ASSERT_FATAL(hfd >= 0);
  if (ftruncate(hfd, size) != 0) { /* sparse: no disk used */
    close(hfd);
    CU_FAIL("ftruncate");
    return;
  }
  close(hfd);
  dagger_rt *rt = new_rt(jail);
  int32_t fd = open_url(rt, "file:///big?mode=a");
  CU_ASSERT_EQUAL(write_text(rt, fd, "END"), 3);
  CU_ASSERT_EQUAL(dagger_flush(rt, fd), 0);
  CU_ASSERT_EQUAL(dagger_close(rt, fd), 0);
  fd = open_url(rt, "file:///big");
  CU_ASSERT_FATAL(fd >= 0);
  int64_t total = 0;
  char tail[4] = {0};
  int32_t r;
  while ((r = dagger_read(rt, fd, DATA_AT, DATA_MAX)) > 0) {
    total += r;
    for (int32_t i = r > 3 ? r - 3 : 0; i < r; i++) {
      memmove(tail, tail + 1, 2);
      tail[2] = (char)mem[DATA_AT + i];
    }
  }
  CU_ASSERT_EQUAL(r, 0);
  CU_ASSERT_EQUAL(total, size + 3);
  CU_ASSERT_STRING_EQUAL(tail, "END");
  dagger_close(rt, fd);
  dagger_rt_free(rt);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  CU_ASSERT(ru.ru_maxrss < 64 * 1024); /* KiB: nothing was buffered */
  unlink(p);
}

/* A file that cannot grow past 64 KiB (RLIMIT_FSIZE: the kernel answers
 * as on a full disk, a short write, then an error): a write that only
 * partly fits answers the part that reached the file, the next one the
 * error, and the file holds exactly what was acknowledged. */
static void test_full_file(void) {
  struct rlimit old, lim;
  char p[PATH_MAX * 2];
  struct stat st;
  CU_ASSERT_FATAL(getrlimit(RLIMIT_FSIZE, &old) == 0);
  lim = old;
  lim.rlim_cur = 65536;
  signal(SIGXFSZ, SIG_IGN);
  CU_ASSERT_FATAL(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  dagger_rt *rt = new_rt(jail);
  int32_t fd = open_url(rt, "file:///full.bin?mode=w");
  CU_ASSERT(fd >= 0);
  memset(mem + DATA_AT, 'x', 70000);
  int64_t acked = 0;
  int32_t r = dagger_write(rt, fd, DATA_AT, 60000);
  CU_ASSERT_EQUAL(r, 60000);
  acked += r > 0 ? r : 0;
  r = dagger_write(rt, fd, DATA_AT, 10000);
  CU_ASSERT_EQUAL(r, 5536);
  acked += r > 0 ? r : 0;
  CU_ASSERT_EQUAL(dagger_write(rt, fd, DATA_AT, 10000), -DAGGER_IO);
  dagger_close(rt, fd);
  dagger_rt_free(rt);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, SIG_DFL);
  at("jail/full.bin", p);
  CU_ASSERT_EQUAL(stat(p, &st), 0);
  CU_ASSERT_EQUAL(st.st_size, acked);
  unlink(p);
}

static const unit_test tests[] = {
    {"jail path decoding", test_jail_path},
    {"escape battery, openat2", test_battery_openat2},
    {"escape battery, openat walk", test_battery_walk},
    {"escape battery, automatic", test_battery_auto},
    {"link swapped in between opens, openat2", test_swap_openat2},
    {"link swapped in between opens, walk", test_swap_walk},
    {"link racing the opens, openat2", test_race_openat2},
    {"link racing the opens, walk", test_race_walk},
    {"modes r, w, a", test_modes},
    {"jail roots", test_jail_roots},
    {"permission denied", test_permission_denied},
    {"large file streaming", test_large_file},
    {"a write to a full file", test_full_file},
    {NULL, NULL},
};

int main(void) {
  if (make_tree() != 0) {
    perror("test_file: making the temporary tree");
    return 1;
  }
  int status = unit_run("file", tests);
  if (remove_tree() != 0)
    perror("test_file: removing the temporary tree");
  return status;
}
