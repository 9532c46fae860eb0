/* walk.c against openat2: dagger_jail_open_wasi with the resolver forced
 * to openat2 and to the walk must give the same answer (the same errno, or
 * the same file) on every path, with links followed or not, under several
 * open flags, and nothing outside the start directory is ever opened or
 * made. Two identical trees, A and B, so that an open that creates a file
 * creates it in each: openat2 runs in A, the walk in B, and the files they
 * open are compared by their place in their tree (/proc/self/fd) and type;
 * where nothing is created the walk also runs in A and must open the very
 * inode (dev, ino) openat2 opened. Paths: a hand-written list, then a few
 * thousand from a fixed pseudo-random generator. Without openat2 (old
 * kernels, qemu-user) there is nothing to compare against: exit 77.
 *
 * The tree (TOP/X for X in A, B):
 *   outside/secret, outside/dir/       never opened, never changed
 *   jail/f, jail/d/, jail/a/f, jail/a/b/g
 *   jail/l1 -> a            jail/l2 -> a/f          jail/a/up -> ../f
 *   jail/a/b/up2 -> ../../a jail/a/esc -> ../../outside
 *   jail/out -> ../outside/secret      jail/abs -> TOP (absolute)
 *   jail/c1 -> c2 -> c3 -> a (a chain)  jail/loop1 <-> loop2, self -> self
 *   jail/dang -> nothere    jail/a/dang2 -> ../made  (dangling, inside)
 *   jail/dangout -> ../outside/new      jail/dotl -> .   jail/dotdotl -> ..
 *   jail/slashl -> a/       jail/n0 -> n1 -> ... -> n40 -> f (41 links) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt.h"
#include "unit.h"

static char top[PATH_MAX];
static int jail_a = -1, jail_b = -1, sub_a = -1, sub_b = -1;
static unsigned mismatches, compared;

/* 0 or -1: also used before the tests run, outside any assertion. */
static int make_one(const char *tree) {
  static const char *const dirs[] = {"",         "/outside", "/outside/dir",
                                     "/jail",    "/jail/d",  "/jail/a",
                                     "/jail/a/b"};
  static const char *const files[] = {"/outside/secret", "/jail/f", "/jail/a/f",
                                      "/jail/a/b/g"};
  static const char *const links[][2] = {{"a", "l1"},
                                         {"a/f", "l2"},
                                         {"../f", "a/up"},
                                         {"../../a", "a/b/up2"},
                                         {"../../outside", "a/esc"},
                                         {"../outside/secret", "out"},
                                         {"c2", "c1"},
                                         {"c3", "c2"},
                                         {"a", "c3"},
                                         {"loop2", "loop1"},
                                         {"loop1", "loop2"},
                                         {"self", "self"},
                                         {"nothere", "dang"},
                                         {"../made", "a/dang2"},
                                         {"../outside/new", "dangout"},
                                         {".", "dotl"},
                                         {"..", "dotdotl"},
                                         {"a/", "slashl"}};
  char p[PATH_MAX * 2], t[PATH_MAX * 2];
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    snprintf(p, sizeof p, "%s/%s%s", top, tree, dirs[i]);
    if (mkdir(p, 0755) != 0)
      return -1;
  }
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(p, sizeof p, "%s/%s%s", top, tree, files[i]);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || close(fd) != 0)
      return -1;
  }
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    snprintf(p, sizeof p, "%s/%s/jail/%s", top, tree, links[i][1]);
    if (symlink(links[i][0], p) != 0)
      return -1;
  }
  snprintf(p, sizeof p, "%s/%s/jail/abs", top, tree);
  if (symlink(top, p) != 0)
    return -1;
  for (int i = 0; i <= 40; i++) {
    snprintf(p, sizeof p, "%s/%s/jail/n%d", top, tree, i);
    snprintf(t, sizeof t, i == 40 ? "f" : "n%d", i + 1);
    if (symlink(t, p) != 0)
      return -1;
  }
  return 0;
}

