/* libFuzzer target for WASI path resolution (rt/wasi/wasi-path.c,
 * wasi-open.c, wasi-policy.c over file.c's dagger_jail_open_wasi): fuzzed
 * path strings, oflags, fdflags, rights, lookupflags and compiled-in
 * policies, through dagger_wasi_call as the glue calls it, on a real
 * temporary jail. The input is a 21-byte header and the path:
 *   [0] policy (an entry of `policies` below)
 *   [1] bits 0-1: path_open (0, 1), path_filestat_get (2), path_open with
 *       O_CREAT added (3); bit 2: relative to a directory descriptor for
 *       "d" rather than the jail (3); bit 3: the openat walk instead of
 *       openat2
 *   [2] lookupflags, [3] oflags, [4] fdflags (all bits, valid or not)
 *   [5..12] rights base, [13..20] rights inheriting (little-endian)
 * For any input:
 *   - the answer is 0 or an errno a path operation can give;
 *   - whatever opens lies inside the jail (its /proc/self/fd name), is no
 *     symbolic link, has no right it was not asked for, and is a directory
 *     when O_DIRECTORY was asked;
 *   - with a policy in force, what opens is the file the policy decided
 *     on: its name below the jail is the path's lexical normal form (so
 *     the policy, which decides on that form, and the jail agree), and the
 *     policy allows it; a path the policy denies never opens;
 *   - nothing outside the jail changes (TOP/outside/secret keeps its size
 *     and ctime; nothing new appears beside it).
 * The jail: a, d/b, d/e/c, pub/p, and links in -> d, l2 -> a,
 * d/up -> ../a, out -> ../outside, abs -> TOP/outside/secret (absolute),
 * loop -> loop, dangling -> d/new. Entries an input creates are removed
 * after it.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I rt -I rt/include \
 *     fuzz/fuzz_wasi_path.c rt/[a-z]*.c rt/wasi/[a-z]*.c \
 *     -o /tmp/fuzz_wasi_path
 *   cp -r fuzz/corpus/wasi_path /tmp/corpus-wasi-path
 *   /tmp/fuzz_wasi_path -runs=200000 /tmp/corpus-wasi-path
 * A denied open prints a line on stderr: the target adds -close_fd_mask=2
 * to the command line (fuzz/quiet.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quiet.h"
#include "rt.h"
#include "wasi/wasi.h"

#define HEADER 21
#define MEM 65536u
#define PATH_AT 4096u
#define OUT_AT 64u

static uint8_t mem[MEM];
static uint8_t *mem_base = mem;
static uint32_t mem_pages = 1;
static char top[PATH_MAX], jail[PATH_MAX + 8], secret[PATH_MAX + 32];
static struct stat secret_st;

/* Policies as the driver passes them (default allow without allow rules). */
typedef struct policy {
  const char *const *allow, *const *deny;
} policy;
static const char *const deny_d[] = {"file:///d", NULL};
static const char *const deny_a[] = {"file:///a", NULL};
static const char *const deny_deep[] = {"file:///d/e/", NULL};
static const char *const allow_pub[] = {"file:///pub/", NULL};
static const char *const allow_d[] = {"file:///d/", NULL};
static const char *const deny_de[] = {"file:///d/e", "file:///pub/p", NULL};
static const policy policies[] = {
    {NULL, NULL},      {NULL, deny_d},    {NULL, deny_a},
    {NULL, deny_deep}, {allow_pub, NULL}, {allow_d, deny_de},
};
#define N_POLICIES (sizeof policies / sizeof policies[0])

/* The jail's entries at the start (relative names), kept between inputs. */
static const char *const initial[] = {
    "a",  "d",  "d/b", "d/e", "d/e/c", "d/up",     "pub", "pub/p",
    "in", "l2", "out", "abs", "loop",  "dangling", NULL};

