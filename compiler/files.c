/* The files daggercc is handed and the files it writes, on a machine where
 * inputs, output names and folders may come from someone else:
 *  - inputs are regular files of at most DGC_INPUT_MAX bytes, opened without
 *    blocking (a FIFO never hangs the compile);
 *  - an output that is one of the inputs (same device and inode, whatever
 *    the names) is refused, as gcc refuses it;
 *  - what the C compiler left as the program is checked to be an ELF
 *    executable of the target before it replaces the output, so a compiler
 *    that did not link (CC=true, CFLAGS=-c or -E) cannot install garbage;
 *  - files written into a folder the user named (--emit-c) never follow a
 *    symbolic link and replace an existing file in one rename. */
#include "compiler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *dgc_path_join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *s = malloc(n);

  if (s)
    snprintf(s, n, "%s/%s", dir, name);
  return s;
}

/* ---- inputs -------------------------------------------------------------- */

/* Opens path for reading, never blocking on a FIFO or device, and checks
 * that it is a regular file within the limit. The fd, or -1 with a message
 * (without the path: the caller locates it). */
static int open_input(const char *path, struct stat *st, dgc_diag *d) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return dgc_fail(d, "cannot open: %s", strerror(errno));
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    int e = errno;
    close(fd);
    return S_ISREG(st->st_mode) ? dgc_fail(d, "cannot read: %s", strerror(e))
                                : dgc_fail(d, "not a regular file");
  }
  if ((uint64_t)st->st_size > DGC_INPUT_MAX) {
    close(fd);
    return dgc_fail(d, "larger than the limit of %u MiB for an input",
                    (unsigned)(DGC_INPUT_MAX >> 20));
  }
  /* Regular files never block; clear the flag anyway for the reads. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

int dgc_check_input(const char *path, dgc_diag *d) {
  struct stat st;
  int fd = open_input(path, &st, d);

  if (fd < 0)
    return -1;
  close(fd);
  return 0;
}

/* Reads what the fd holds, up to limit bytes: size, its size at the fstat,
 * sizes the buffer, but the file may have grown since. */
static int read_fd(int fd, size_t size, uint64_t limit, uint8_t **buf,
                   size_t *len, dgc_diag *d) {
  size_t n = 0, cap = size + 2; /* room for the NUL, and to see the end */
  uint8_t *p = malloc(cap), *grown;
  ssize_t got = 0;

  while (p) {
    if (n + 1 >= cap) {
      grown = realloc(p, cap *= 2);
      if (!grown)
        break;
      p = grown;
    }
    got = read(fd, p + n, cap - n - 1);
    if (got > 0)
      n += (size_t)got;
    if (got == 0 || n > limit || (got < 0 && errno != EINTR))
      break;
  }
  if (!p || got != 0 || n > limit) {
    int e = !p || got > 0 ? ENOMEM : errno;
    free(p);
    return n > limit ? dgc_fail(d, "larger than the limit for an input")
                     : dgc_fail(d, "cannot read: %s", strerror(e));
  }
  p[n] = '\0'; /* so that text files read here are strings */
  *buf = p;
  *len = n;
  return 0;
}

int dgc_read_input(const char *path, uint8_t **buf, size_t *len, dgc_diag *d) {
  struct stat st;
  int fd = open_input(path, &st, d), rc;

  if (fd < 0)
    return -1;
  rc = read_fd(fd, (size_t)st.st_size, DGC_INPUT_MAX, buf, len, d);
  close(fd);
  return rc;
}

/* ---- the output ---------------------------------------------------------- */

int dgc_check_not_input(const char *output, const char *input, dgc_diag *d) {
  struct stat so, si;

  if (stat(output, &so) != 0 || stat(input, &si) != 0)
    return 0;
  if (so.st_dev == si.st_dev && so.st_ino == si.st_ino)
    return dgc_fail(d, "the output would overwrite the input");
  return 0;
}

/* e_machine of the ELF files of a target, from the triple's first part;
 * 0 when unknown (then any machine is accepted). */
static unsigned elf_machine(const char *triple) {
  static const struct {
    const char *arch;
    unsigned machine;
  } table[] = {
      {"x86_64", 62}, {"aarch64", 183},  {"arm", 40},          {"riscv64", 243},
      {"s390x", 22},  {"i386", 3},       {"i486", 3},          {"i586", 3},
      {"i686", 3},    {"powerpc64", 21}, {"powerpc64le", 21},  {"powerpc", 20},
      {"mips", 8},    {"mipsel", 8},     {"loongarch64", 258},
  };
  size_t n = strcspn(triple, "-");

  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strlen(table[i].arch) == n && strncmp(triple, table[i].arch, n) == 0)
      return table[i].machine;
  return 0;
}