static int open_dir(const char *tree, const char *rel) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s/%s", top, tree, rel);
  return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static int make_trees(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(top, sizeof top, "%s/dagger-walk.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(top) || make_one("A") || make_one("B"))
    return -1;
  jail_a = open_dir("A", "jail");
  jail_b = open_dir("B", "jail");
  sub_a = open_dir("A", "jail/a");
  sub_b = open_dir("B", "jail/a");
  return jail_a < 0 || jail_b < 0 || sub_a < 0 || sub_b < 0 ? -1 : 0;
}

static int rm_one(const char *p, const struct stat *st, int type,
                  struct FTW *f) {
  (void)st, (void)type, (void)f;
  return remove(p);
}

static bool have_openat2(void) {
  return syscall(SYS_openat2, AT_FDCWD, "", NULL, 0) < 0 && errno != ENOSYS;
}

/* What an open gave: -errno, or the file's place below its tree's top
 * ("A/jail/f" read as "jail/f"), type and inode. */
typedef struct outcome {
  int err;
  char where[PATH_MAX];
  mode_t type;
  dev_t dev;
  ino_t ino;
} outcome;

static void take(int fd, outcome *o) {
  char proc[64], name[PATH_MAX];
  struct stat st;
  memset(o, 0, sizeof *o);
  if (fd < 0) {
    o->err = fd;
    return;
  }
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(proc, name, sizeof name - 1);
  name[n < 0 ? 0 : n] = '\0';
  size_t t = strlen(top);
  /* past "TOP/A/" or "TOP/B/" */
  bool in = strncmp(name, top, t) == 0 && strlen(name) > t + 2;
  snprintf(o->where, sizeof o->where, "%s", in ? name + t + 3 : name);
  if (fstat(fd, &st) == 0) {
    o->type = st.st_mode & S_IFMT;
    o->dev = st.st_dev;
    o->ino = st.st_ino;
  }
  close(fd);
}

static int run(dagger_resolver how, int dir, const char *path, int flags,
               bool links) {
  dagger_file_set_resolver(how);
  int fd = dagger_jail_open_wasi(dir, path, flags, links);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
  return fd;
}

/* Inside the start directory: "jail/" or, from jail/a, "jail/a". */
static bool inside(const outcome *o, bool sub) {
  const char *want = sub ? "jail/a" : "jail";
  size_t n = strlen(want);
  return strncmp(o->where, want, n) == 0 &&
         (o->where[n] == '\0' || o->where[n] == '/');
}

static void compare(const char *path, int flags, bool links, bool sub) {
  outcome x, y, z;
  take(run(DAGGER_RESOLVE_OPENAT2, sub ? sub_a : jail_a, path, flags, links),
       &x);
  take(run(DAGGER_RESOLVE_WALK, sub ? sub_b : jail_b, path, flags, links), &y);
  bool same = x.err == y.err && x.type == y.type && !strcmp(x.where, y.where);
  if (same && !(flags & O_CREAT)) {
    take(run(DAGGER_RESOLVE_WALK, sub ? sub_a : jail_a, path, flags, links),
         &z);
    same = z.err == x.err && z.dev == x.dev && z.ino == x.ino;
  }
  compared++;
  if (!same && mismatches++ < 20)
    fprintf(stderr,
            "\n%s \"%s\" flags %#o links %d: openat2 %d %s, walk %d %s\n",
            sub ? "from a/" : "from jail/", path, (unsigned)flags, links, x.err,
            x.where, y.err, y.where);
  CU_ASSERT(same);
  CU_ASSERT(x.err < 0 || inside(&x, sub));
  CU_ASSERT(y.err < 0 || inside(&y, sub));
}

static const int flag_sets[] = {
    O_RDONLY,
    O_RDONLY | O_DIRECTORY,
    O_PATH,
    O_PATH | O_NOFOLLOW,
    O_PATH | O_NONBLOCK, /* EINVAL from openat2, as from the walk */
    O_RDONLY | O_NOFOLLOW,
    O_WRONLY | O_NONBLOCK,
    O_WRONLY | O_CREAT | O_NONBLOCK,
    O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK,
    O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
};

static void compare_all(const char *path) {
  for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++)
    for (int links = 0; links < 2; links++)
      for (int sub = 0; sub < 2; sub++)
        compare(path, flag_sets[f] | O_CLOEXEC, links, sub);
}

static const char *const hand[] = {
    "f",
    "a/f",
    "a/../f",
    "a/b/../../f",
    "a/b/../..",
    "..",
    "a/..",
    "a/../..",
    ".",
    "./",
    "a/.",
    "a/./b/./g",
    "a//b//g",
    "a/b/",
    "f/",
    "f/.",
    "f/..",
    "l1",
    "l1/",
    "l1/f",
    "l1/../f",
    "l1/..",
    "l1/b/up2/f",
    "l1/up",
    "a/up",
    "a/b/up2",
    "a/b/up2/b/g",
    "a/esc",
    "a/esc/secret",
    "out",
    "abs",
    "abs/A/jail/f",
    "/f",
    "/",
    "",
    "c1",
    "c1/f",
    "c1/b/g",
    "c1/..",
    "loop1",
    "loop1/x",
    "self",
    "dang",
    "dang/",
    "a/dang2",
    "dangout",
    "dotl",
    "dotl/f",
    "dotl/dotl/a/f",
    "dotdotl",
    "dotdotl/jail/f",
    "slashl",
    "slashl/f",
    "n0",
    "n1",
    "n1/",
    "l2",
    "l2/",
    "l2/..",
    "d",
    "d/",
    "d/new",
    "d/new/",
    "d/../d/new2",
    "new3",
    "a/b/new4",
    "nothere/x",
    "..a",
    "...",
    "a/f/g",
    "made",
    "l1/up/..",
    "a/up/..",
};

static void test_hand(void) {
  for (size_t i = 0; i < sizeof hand / sizeof *hand; i++)
    compare_all(hand[i]);
  fprintf(stderr, "\n%u compared, %u differ\n", compared, mismatches);
}