static void make(const char *rel, int kind, const char *link) {
  char p[PATH_MAX * 2];
  snprintf(p, sizeof p, "%s/%s", top, rel);
  int r = kind == 'd'   ? mkdir(p, 0755)
          : kind == 'l' ? symlink(link, p)
                        : close(open(p, O_CREAT | O_WRONLY, 0644));
  if (r != 0)
    fail("%s: cannot make it", p);
}

static void make_tree(void) {
  make("outside", 'd', NULL);
  make("outside/secret", 'f', NULL);
  make("jail", 'd', NULL);
  static const char *const files[] = {"a",     "d/",   "d/b",   "d/e/",
                                      "d/e/c", "pub/", "pub/p", NULL};
  for (int i = 0; files[i]; i++) {
    char rel[64];
    size_t n = strlen(files[i]);
    snprintf(rel, sizeof rel, "jail/%.*s", (int)n, files[i]);
    if (files[i][n - 1] == '/')
      rel[strlen(rel) - 1] = '\0';
    make(rel, files[i][n - 1] == '/' ? 'd' : 'f', NULL);
  }
  make("jail/in", 'l', "d");
  make("jail/l2", 'l', "a");
  make("jail/d/up", 'l', "../a");
  make("jail/out", 'l', "../outside");
  make("jail/abs", 'l', secret);
  make("jail/loop", 'l', "loop");
  make("jail/dangling", 'l', "d/new");
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *t = getenv("TMPDIR");
  quiet_stderr(argc, argv);
  snprintf(top, sizeof top, "%s/dagger-fuzz-wasi.XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(top))
    fail("mkdtemp %s failed", top);
  /* The jail's own name as the kernel spells it (/proc/self/fd). */
  char *real = realpath(top, NULL);
  if (!real)
    fail("realpath %s failed", top);
  snprintf(top, sizeof top, "%s", real);
  free(real);
  snprintf(jail, sizeof jail, "%s/jail", top);
  snprintf(secret, sizeof secret, "%s/outside/secret", top);
  make_tree();
  int fd = open(secret, O_WRONLY);
  if (fd < 0 || write(fd, "secret\n", 7) != 7 || close(fd) != 0)
    fail("cannot write %s", secret);
  if (stat(secret, &secret_st) != 0)
    fail("cannot stat %s", secret);
  return 0;
}

/* ---- the oracle's own view of paths ------------------------------------ */

/* The lexical normal form of base/path below the jail ("" the jail), as
 * the WASI policy is documented to read it; false when ".." climbs above
 * the jail. */
static bool lexical(const char *base, const char *path, char *out,
                    size_t size) {
  size_t o = 0;
  const char *parts[2] = {base, path};
  out[0] = '\0';
  for (int k = 0; k < 2; k++)
    for (const char *p = parts[k]; *p;) {
      size_t n = strcspn(p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.') {
        char *slash = memrchr(out, '/', o);
        if (o == 0)
          return false;
        o = slash ? (size_t)(slash - out) : 0;
      } else if (n > 0 && !(n == 1 && p[0] == '.')) {
        if (o + n + 2 >= size)
          return false;
        if (o > 0)
          out[o++] = '/';
        memcpy(out + o, p, n);
        o += n;
      }
      out[o] = '\0';
      p += n + (p[n] == '/');
    }
  return true;
}

/* The name below the jail of what host descriptor fd is, or NULL when it
 * lies outside. */
static const char *name_below_jail(int fd, char *buf, size_t size) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(proc, buf, size - 1);
  if (n < 0)
    fail("readlink %s failed", proc);
  buf[n] = '\0';
  size_t j = strlen(jail);
  if (strncmp(buf, jail, j) != 0 || (buf[j] != '\0' && buf[j] != '/'))
    return NULL;
  return buf[j] ? buf + j + 1 : buf + j;
}

