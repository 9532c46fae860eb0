/* libFuzzer target for file:// path handling: the input is a URL path
 * (percent-escapes and all), decoded by dagger_jail_path and resolved by
 * dagger_jail_open against a real temporary jail, once with openat2 and
 * once with the openat walk. For any input:
 *   - whatever opens is a file or directory that lies inside the jail (its
 *     device and inode are among those found by walking the jail without
 *     following links), never the file outside or a link's target;
 *   - both resolution paths give the same answer (same error, or the same
 *     file).
 * The same input, taken as a raw WASI path (up to its first NUL), is also
 * opened by dagger_jail_open_wasi with openat2 and with walk.c's walk,
 * links followed or not and open flags chosen by the input's length: the
 * same two rules hold ("..", "." and links that stay inside allowed).
 * The jail: a, d/b, d/e/c, and links l1 -> ../outside, l2 -> a,
 * l3 -> /etc/passwd, d/l4 -> ../../outside/secret, loop -> loop,
 * d/up -> ../a, d/e/l5 -> ../../d, beside TOP/outside/secret.
 *
 * Build and run by hand (fuzz/CMakeLists.txt and scripts/fuzz.sh do the
 * same), from the top of the
 * source tree:
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -I rt -I rt/include fuzz/fuzz_jail.c \
 *     rt/[a-z]*.c -o /tmp/fuzz_jail
 *   cp -r fuzz/corpus/jail /tmp/corpus-jail  # keep the seeds pristine
 *   /tmp/fuzz_jail -runs=2000000 /tmp/corpus-jail
 * The temporary tree is left in $TMPDIR (or /tmp) as dagger-fuzz-jail.*.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

static int jail_fd = -1;
static struct stat inside[32];
static int n_inside;

static int note(const char *p, const struct stat *st, int type, struct FTW *f) {
  (void)p, (void)f;
  if ((type == FTW_F || type == FTW_D) && n_inside < 32)
    inside[n_inside++] = *st;
  return 0;
}

static void make(const char *top, const char *rel, int kind, const char *link) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/%s", top, rel);
  int r = kind == 'd'   ? mkdir(p, 0755)
          : kind == 'l' ? symlink(link, p)
                        : close(open(p, O_CREAT | O_WRONLY, 0644));
  if (r != 0) {
    perror(p);
    abort();
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *t = getenv("TMPDIR");
  static char top[PATH_MAX];
  snprintf(top, sizeof top, "%s/dagger-fuzz-jail.XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(top))
    abort();
  make(top, "outside", 'd', NULL);
  make(top, "outside/secret", 'f', NULL);
  make(top, "jail", 'd', NULL);
  make(top, "jail/a", 'f', NULL);
  make(top, "jail/d", 'd', NULL);
  make(top, "jail/d/b", 'f', NULL);
  make(top, "jail/d/e", 'd', NULL);
  make(top, "jail/d/e/c", 'f', NULL);
  make(top, "jail/l1", 'l', "../outside");
  make(top, "jail/l2", 'l', "a");
  make(top, "jail/l3", 'l', "/etc/passwd");
  make(top, "jail/d/l4", 'l', "../../outside/secret");
  make(top, "jail/loop", 'l', "loop");
  make(top, "jail/d/up", 'l', "../a");
  make(top, "jail/d/e/l5", 'l', "../../d");
  char jail[PATH_MAX + 8];
  snprintf(jail, sizeof jail, "%s/jail", top);
  if (nftw(jail, note, 8, FTW_PHYS) != 0)
    abort();
  jail_fd = open(jail, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (jail_fd < 0)
    abort();
  return 0;
}

static bool is_inside(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    abort();
  for (int i = 0; i < n_inside; i++)
    if (inside[i].st_dev == st.st_dev && inside[i].st_ino == st.st_ino)
      return true;
  return false;
}

static bool same_file(int a, int b) {
  struct stat x, y;
  return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
         x.st_ino == y.st_ino;
}

/* Both resolvers agree and stay inside, or abort. */
static void compare(int a, int b, const char *what) {
  if ((a >= 0 && !is_inside(a)) || (b >= 0 && !is_inside(b)))
    abort(); /* escaped */
  if ((a >= 0) != (b >= 0) || (a < 0 && a != b) ||
      (a >= 0 && !same_file(a, b))) {
    fprintf(stderr, "resolvers disagree on %s: %d %d\n", what, a, b);
    abort();
  }
  if (a >= 0)
    close(a), close(b);
}

/* The input as a WASI path, with openat2 and with the walk. */
static void wasi_path(const uint8_t *data, size_t size) {
  static const int flag_sets[] = {O_RDONLY, O_RDONLY | O_DIRECTORY, O_PATH,
                                  O_RDONLY | O_NOFOLLOW};
  char path[PATH_MAX + 1];
  memcpy(path, data, size);
  path[size] = '\0';
  int flags = flag_sets[size % 4] | O_NONBLOCK | O_CLOEXEC;
  bool links = size & 4;
  dagger_file_set_resolver(DAGGER_RESOLVE_OPENAT2);
  int a = dagger_jail_open_wasi(jail_fd, path, flags, links);
  dagger_file_set_resolver(DAGGER_RESOLVE_WALK);
  int b = dagger_jail_open_wasi(jail_fd, path, flags, links);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
  if (a == -ENOSYS)
    return; /* no openat2 here: nothing to compare against */
  compare(a, b, path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[PATH_MAX + 2], rel[PATH_MAX];
  if (size > PATH_MAX)
    return 0;
  wasi_path(data, size);
  path[0] = '/'; /* a URL path always starts with '/' */
  memcpy(path + 1, data, size);
  long n = dagger_jail_path((dagger_str){path, size + 1}, rel, sizeof rel);
  if (n < 0)
    return 0;
  if ((size_t)n != strlen(rel) || rel[0] == '/' || strstr(rel, "//"))
    abort();
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
  int a = dagger_jail_open(jail_fd, rel, flags, DAGGER_RESOLVE_OPENAT2);
  int b = dagger_jail_open(jail_fd, rel, flags, DAGGER_RESOLVE_WALK);
  compare(a, b, rel);
  return 0;
}