static unsigned get16(const unsigned char *p, bool big) {
  return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

/* e_entry, at offset 24 in both classes. */
static uint64_t entry(const unsigned char *h, const dgc_target *t) {
  uint64_t e = 0;
  int n = t->is64 ? 8 : 4;

  for (int i = 0; i < n; i++)
    e = e << 8 | h[24 + (t->big_endian ? i : n - 1 - i)];
  return e;
}

/* What the ELF header in h (64 bytes read, n of them valid) says is wrong
 * for an executable of t; NULL when nothing. */
static const char *elf_problem(const unsigned char *h, size_t n,
                               const dgc_target *t) {
  unsigned type, machine, want = elf_machine(t->triple);

  if (n == 0)
    return "an empty file";
  if (n < 52 || memcmp(h, "\177ELF", 4) != 0)
    return "a file that is not ELF";
  if (h[4] != (t->is64 ? 2 : 1) || h[5] != (t->big_endian ? 2 : 1))
    return "an ELF file of another word size or byte order";
  type = get16(h + 16, t->big_endian);
  machine = get16(h + 18, t->big_endian);
  if (type != 2 && type != 3) /* ET_EXEC, ET_DYN */
    return type == 1 ? "an object file" : "an ELF file of another kind";
  if (want && machine != want)
    return "a program for another machine";
  /* A shared library is ET_DYN too, but has no entry point. */
  if (entry(h, t) == 0)
    return type == 3 ? "a shared library"
                     : "an ELF file without an entry point";
  return NULL;
}

int dgc_check_executable(const char *path, const dgc_target *t, dgc_diag *d) {
  unsigned char h[64];
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  ssize_t n;
  const char *why;

  if (fd < 0)
    return dgc_fail(d, "cannot read what the C compiler wrote: %s",
                    strerror(errno));
  do
    n = read(fd, h, sizeof h);
  while (n < 0 && errno == EINTR);
  close(fd);
  if (n < 0)
    return dgc_fail(d, "cannot read what the C compiler wrote: %s",
                    strerror(errno));
  why = elf_problem(h, (size_t)n, t);
  if (why)
    return dgc_fail(d,
                    "the C compiler exited 0 but wrote %s instead of a "
                    "program for %s (check CC and CFLAGS)",
                    why, t->triple);
  return 0;
}

/* ---- files written into a folder the user named (--emit-c) ------------- */

int dgc_out_dir_open(const char *dir, dgc_diag *d) {
  struct stat st;
  int fd;

  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return dgc_fail(d, "%s: cannot create: %s", dir, strerror(errno));
  fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return dgc_fail(d, "%s: %s", dir, strerror(errno));
  if (fstat(fd, &st) != 0 ||
      (st.st_uid != geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)) {
    close(fd);
    return dgc_fail(d,
                    "%s: owned by another user and writable by others: "
                    "refusing to write into it",
                    dir);
  }
  return fd;
}

/* Writes all of buf to fd. */
static int write_all(int fd, const uint8_t *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* A new file in dfd under a fresh hidden name (O_EXCL|O_NOFOLLOW: never an
 * existing file, never through a link); the fd, its name in tmp. */
static int create_beside(int dfd, const char *name, char *tmp, size_t size) {
  static unsigned counter;

  for (int tries = 0; tries < 100; tries++) {
    int fd;
    snprintf(tmp, size, ".%.40s.%ld.%u", name, (long)getpid(), counter++);
    fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0666);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  return -1;
}

int dgc_out_dir_write(int dfd, const char *dir, const char *name,
                      const uint8_t *buf, size_t len, dgc_diag *d) {
  char tmp[128];
  int fd = create_beside(dfd, name, tmp, sizeof tmp), rc;

  if (fd < 0)
    return dgc_fail(d, "%s/%s: cannot create: %s", dir, name, strerror(errno));
  rc = write_all(fd, buf, len);
  if (close(fd) != 0)
    rc = -1;
  /* rename replaces whatever name is (a link itself, not what it names). */
  if (rc == 0 && renameat(dfd, tmp, dfd, name) == 0)
    return 0;
  rc = errno;
  unlinkat(dfd, tmp, 0);
  return dgc_fail(d, "%s/%s: cannot write: %s", dir, name, strerror(rc));
}