/* A fixed generator, so that every run tries the same paths. */
static uint32_t next_rand(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void random_path(uint32_t *s, char *out, size_t size) {
  static const char *const parts[] = {
      "a",    "b",     "..",     ".",       "",        "l1",  "l2", "f",
      "g",    "up",    "up2",    "esc",     "out",     "abs", "c1", "loop1",
      "dang", "dang2", "dotl",   "dotdotl", "slashl",  "new", "d",  "n1",
      "n0",   "self",  "secret", "jail",    "dangout", "..",  "a",  "l1"};
  size_t o = 0, n = 1 + next_rand(s) % 6;
  out[0] = '\0';
  if (next_rand(s) % 16 == 0)
    out[o++] = '/';
  for (size_t i = 0; i < n && o + 16 < size; i++) {
    const char *p = parts[next_rand(s) % (sizeof parts / sizeof *parts)];
    o += (size_t)snprintf(out + o, size - o, "%s%s", i ? "/" : "", p);
  }
  if (next_rand(s) % 8 == 0 && o + 1 < size)
    out[o++] = '/';
  out[o] = '\0';
}

static void test_random(void) {
  uint32_t s = 12345;
  char path[256];
  unsigned before = compared;
  for (int i = 0; i < 3000; i++) {
    random_path(&s, path, sizeof path);
    compare_all(path);
  }
  fprintf(stderr, "\n%u compared, %u differ\n", compared - before, mismatches);
}

/* Nothing was made or changed outside: outside/ holds what it held. */
static void test_outside(void) {
  for (int t = 0; t < 2; t++) {
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%c/outside", top, "AB"[t]);
    DIR *d = opendir(p);
    CU_ASSERT_FATAL(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
      n++;
    closedir(d);
    CU_ASSERT_EQUAL(n, 4); /* ".", "..", secret, dir */
    snprintf(p, sizeof p, "%s/%c/outside/secret", top, "AB"[t]);
    struct stat st;
    CU_ASSERT(stat(p, &st) == 0 && st.st_size == 0);
  }
}

/* A guest swapping links while the walk runs (it can, with path_symlink
 * and path_rename): jail/race/x, a directory, and y -> ../../outside are
 * exchanged, and so are t, a file, and u -> ../../outside/secret. Every
 * open of "race/x/secret" or "race/t", links followed, ends inside the
 * jail or fails. */
static volatile int racing;

static void *exchanger(void *arg) {
  int dir = *(int *)arg;
  while (racing) {
    renameat2(dir, "x", dir, "y", RENAME_EXCHANGE);
    renameat2(dir, "t", dir, "u", RENAME_EXCHANGE);
  }
  return NULL;
}

static int make_race(void) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/A/jail/race", top);
  if (mkdir(p, 0755) != 0)
    return -1;
  int dir = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || mkdirat(dir, "x", 0755) != 0 ||
      symlinkat("../../outside", dir, "y") != 0 ||
      symlinkat("../../outside/secret", dir, "u") != 0)
    return -1;
  int fd = openat(dir, "x/secret", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  int fd2 = openat(dir, "t", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || fd2 < 0)
    return -1;
  close(fd);
  close(fd2);
  return dir;
}

static void test_race(void) {
  int dir = make_race();
  CU_ASSERT_FATAL(dir >= 0);
  pthread_t t;
  racing = 1;
  CU_ASSERT_FATAL(pthread_create(&t, NULL, exchanger, &dir) == 0);
  unsigned opened = 0, refused = 0, other = 0;
  for (int i = 0; i < 20000; i++) {
    outcome o;
    const char *path = i % 2 ? "race/x/secret" : "race/t";
    take(run(DAGGER_RESOLVE_WALK, jail_a, path, O_RDONLY | O_CLOEXEC, true),
         &o);
    CU_ASSERT(o.err < 0 || inside(&o, false));
    if (o.err >= 0)
      opened++;
    else if (o.err == -EXDEV || o.err == -ENOENT || o.err == -ELOOP ||
             o.err == -ENOTDIR)
      refused++;
    else
      other++;
  }
  racing = 0;
  pthread_join(t, NULL);
  close(dir);
  fprintf(stderr, "\n%u opened inside, %u refused, %u other\n", opened, refused,
          other);
  CU_ASSERT_EQUAL(other, 0);
}

static const unit_test tests[] = {
    {"hand-written paths, walk against openat2", test_hand},
    {"pseudo-random paths, walk against openat2", test_random},
    {"links swapped while the walk runs", test_race},
    {"nothing outside the start touched", test_outside},
    {NULL, NULL},
};

int main(void) {
  if (!have_openat2()) {
    puts("test_walk: no openat2 on this kernel, nothing to compare: skipped");
    return 77;
  }
  if (make_trees() != 0) {
    perror("test_walk: making the temporary trees");
    return 1;
  }
  int status = unit_run("walk", tests);
  if (nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
    perror("test_walk: removing the temporary trees");
  return status;
}