/* The policy's verdict on the file:/// URL of a name below the jail. */
static bool policy_allows(dagger_rt *rt, const char *rel) {
  static const char hex[] = "0123456789ABCDEF";
  char url[3 * PATH_MAX + 16];
  size_t o = (size_t)snprintf(url, sizeof url, "file:///");
  for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
      url[o++] = (char)*p;
    } else {
      url[o++] = '%';
      url[o++] = hex[*p >> 4];
      url[o++] = hex[*p & 15];
    }
  }
  dagger_url u;
  if (dagger_url_parse(url, o, &u) != DAGGER_OK)
    return false;
  return dagger_policy_check(rt, &u) == DAGGER_OK;
}

/* ---- one input --------------------------------------------------------- */

typedef struct input {
  unsigned policy, op;
  bool subdir, walk;
  uint32_t lookup, oflags, fdflags;
  uint64_t rights, inheriting;
  char path[PATH_MAX];
  size_t path_len;
} input;

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static bool parse(const uint8_t *d, size_t n, input *in) {
  if (n < HEADER || n - HEADER >= sizeof in->path)
    return false;
  in->policy = d[0] % N_POLICIES;
  in->op = d[1] & 3;
  in->subdir = d[1] & 4;
  in->walk = d[1] & 8;
  in->lookup = d[2];
  in->oflags = d[3] | (in->op == 3 ? WASI_O_CREAT : 0);
  in->fdflags = d[4];
  in->rights = le64(d + 5);
  in->inheriting = le64(d + 13);
  in->path_len = n - HEADER;
  memcpy(in->path, d + HEADER, in->path_len);
  in->path[in->path_len] = '\0';
  return true;
}

static dagger_rt *new_rt(const input *in) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "fuzz";
  cfg.jail_root = jail;
  cfg.allow = policies[in->policy].allow;
  cfg.deny = policies[in->policy].deny;
  cfg.default_allow = !cfg.allow;
  dagger_rt *rt = dagger_rt_new(&cfg);
  if (!rt)
    fail("dagger_rt_new failed");
  dagger_rt_set_memory(rt, (dagger_memory){&mem_base, &mem_pages, 0});
  if (dagger_wasi_init(rt) != DAGGER_OK)
    fail("dagger_wasi_init failed");
  return rt;
}

static int32_t call(dagger_rt *rt, dagger_wasi_fn fn, const uint64_t *a) {
  return dagger_wasi_call(rt, fn, a);
}

/* Descriptor 3, or a directory descriptor for "d" opened below it; -1
 * when the policy denies "d". */
static int64_t base_dir(dagger_rt *rt, const input *in) {
  if (!in->subdir)
    return 3;
  memcpy(mem + PATH_AT, "d", 1);
  uint64_t a[9] = {
      3, 0,     PATH_AT, 1, WASI_O_DIRECTORY, WASI_RIGHTS_DIR, WASI_RIGHTS_ALL,
      0, OUT_AT};
  int32_t r = call(rt, DAGGER_WASI_path_open, a);
  if (r == WASI_EPERM && !policy_allows(rt, "d"))
    return -1;
  if (r != 0)
    fail("cannot open d: errno %d", r);
  return wasi_get32(mem + OUT_AT);
}

static bool sane_errno(int32_t r, bool open) {
  static const int ok[] = {WASI_EACCES, WASI_EEXIST,  WASI_EINVAL,
                           WASI_EISDIR, WASI_ELOOP,   WASI_ENAMETOOLONG,
                           WASI_ENOENT, WASI_ENOTDIR, WASI_ENOTCAPABLE,
                           WASI_EPERM,  WASI_ENXIO};
  if (r == 0)
    return true;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (r == ok[i])
      return open || (r != WASI_EEXIST && r != WASI_EISDIR);
  return false;
}

/* What path_open opened: inside, as asked, and the file the policy
 * decided on. */
