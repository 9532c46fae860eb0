/* A private on-disk cache of built directories ("entries"), safe on a
 * machine shared with other users. It knows nothing of what the entries
 * hold: runtime.c keeps a target's runtime in one, and a shard cache may
 * keep compiled objects the same way.
 *
 * The rules (issue 17):
 *  - the cache root is created 0700 whatever the umask, and used only when
 *    it is a directory (not a symbolic link) owned by the user and not
 *    writable by group or others; the same holds for every entry and file;
 *  - an entry is a flat directory with a manifest (MANIFEST) listing every
 *    file with its size and SHA-256, written last; an entry is used only
 *    when every file matches and no other file is there (a planted
 *    libfoo.so would win over libfoo.a at link time);
 *  - no symbolic link is followed inside the cache (O_NOFOLLOW, lstat, and
 *    *at() calls on an opened directory);
 *  - entries are built in a private temporary directory and renamed into
 *    place in one step; an entry that fails its check is removed only as
 *    far as its manifest names files (what daggercc made), and moved aside
 *    when anything else is in it;
 *  - builders take an flock() on a lock file in the root, waiting at most
 *    a bounded time;
 *  - the cache has a size cap: a look-up that finds an entry sets its
 *    modification time, and pruning removes the entries used longest ago
 *    until the cache is under three quarters of the cap. Every daggercc
 *    run holds a shared flock() on USE_LOCK while it uses the cache (from
 *    its first look-up to its link); pruning takes it exclusively without
 *    waiting, so it never removes an entry a running build found, and is
 *    left to a later run while others are busy. */
#include "compiler.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST DGC_ENTRY_MANIFEST
#define MANIFEST_HEAD "daggercc-entry 1\n"
enum { MAX_FILES = 64, MANIFEST_MAX = 16384 };

typedef struct listed {
  char name[128];
  char hash[DGC_SHA256_HEX];
  unsigned long long size;
} listed;

/* ---- ownership and modes ------------------------------------------------- */

/* Why st may not be trusted as part of the cache, or NULL. */
static const char *distrust(const struct stat *st, bool root_ok) {
  if (st->st_uid != geteuid() && !(root_ok && st->st_uid == 0))
    return "owned by another user";
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    return "writable by other users";
  return NULL;
}

static int check_dir_fd(int fd, const char *path, bool root_ok, dgc_diag *d) {
  struct stat st;
  const char *why;

  if (fstat(fd, &st) != 0)
    return dgc_fail(d, "%s: %s", path, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return dgc_fail(d, "%s: not a directory", path);
  why = distrust(&st, root_ok);
  return why ? dgc_fail(d, "%s: %s: refusing to use it", path, why) : 0;
}

/* Opens a directory without following a final symbolic link. */
static int open_dir(int at, const char *path) {
  return openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* ---- the root ------------------------------------------------------------ */

/* Creates the missing folders of path, each 0700 whatever the umask (the
 * mode passed to mkdir only loses bits to it; chmod sets it exactly). */
static int make_dirs(const char *path, dgc_diag *d) {
  char buf[4096];
  size_t n = strlen(path);

  if (n == 0 || n >= sizeof buf)
    return dgc_fail(d, "%s: bad cache path", path);
  memcpy(buf, path, n + 1);
  for (char *s = buf + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(buf, 0700) == 0)
      chmod(buf, 0700);
    else if (errno != EEXIST)
      return dgc_fail(d, "%s: cannot create: %s", buf, strerror(errno));
    if (c == '\0')
      return 0;
    *s = c;
  }
}

int dgc_cache_open(dgc_cache *c, const char *root, int lock_wait, dgc_diag *d) {
  int fd;

  *c = (dgc_cache){.lock_wait = lock_wait > 0 ? lock_wait : 600};
  if (!root || root[0] != '/')
    return dgc_fail(d, "the cache needs an absolute path");
  if (make_dirs(root, d) != 0)
    return -1;
  fd = open_dir(AT_FDCWD, root);
  if (fd < 0)
    return dgc_fail(d, "%s: %s", root,
                    errno == ELOOP || errno == ENOTDIR
                        ? "not a directory (a symbolic link?): refusing to "
                          "use it"
                        : strerror(errno));
  if (check_dir_fd(fd, root, false, d) != 0) {
    close(fd);
    return -1;
  }
  c->root = strdup(root);
  c->fd = fd;
  if (!c->root) {
    close(fd);
    return dgc_fail(d, "out of memory");
  }
  return 0;
}

void dgc_cache_close(dgc_cache *c) {
  if (c->root)
    close(c->fd);
  free(c->root);
  *c = (dgc_cache){0};
}

/* ---- hashing and the manifest -------------------------------------------- */

/* The SHA-256 of what fd holds from where it is. */
static int hash_fd(int fd, char hex[DGC_SHA256_HEX]) {
  dgc_sha256 s;
  char buf[65536];
  ssize_t n;

  dgc_sha256_init(&s);
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    dgc_sha256_update(&s, buf, (size_t)n);
  }
  dgc_sha256_final(&s, hex);
  return 0;
}