static void check_opened(dagger_rt *rt, const input *in, const char *base,
                         uint32_t fd) {
  char name[PATH_MAX + 1], lex[PATH_MAX + 8];
  int err;
  wasi_file *f = wasi_file_at(rt, fd, &err);
  if (!f || f->hostfd < 0)
    fail("path_open succeeded without a host descriptor");
  struct stat st;
  if (fstat(f->hostfd, &st) != 0 || S_ISLNK(st.st_mode))
    fail("path_open opened a symbolic link");
  const char *rel = name_below_jail(f->hostfd, name, sizeof name);
  if (!rel)
    fail("path_open of \"%s\" escaped the jail: %s", in->path, name);
  if (f->rights & ~in->rights || f->inheriting & ~in->inheriting)
    fail("path_open of \"%s\" granted rights not asked for", in->path);
  if (in->oflags & WASI_O_DIRECTORY && !S_ISDIR(st.st_mode))
    fail("O_DIRECTORY opened a non-directory: %s", rel);
  if (policies[in->policy].allow || policies[in->policy].deny) {
    if (!lexical(base, in->path, lex, sizeof lex) || strcmp(lex, rel) != 0)
      fail("policy and jail disagree: \"%s\" is judged as \"%s\" but opens "
           "\"%s\"",
           in->path, lex, rel);
    if (!policy_allows(rt, rel))
      fail("path_open of \"%s\" opened \"%s\", which the policy denies",
           in->path, rel);
  }
  if (call(rt, DAGGER_WASI_fd_close, (uint64_t[]){fd}) != 0)
    fail("fd_close of a fresh descriptor failed");
}

static void run(dagger_rt *rt, const input *in) {
  int64_t dir = base_dir(rt, in);
  if (dir < 0)
    return;
  const char *base = in->subdir ? "d" : "";
  memcpy(mem + PATH_AT, in->path, in->path_len);
  if (in->op == 2) {
    uint64_t a[5] = {(uint64_t)dir, in->lookup, PATH_AT, in->path_len, OUT_AT};
    int32_t r = call(rt, DAGGER_WASI_path_filestat_get, a);
    if (!sane_errno(r, false))
      fail("path_filestat_get of \"%s\": errno %d", in->path, r);
    return;
  }
  uint64_t a[9] = {(uint64_t)dir,  in->lookup,  PATH_AT,
                   in->path_len,   in->oflags,  in->rights,
                   in->inheriting, in->fdflags, OUT_AT};
  int32_t r = call(rt, DAGGER_WASI_path_open, a);
  if (!sane_errno(r, true))
    fail("path_open of \"%s\" (oflags %u fdflags %u): errno %d", in->path,
         in->oflags, in->fdflags, r);
  if (r == 0)
    check_opened(rt, in, base, wasi_get32(mem + OUT_AT));
}

/* ---- keeping the tree as it was ---------------------------------------- */

static int tidy_one(const char *p, const struct stat *st, int type,
                    struct FTW *f) {
  (void)st, (void)type, (void)f;
  size_t j = strlen(jail);
  if (strlen(p) <= j)
    return 0;
  for (int i = 0; initial[i]; i++)
    if (strcmp(p + j + 1, initial[i]) == 0)
      return 0;
  if (remove(p) != 0)
    fail("cannot remove %s", p);
  return 0;
}

static int entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d)
    fail("cannot read %s", dir);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

static void check_outside(void) {
  struct stat st;
  char other[PATH_MAX + 16];
  if (stat(secret, &st) != 0 || st.st_size != secret_st.st_size ||
      st.st_ctim.tv_sec != secret_st.st_ctim.tv_sec ||
      st.st_ctim.tv_nsec != secret_st.st_ctim.tv_nsec)
    fail("%s was changed", secret);
  if (nftw(jail, tidy_one, 8, FTW_PHYS | FTW_DEPTH) != 0)
    fail("cannot walk %s", jail);
  snprintf(other, sizeof other, "%s/outside", top);
  if (entries(other) != 1 || entries(top) != 2)
    fail("something appeared in %s", top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static input in;
  if (!parse(data, size, &in))
    return 0;
  dagger_file_set_resolver(in.walk ? DAGGER_RESOLVE_WALK : DAGGER_RESOLVE_AUTO);
  dagger_rt *rt = new_rt(&in);
  run(rt, &in);
  dagger_rt_free(rt);
  check_outside();
  return 0;
}