static bool good_name(const char *s) {
  if (!*s || *s == '.' || strlen(s) >= sizeof((listed *)0)->name)
    return false;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789._-+",
                *s))
      return false;
  return true;
}

/* Reads the manifest of the opened entry dfd. The count, or -1. */
static int read_manifest(int dfd, bool root_ok, listed *v, const char **why) {
  char text[MANIFEST_MAX + 1], *line, *save = NULL;
  int fd = openat(dfd, MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), n = 0;
  struct stat st;
  ssize_t len;

  *why = "no manifest (not an entry daggercc made, or an unfinished one)";
  if (fd < 0)
    return -1;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (*why = distrust(&st, root_ok)) || st.st_size > MANIFEST_MAX) {
    *why = *why ? *why : "bad manifest";
    close(fd);
    return -1;
  }
  len = read(fd, text, MANIFEST_MAX);
  close(fd);
  *why = "bad manifest";
  if (len < 0)
    return -1;
  text[len] = '\0';
  if (strncmp(text, MANIFEST_HEAD, strlen(MANIFEST_HEAD)) != 0)
    return -1;
  for (line = strtok_r(text + strlen(MANIFEST_HEAD), "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    if (n == MAX_FILES ||
        sscanf(line, "%64s %llu %127s", v[n].hash, &v[n].size, v[n].name) !=
            3 ||
        strlen(v[n].hash) != DGC_SHA256_HEX - 1 || !good_name(v[n].name))
      return -1;
    n++;
  }
  return n;
}

/* Whether the file l of the opened entry is what the manifest says. */
static const char *check_file(int dfd, const listed *l, bool root_ok) {
  int fd = openat(dfd, l->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  char hex[DGC_SHA256_HEX];
  struct stat st;
  const char *why = NULL;

  if (fd < 0)
    return "a file is missing";
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "a file is not a regular file";
  else if (!(why = distrust(&st, root_ok))) {
    if ((unsigned long long)st.st_size != l->size)
      why = "a file has the wrong size (truncated?)";
    else if (hash_fd(fd, hex) != 0 || strcmp(hex, l->hash) != 0)
      why = "a file's content does not match its SHA-256";
  }
  close(fd);
  return why;
}

/* Whether the entry holds exactly the n listed files and the manifest. */
static const char *check_names(int dfd, const listed *v, int n) {
  int fd = dup(dfd), seen = 0;
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  struct dirent *e;
  const char *why = NULL;

  if (!dp) {
    if (fd >= 0)
      close(fd);
    return "cannot list";
  }
  rewinddir(dp);
  while (!why && (e = readdir(dp))) {
    bool known = strcmp(e->d_name, MANIFEST) == 0;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    for (int i = 0; i < n && !known; i++)
      known = strcmp(e->d_name, v[i].name) == 0;
    if (!known)
      why = "holds a file its manifest does not list";
    seen++;
  }
  closedir(dp);
  return why || seen == n + 1 ? why : "a file is missing";
}

static const char *verify_fd(int dfd, const char *path, bool root_ok) {
  listed v[MAX_FILES];
  const char *why;
  int n;
  dgc_diag ignored;

  if (check_dir_fd(dfd, path, root_ok, &ignored) != 0) {
    struct stat st;
    return fstat(dfd, &st) == 0 ? distrust(&st, root_ok) : "cannot stat";
  }
  if ((n = read_manifest(dfd, root_ok, v, &why)) < 0)
    return why;
  for (int i = 0; i < n; i++)
    if ((why = check_file(dfd, &v[i], root_ok)))
      return why;
  return check_names(dfd, v, n);
}

int dgc_entry_verify(const char *dir, bool root_ok, dgc_diag *d) {
  int fd = open_dir(AT_FDCWD, dir);
  const char *why;

  if (fd < 0)
    return dgc_fail(d, "%s: %s", dir,
                    errno == ELOOP || errno == ENOTDIR
                        ? "not a directory (a symbolic link?)"
                        : strerror(errno));
  why = verify_fd(fd, dir, root_ok);
  close(fd);
  return why ? dgc_fail(d, "%s: %s", dir, why) : 0;
}

/* ---- finding and removing ------------------------------------------------ */

/* Removes the files the manifest of the opened entry names, the manifest,
 * then the directory `name` in parent; 0, or -1 when something else is
 * there (then nothing more is removed). */
static int remove_entry(int parent, const char *name, int dfd) {
  listed v[MAX_FILES];
  const char *why;
  int n = read_manifest(dfd, false, v, &why);

  if (n < 0)
    return -1;
  for (int i = 0; i < n; i++)
    unlinkat(dfd, v[i].name, 0);
  unlinkat(dfd, MANIFEST, 0);
  return unlinkat(parent, name, AT_REMOVEDIR);
}

/* Moves a bad entry of ours out of the way: removed when it holds only
 * what its manifest names, else renamed to NAME.bad-PID (and left). */
static int retire(dgc_cache *c, const char *key, int dfd, dgc_diag *d) {
  char aside[256];

  if (remove_entry(c->fd, key, dfd) == 0)
    return 0;
  snprintf(aside, sizeof aside, "%s.bad-%ld", key, (long)getpid());
  if (renameat(c->fd, key, c->fd, aside) != 0)
    return dgc_fail(d, "%s/%s: cannot move a bad entry aside: %s", c->root, key,
                    strerror(errno));
  return 0;
}

static bool good_key(const char *key) {
  return good_name(key) && !strstr(key, ".lock") && !strstr(key, ".bad-");
}

int dgc_cache_find(dgc_cache *c, const char *key, char **path, dgc_diag *d) {
  struct stat st;
  const char *why;
  int dfd, rc;

  *path = NULL;
  if (!good_key(key))
    return dgc_fail(d, "%s: not a cache key", key);
  if (fstatat(c->fd, key, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT
               ? 0
               : dgc_fail(d, "%s/%s: %s", c->root, key, strerror(errno));
  if (!S_ISDIR(st.st_mode) || (why = distrust(&st, false)))
    return dgc_fail(d, "%s/%s: %s: refusing to use or remove it", c->root, key,
                    S_ISDIR(st.st_mode) ? why : "not a directory");
  if ((dfd = open_dir(c->fd, key)) < 0)
    return dgc_fail(d, "%s/%s: %s", c->root, key, strerror(errno));
  why = verify_fd(dfd, key, false);
  if (why) {
    rc = retire(c, key, dfd, d);
    close(dfd);
    return rc;
  }
  close(dfd);
  /* Its modification time is its last use, for pruning (LRU). */
  utimensat(c->fd, key, NULL, AT_SYMLINK_NOFOLLOW);
  *path = dgc_path_join(c->root, key);
  return *path ? 1 : dgc_fail(d, "out of memory");
}

/* ---- the lock ------------------------------------------------------------ */

static void nap(void) {
  struct timespec ts = {0, 100 * 1000 * 1000};
  nanosleep(&ts, NULL);
}

/* Opens (creating it 0600) the lock file root/NAME.lock, refusing one that
 * is not a regular file of the user's. */
static int open_lock(dgc_cache *c, const char *file, dgc_diag *d) {
  struct stat st;
  const char *why = "not a regular file";
  int fd = openat(c->fd, file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return dgc_fail(d, "%s/%s: %s", c->root, file, strerror(errno));
  if (fstat(fd, &st) != 0 ||
      (S_ISREG(st.st_mode) && !(why = distrust(&st, false))))
    return fd;
  close(fd);
  return dgc_fail(d, "%s/%s: %s: refusing to use it", c->root, file, why);
}

int dgc_cache_lock(dgc_cache *c, const char *name, const char *what,
                   dgc_diag *d) {
  char file[160];
  time_t start = time(NULL);
  bool said = false;
  int fd;

  snprintf(file, sizeof file, "%s.lock", name);
  if ((fd = open_lock(c, file, d)) < 0)
    return -1;
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
      return fd;
    if (errno != EWOULDBLOCK && errno != EINTR) {
      dgc_fail(d, "%s/%s: %s", c->root, file, strerror(errno));
      break;
    }
    if (time(NULL) - start >= c->lock_wait) {
      dgc_fail(d,
               "%s/%s: another daggercc %s has held this lock for %d s: "
               "giving up",
               c->root, file, what, c->lock_wait);
      break;
    }
    if (!said)
      dgc_print_error(stderr, "daggercc", "waiting for another daggercc %s",
                      what);
    said = true;
    nap();
  }
  close(fd);
  return -1;
}

void dgc_cache_unlock(int fd) {
  if (fd >= 0)
    close(fd);
}

/* ---- building and publishing --------------------------------------------- */

int dgc_entry_begin(const char *parent, char **tmp, dgc_diag *d) {
  return dgc_tmp_dir(parent, tmp, d);
}

/* Lists every file of dir in its manifest (written last), each made
 * unwritable by others whatever the umask was. */
static int seal(const char *dir, dgc_diag *d) {
  int dfd = open_dir(AT_FDCWD, dir), n = 0, rc = 0;
  char *path = dgc_path_join(dir, MANIFEST), hex[DGC_SHA256_HEX];
  DIR *dp = dfd >= 0 ? fdopendir(dfd) : NULL;
  FILE *out = path && dp ? fopen(path, "wx") : NULL;
  struct dirent *e;

  if (!out)
    rc = dgc_fail(d, "%s: cannot write the manifest: %s", dir, strerror(errno));
  else
    fputs(MANIFEST_HEAD, out);
  while (rc == 0 && (e = readdir(dp))) {
    struct stat st;
    int fd;
    if (e->d_name[0] == '.' || strcmp(e->d_name, MANIFEST) == 0)
      continue;
    fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (!good_name(e->d_name) || n++ == MAX_FILES || fd < 0 ||
        fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        fchmod(fd, st.st_mode & 0755) != 0 || hash_fd(fd, hex) != 0)
      rc = dgc_fail(d, "%s/%s: cannot add to the entry", dir, e->d_name);
    else
      fprintf(out, "%s %llu %s\n", hex, (unsigned long long)st.st_size,
              e->d_name);
    if (fd >= 0)
      close(fd);
  }
  if (out && (fchmod(fileno(out), 0644) != 0 || fclose(out) != 0) && rc == 0)
    rc = dgc_fail(d, "%s: cannot write the manifest", dir);
  if (dp)
    closedir(dp);
  else if (dfd >= 0)
    close(dfd);
  free(path);
  return rc;
}

/* Whether the opened directory is an entry daggercc made: its manifest is
 * the user's and names everything in it (its content may be bad). */
static bool ours(int dfd) {
  listed v[MAX_FILES];
  const char *why;
  struct stat st;
  int n = read_manifest(dfd, false, v, &why);

  return n >= 0 && fstat(dfd, &st) == 0 && !distrust(&st, false) &&
         !check_names(dfd, v, n);
}

static bool empty_dir(int dfd) {
  int fd = dup(dfd);
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  struct dirent *e;
  bool empty = dp != NULL;

  if (!dp && fd >= 0)
    close(fd);
  while (dp && empty && (e = readdir(dp)))
    empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
  if (dp)
    closedir(dp);
  return empty;
}

/* 0 when dest may be replaced: absent, an empty directory, or an entry
 * daggercc made; with clear, it is removed (as far as its manifest names
 * files). Anything else is refused: it is not daggercc's to delete. */
static int replaceable(const char *dest, bool clear, dgc_diag *d) {
  struct stat st;
  int fd, rc = 0;

  if (lstat(dest, &st) != 0)
    return errno == ENOENT ? 0 : dgc_fail(d, "%s: %s", dest, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return dgc_fail(d,
                    "%s: exists and is not a directory: refusing to "
                    "replace it",
                    dest);
  if ((fd = open_dir(AT_FDCWD, dest)) < 0)
    return dgc_fail(d, "%s: %s", dest, strerror(errno));
  if (empty_dir(fd)) {
    if (clear && rmdir(dest) != 0)
      rc = dgc_fail(d, "%s: cannot replace: %s", dest, strerror(errno));
  } else if (!ours(fd))
    rc = dgc_fail(d,
                  "%s: not empty, and not a directory daggercc made: "
                  "refusing to replace it",
                  dest);
  else if (clear && remove_entry(AT_FDCWD, dest, fd) != 0)
    rc = dgc_fail(d, "%s: cannot replace: %s", dest, strerror(errno));
  close(fd);
  return rc;
}

int dgc_entry_replaceable(const char *dest, dgc_diag *d) {
  return replaceable(dest, false, d);
}

int dgc_entry_publish(const char *tmp, const char *dest, mode_t mode,
                      dgc_diag *d) {
  if (seal(tmp, d) != 0 || chmod(tmp, mode) != 0 ||
      replaceable(dest, true, d) != 0)
    return -1;
  if (rename(tmp, dest) != 0)
    return dgc_fail(d, "%s: %s", dest, strerror(errno));
  return 0;
}

/* ---- use and pruning ------------------------------------------------------
 */

#define USE_LOCK "use.lock"

int dgc_cache_use(dgc_cache *c, dgc_diag *d) {
  int fd = open_lock(c, USE_LOCK, d);

  while (fd >= 0 && flock(fd, LOCK_SH) != 0) {
    if (errno != EINTR) {
      dgc_fail(d, "%s/%s: %s", c->root, USE_LOCK, strerror(errno));
      close(fd);
      return -1;
    }
  }
  return fd;
}

typedef struct aged {
  char name[128];
  unsigned long long size;
  struct timespec used;
} aged;

/* The entry `name` of the root, when it is one of ours: its size (its
 * files and manifest) and last use. */
static bool age_of(dgc_cache *c, const char *name, aged *a) {
  listed v[MAX_FILES];
  const char *why;
  struct stat st;
  int dfd, n;

  if (!good_key(name) || strlen(name) >= sizeof a->name ||
      fstatat(c->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISDIR(st.st_mode) || distrust(&st, false) ||
      (dfd = open_dir(c->fd, name)) < 0)
    return false;
  n = read_manifest(dfd, false, v, &why);
  close(dfd);
  if (n < 0)
    return false;
  strcpy(a->name, name);
  a->size = 4096; /* the manifest and the directory */
  for (int i = 0; i < n; i++)
    a->size += v[i].size;
  a->used = st.st_mtim;
  return true;
}

static int by_use(const void *x, const void *y) {
  const aged *a = x, *b = y;

  if (a->used.tv_sec != b->used.tv_sec)
    return a->used.tv_sec < b->used.tv_sec ? -1 : 1;
  if (a->used.tv_nsec != b->used.tv_nsec)
    return a->used.tv_nsec < b->used.tv_nsec ? -1 : 1;
  return strcmp(a->name, b->name);
}

/* Every entry of the root, with *total their size. NULL with *n 0 when
 * there is none or no memory. */
static aged *list_entries(dgc_cache *c, size_t *n, unsigned long long *total) {
  int fd = dup(c->fd);
  DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
  struct dirent *e;
  aged *v = NULL, *grown;
  size_t cap = 0;

  *n = 0;
  *total = 0;
  if (!dp) {
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  rewinddir(dp);
  while ((e = readdir(dp))) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 256;
      if (!(grown = realloc(v, cap * sizeof *v)))
        break;
      v = grown;
    }
    if (age_of(c, e->d_name, &v[*n]))
      *total += v[(*n)++].size;
  }
  closedir(dp);
  return v;
}

int dgc_cache_prune(dgc_cache *c, unsigned long long max, size_t *removed,
                    dgc_diag *d) {
  int fd = open_lock(c, USE_LOCK, d), dfd;
  unsigned long long total;
  size_t n;
  aged *v;

  *removed = 0;
  if (fd < 0)
    return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) { /* in use: a later run prunes */
    close(fd);
    return 0;
  }
  v = list_entries(c, &n, &total);
  if (total > max) {
    qsort(v, n, sizeof *v, by_use);
    for (size_t i = 0; i < n && total > max / 4 * 3; i++) {
      if ((dfd = open_dir(c->fd, v[i].name)) < 0)
        continue;
      if (remove_entry(c->fd, v[i].name, dfd) == 0) {
        total -= v[i].size;
        ++*removed;
      }
      close(dfd);
    }
  }
  free(v);
  close(fd);
  return 0;
}
