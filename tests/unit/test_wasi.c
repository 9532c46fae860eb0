/* WASI preview1 over the runtime (rt/wasi/), called as the glue and the
 * interpreter call it (dagger_wasi_call) with a real guest memory and a
 * real jail in a temporary directory: results, errno values, bad pointers
 * (at and past the end of memory), bad descriptors, rights, the jail's and
 * the policy's refusals, and the byte-reversed layout. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../rt/wasi/wasi.h"
#include "rt.h"
#include "unit.h"

#define MEM 65536u
static uint8_t buf[MEM];
static uint8_t *base = buf;
static uint32_t pages = 1;
static char jail[64];

static dagger_rt *new_rt_with(int reversed, const char *const *deny,
                              const char *const *env) {
  static const char *const args[] = {"prog", "one", "two words", NULL};
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = "test";
  cfg.jail_root = jail;
  cfg.args = args;
  cfg.env = env;
  cfg.deny = deny;
  dagger_rt *rt = dagger_rt_new(&cfg);
  dagger_rt_set_memory(rt, (dagger_memory){&base, &pages, reversed});
  CU_ASSERT_EQUAL(dagger_wasi_init(rt), DAGGER_OK);
  memset(buf, 0, sizeof buf);
  return rt;
}

static dagger_rt *new_rt(void) {
  return new_rt_with(0, NULL, NULL);
}

/* fn with up to 9 arguments (the rest zero). */
static int32_t call(dagger_rt *rt, dagger_wasi_fn fn, int n, ...) {
  uint64_t a[16] = {0};
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    a[i] = va_arg(ap, uint64_t);
  va_end(ap);
  return dagger_wasi_call(rt, fn, a);
}
#define C(rt, fn, ...)                                                         \
  call(rt, DAGGER_WASI_##fn, (int)(sizeof((uint64_t[]){__VA_ARGS__}) / 8),     \
       __VA_ARGS__)

static uint32_t get32(uint32_t at) {
  return wasi_get32(buf + at);
}

/* Places s at guest offset at; its length. */
static uint64_t put(uint32_t at, const char *s) {
  memcpy(buf + at, s, strlen(s));
  return strlen(s);
}

/* path_open below descriptor 3; the new descriptor, or -errno. */
static int32_t open_path(dagger_rt *rt, const char *path, uint64_t oflags,
                         uint64_t rights) {
  uint64_t n = put(1000, path);
  int32_t r = C(rt, path_open, 3, 0, 1000, n, oflags, rights, 0, 0, 2000);
  return r ? -r : (int32_t)get32(2000);
}

/* path_open with SYMLINK_FOLLOW, for reading. */
static int32_t open_follow(dagger_rt *rt, const char *path) {
  uint64_t n = put(1000, path);
  int32_t r =
      C(rt, path_open, 3, 1, 1000, n, 0, WASI_RIGHT_FD_READ, 0, 0, 2000);
  return r ? -r : (int32_t)get32(2000);
}

static void test_args_env(void) {
  static const char *const env[] = {"FIXED=1", "UNIT_HOST_VAR", "UNSET_X",
                                    NULL};
  setenv("UNIT_HOST_VAR", "from host", 1);
  unsetenv("UNSET_X");
  dagger_rt *rt = new_rt_with(0, NULL, env);
  CU_ASSERT_EQUAL(C(rt, args_sizes_get, 0, 4), 0);
  CU_ASSERT_EQUAL(get32(0), 3);
  CU_ASSERT_EQUAL(get32(4), strlen("progonetwo words") + 3);
  CU_ASSERT_EQUAL(C(rt, args_get, 100, 200), 0);
  CU_ASSERT_STRING_EQUAL((char *)buf + get32(108), "two words");
  CU_ASSERT_EQUAL(C(rt, environ_sizes_get, 0, 4), 0);
  CU_ASSERT_EQUAL(get32(0), 2); /* UNSET_X is not set on the host */
  CU_ASSERT_EQUAL(C(rt, environ_get, 100, 200), 0);
  CU_ASSERT_STRING_EQUAL((char *)buf + get32(100), "FIXED=1");
  CU_ASSERT_STRING_EQUAL((char *)buf + get32(104), "UNIT_HOST_VAR=from host");
  /* the end of memory: nothing is written when any part is out */
  CU_ASSERT_EQUAL(C(rt, args_sizes_get, MEM - 4, MEM - 3), WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, args_sizes_get, MEM - 8, MEM - 4), 0);
  buf[MEM - 1] = 0x55;
  CU_ASSERT_EQUAL(C(rt, args_get, 0, MEM - 5), WASI_EFAULT);
  CU_ASSERT_EQUAL(buf[MEM - 1], 0x55);
  CU_ASSERT_EQUAL(C(rt, args_get, UINT32_MAX, 0), WASI_EFAULT);
  dagger_rt_free(rt);
}

static void test_bad_descriptors(void) {
  dagger_rt *rt = new_rt();
  wasi_put32(buf + 0, 100);
  wasi_put32(buf + 4, 1);
  CU_ASSERT_EQUAL(C(rt, fd_write, 9, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_write, UINT32_MAX, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_read, 3, 0, 1, 16), WASI_EISDIR);
  CU_ASSERT_EQUAL(C(rt, fd_close, 9), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_seek, 1, 0, 0, 16), WASI_ESPIPE);
  CU_ASSERT_EQUAL(C(rt, fd_prestat_get, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_renumber, 1, 9), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, sock_shutdown, 9, 1), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, sock_shutdown, 1, 1), WASI_ENOTSOCK);
  CU_ASSERT_EQUAL(C(rt, fd_readdir, 1, 0, 100, 0, 200), WASI_ENOTDIR);
  dagger_rt_free(rt);
}

static void test_bad_pointers(void) {
  dagger_rt *rt = new_rt();
  /* iovec array past the end, iovec buffer past the end, result past it */
  CU_ASSERT_EQUAL(C(rt, fd_write, 2, MEM - 4, 1, 16), WASI_EFAULT);
  wasi_put32(buf + 0, MEM - 2);
  wasi_put32(buf + 4, 3);
  CU_ASSERT_EQUAL(C(rt, fd_write, 2, 0, 1, 16), WASI_EFAULT);
  wasi_put32(buf + 4, 0);
  CU_ASSERT_EQUAL(C(rt, fd_write, 2, 0, 1, MEM - 3), WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, fd_write, 2, 0, 1, MEM - 4), 0);
  CU_ASSERT_EQUAL(C(rt, fd_fdstat_get, 3, MEM - 23), WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, clock_time_get, 1, 0, MEM - 7), WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, random_get, MEM - 10, 11), WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, random_get, MEM - 10, 10), 0);
  CU_ASSERT_EQUAL(C(rt, path_open, 3, 0, MEM - 2, 5, 0, 0, 0, 0, 16),
                  WASI_EFAULT);
  CU_ASSERT_EQUAL(C(rt, poll_oneoff, MEM - 47, 0, 1, 16), WASI_EFAULT);
  /* one iovec (io_one) and two (the general path) on a Dagger stream, to
   * the last byte of memory; the standard streams' other direction */
  int32_t nul = dagger_open_url(rt, "null://", 7);
  CU_ASSERT_FATAL(nul >= 4);
  wasi_put32(buf + 0, MEM - 1);
  wasi_put32(buf + 4, 1);
  wasi_put32(buf + 8, 100);
  wasi_put32(buf + 12, 5);
  CU_ASSERT_EQUAL(C(rt, fd_write, nul, 0, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 1);
  CU_ASSERT_EQUAL(C(rt, fd_write, nul, 0, 2, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 6);
  CU_ASSERT_EQUAL(C(rt, fd_write, nul, MEM - 7, 1, 16), WASI_EFAULT);
  wasi_put32(buf + MEM - 8, 100);
  wasi_put32(buf + MEM - 4, 2);
  CU_ASSERT_EQUAL(C(rt, fd_write, nul, MEM - 8, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 2);
  CU_ASSERT_EQUAL(C(rt, fd_write, 0, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_read, 1, 0, 1, 16), WASI_EBADF);
  dagger_rt_free(rt);
}

static void test_errnos(void) {
  dagger_rt *rt = new_rt();
  CU_ASSERT_EQUAL(C(rt, clock_time_get, 9, 0, 16), WASI_EINVAL);
  CU_ASSERT_EQUAL(C(rt, clock_res_get, 4, 16), WASI_EINVAL);
  CU_ASSERT_EQUAL(C(rt, clock_res_get, 2, 16), 0);
  CU_ASSERT_EQUAL(C(rt, poll_oneoff, 0, 100, 0, 16), WASI_EINVAL);
  CU_ASSERT_EQUAL(C(rt, proc_raise, 9), WASI_ENOSYS);
  CU_ASSERT_EQUAL(C(rt, fd_fdstat_set_flags, 3, 2), WASI_ENOTSUP);
  CU_ASSERT_EQUAL(C(rt, fd_fdstat_set_rights, 3, WASI_RIGHTS_ALL, 0),
                  WASI_ENOTCAPABLE);
  CU_ASSERT_EQUAL(C(rt, fd_prestat_dir_name, 3, 16, 0), WASI_ENAMETOOLONG);
  CU_ASSERT_EQUAL(C(rt, fd_prestat_dir_name, 3, 16, 1), 0);
  CU_ASSERT_EQUAL(buf[16], '/');
  CU_ASSERT_EQUAL(dagger_wasi_call(rt, (dagger_wasi_fn)DAGGER_WASI_COUNT, NULL),
                  WASI_ENOSYS);
  dagger_rt_free(rt);
}

static void test_files(void) {
  dagger_rt *rt = new_rt();
  int32_t fd = open_path(rt, "f.txt", WASI_O_CREAT | WASI_O_TRUNC,
                         WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE |
                             WASI_RIGHT_FD_FILESTAT_GET);
  CU_ASSERT_FATAL(fd >= 4);
  put(300, "hello");
  wasi_put32(buf + 0, 300);
  wasi_put32(buf + 4, 5);
  CU_ASSERT_EQUAL(C(rt, fd_write, fd, 0, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 5);
  wasi_put32(buf + 0, 400);
  CU_ASSERT_EQUAL(C(rt, fd_pread, fd, 0, 1, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 4);
  CU_ASSERT_EQUAL(memcmp(buf + 400, "ello", 4), 0);
  CU_ASSERT_EQUAL(C(rt, fd_seek, fd, 0, 3, 16), WASI_EINVAL);
  CU_ASSERT_EQUAL(C(rt, fd_seek, fd, (uint64_t)-2, 2, 16), 0);
  CU_ASSERT_EQUAL(wasi_get64(buf + 16), 3);
  CU_ASSERT_EQUAL(C(rt, fd_filestat_get, fd, 100), 0);
  CU_ASSERT_EQUAL(buf[116], WASI_FILETYPE_REGULAR_FILE);
  CU_ASSERT_EQUAL(wasi_get64(buf + 132), 5);
  CU_ASSERT_EQUAL(C(rt, path_open, fd, 0, 1000, 1, 0, 0, 0, 0, 16),
                  WASI_ENOTDIR);
  CU_ASSERT_EQUAL(C(rt, fd_close, fd), 0);
  CU_ASSERT_EQUAL(open_path(rt, "f.txt", WASI_O_CREAT | WASI_O_EXCL, 0),
                  -WASI_EEXIST);
  CU_ASSERT_EQUAL(open_path(rt, "missing", 0, 0), -WASI_ENOENT);
  /* link and rename: an entry on each side */
  put(500, "f.txt");
  put(600, "g.txt");
  put(700, "h.txt");
  CU_ASSERT_EQUAL(C(rt, path_link, 3, 1, 500, 5, 3, 600, 5), WASI_EINVAL);
  CU_ASSERT_EQUAL(C(rt, path_link, 3, 0, 500, 5, 3, 600, 5), 0);
  CU_ASSERT_EQUAL(C(rt, path_link, 3, 0, 500, 5, 3, 600, 5), WASI_EEXIST);
  CU_ASSERT_EQUAL(C(rt, path_rename, 3, 600, 5, 3, 700, 5), 0);
  CU_ASSERT_EQUAL(C(rt, path_rename, 3, 600, 5, 3, 700, 5), WASI_ENOENT);
  CU_ASSERT_EQUAL(C(rt, path_rename, 3, 700, 5, 99, 600, 5), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, path_link, 3, 0, 500, 5, 99, 600, 5), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 700, 5), 0);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 700, 5), WASI_ENOENT);
  dagger_rt_free(rt);
}

static void test_jail(void) {
  char outside[128];
  dagger_rt *rt = new_rt();
  snprintf(outside, sizeof outside, "%s/../outside-%d", jail, (int)getpid());
  CU_ASSERT_EQUAL(open_path(rt, "../x", 0, 0), -WASI_EPERM);
  CU_ASSERT_EQUAL(open_path(rt, "/etc/passwd", 0, 0), -WASI_EPERM);
  CU_ASSERT_EQUAL(open_path(rt, "", 0, 0), -WASI_ENOENT);
  CU_ASSERT_EQUAL(open_path(rt, "a\0b", 0, 0), -WASI_ENOENT); /* put: "a" */
  uint64_t n = put(1000, "f.txt");
  buf[1001] = '\0';
  CU_ASSERT_EQUAL(C(rt, path_open, 3, 0, 1000, n, 0, 0, 0, 0, 16), WASI_EINVAL);
  /* links: inside followed, leading out or absolute refused */
  n = put(500, "../../etc");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "out")), 0);
  CU_ASSERT_EQUAL(open_path(rt, "out/passwd", 0, 0), -WASI_EPERM);
  n = put(500, "/etc");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "abs")),
                  WASI_EPERM);
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "d")), 0);
  n = put(500, "d");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "in")), 0);
  int32_t fd = open_path(rt, "in/../d", WASI_O_DIRECTORY, 0);
  CU_ASSERT(fd >= 4);
  CU_ASSERT_EQUAL(C(rt, path_filestat_get, 3, 0, 1000, put(1000, "in"), 100),
                  0);
  CU_ASSERT_EQUAL(buf[116], WASI_FILETYPE_SYMBOLIC_LINK);
  CU_ASSERT_EQUAL(C(rt, path_filestat_get, 3, 1, 1000, put(1000, "in"), 100),
                  0);
  CU_ASSERT_EQUAL(buf[116], WASI_FILETYPE_DIRECTORY);
  /* unlinking through a directory descriptor below the jail */
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "in")), 0);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "out")), 0);
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, fd, 1000, put(1000, "..")),
                  WASI_ENOTCAPABLE); /* opened without the inheriting right */
  CU_ASSERT_EQUAL(C(rt, fd_close, fd), 0);
  fd = open_path(rt, "d", WASI_O_DIRECTORY, 0);
  CU_ASSERT_EQUAL(C(rt, fd_fdstat_set_rights, fd, 0, 0), 0);
  CU_ASSERT_EQUAL(C(rt, fd_close, fd), 0);
  n = put(1000, "d");
  CU_ASSERT_EQUAL(C(rt, path_open, 3, 0, 1000, n, WASI_O_DIRECTORY,
                    WASI_RIGHTS_DIR, WASI_RIGHTS_ALL, 0, 16),
                  0);
  fd = (int32_t)get32(16);
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, fd, 1000, put(1000, "..")),
                  WASI_EPERM); /* ".." leads out of the directory */
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, 3, 1000, put(1000, "d")), 0);
  dagger_rt_free(rt);
}

static void test_policy(void) {
  static const char *const deny[] = {"file:///secret", "file:///d/deep", NULL};
  dagger_rt *rt = new_rt_with(0, deny, NULL);
  close(open(strcat(strcpy((char[128]){0}, jail), "/secret"),
             O_CREAT | O_WRONLY, 0644));
  CU_ASSERT_EQUAL(open_path(rt, "secret", 0, WASI_RIGHT_FD_READ), -WASI_EPERM);
  CU_ASSERT_EQUAL(open_path(rt, "./x/../secret", 0, WASI_RIGHT_FD_READ),
                  -WASI_EPERM);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "secret")),
                  WASI_EPERM);
  int32_t fd = open_path(rt, "f.txt", WASI_O_CREAT, WASI_RIGHT_FD_READ);
  CU_ASSERT(fd >= 4);
  /* an entry below a subdirectory: decided on the whole path */
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "d")), 0);
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "d/deep")),
                  WASI_EPERM);
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "d/ok")), 0);
  /* A link, which the guest may make, is no way around a rule: the
   * policy decides on the name, so under a policy no link is followed
   * (fuzz_wasi_path found "l -> secret" opened under --deny secret). */
  uint64_t n = put(500, "secret");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "l")), 0);
  CU_ASSERT_EQUAL(open_path(rt, "l", 0, WASI_RIGHT_FD_READ), -WASI_ELOOP);
  n = put(500, "d/deep");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "ld")), 0);
  CU_ASSERT_EQUAL(open_path(rt, "ld/x", WASI_O_CREAT, WASI_RIGHT_FD_WRITE),
                  -WASI_ELOOP);
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "ld/y")),
                  WASI_ELOOP);
  /* the link itself is still an entry: stat without following, unlink */
  CU_ASSERT_EQUAL(C(rt, path_filestat_get, 3, 0, 1000, put(1000, "l"), 100), 0);
  CU_ASSERT_EQUAL(buf[116], WASI_FILETYPE_SYMBOLIC_LINK);
  CU_ASSERT_EQUAL(C(rt, path_filestat_get, 3, 1, 1000, put(1000, "l"), 100),
                  WASI_ELOOP);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "l")), 0);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "ld")), 0);
  /* left as found, for the walk's second run (test_walk) */
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, 3, 1000, put(1000, "d/ok")), 0);
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, 3, 1000, put(1000, "d")), 0);
  CU_ASSERT_EQUAL(C(rt, fd_close, fd), 0);
  dagger_rt_free(rt);
}

/* A whole-jail --deny leaves no preopen (descriptor 3 closed). */
static void test_no_preopen(void) {
  static const char *const deny[] = {"file", NULL};
  dagger_rt *rt = new_rt_with(0, deny, NULL);
  CU_ASSERT_EQUAL(C(rt, fd_prestat_get, 3, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(C(rt, fd_prestat_get, 2, 16), WASI_EBADF);
  dagger_rt_free(rt);
}

/* Where openat2 is missing (qemu-user, old kernels), walk.c resolves, with
 * openat2's answers: ".." and links that stay inside work, escapes do not
 * (EPERM), and under a policy no link is followed; the jail and policy
 * tests hold as they are. */
static void test_walk(void) {
  dagger_file_set_resolver(DAGGER_RESOLVE_WALK);
  test_jail();
  test_policy();
  dagger_rt *rt = new_rt();
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "w")), 0);
  CU_ASSERT_EQUAL(C(rt, path_create_directory, 3, 1000, put(1000, "w/x")), 0);
  int32_t fd = open_path(rt, "w/../w/x/f", WASI_O_CREAT, WASI_RIGHT_FD_WRITE);
  CU_ASSERT(fd >= 4);
  CU_ASSERT_EQUAL(open_path(rt, "w/../..", 0, 0), -WASI_EPERM);
  /* a link in a subdirectory, to ".." and back down: inside, followed */
  uint64_t n = put(500, "../../w/x/f");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "w/x/l")), 0);
  CU_ASSERT_EQUAL(open_path(rt, "w/x/l", 0, WASI_RIGHT_FD_READ), -WASI_ELOOP);
  CU_ASSERT(open_follow(rt, "w/x/l") >= 4);
  CU_ASSERT_EQUAL(C(rt, path_filestat_get, 3, 1, 1000, put(1000, "w/x/l"), 100),
                  0);
  CU_ASSERT_EQUAL(buf[116], WASI_FILETYPE_REGULAR_FILE);
  n = put(500, "../../..");
  CU_ASSERT_EQUAL(C(rt, path_symlink, 500, n, 3, 1000, put(1000, "w/x/up")), 0);
  CU_ASSERT_EQUAL(open_follow(rt, "w/x/up"), -WASI_EPERM);
  CU_ASSERT_EQUAL(open_follow(rt, "w/x/up/x"), -WASI_EPERM);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "w/x/up")), 0);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "w/x/l")), 0);
  CU_ASSERT_EQUAL(C(rt, path_unlink_file, 3, 1000, put(1000, "w//x/f")), 0);
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, 3, 1000, put(1000, "w/x/")), 0);
  CU_ASSERT_EQUAL(C(rt, path_remove_directory, 3, 1000, put(1000, "w")), 0);
  dagger_file_set_resolver(DAGGER_RESOLVE_AUTO);
  dagger_rt_free(rt);
}

/* In the byte-reversed layout, structures still read little-endian
 * through the accessors. */
static void test_reversed(void) {
  dagger_rt *rt = new_rt_with(1, NULL, NULL);
  uint8_t st[24];
  CU_ASSERT_EQUAL(C(rt, fd_fdstat_get, 3, 64), 0);
  dagger_mem_load(&rt->mem, 64, st, sizeof st);
  CU_ASSERT_EQUAL(st[0], WASI_FILETYPE_DIRECTORY);
  CU_ASSERT_EQUAL(wasi_get64(st + 8), WASI_RIGHTS_DIR);
  CU_ASSERT_EQUAL(buf[MEM - 1 - 64], WASI_FILETYPE_DIRECTORY);
  CU_ASSERT_EQUAL(C(rt, args_sizes_get, 0, 4), 0);
  uint8_t w[4];
  dagger_mem_load(&rt->mem, 0, w, 4);
  CU_ASSERT_EQUAL(wasi_get32(w), 3);
  /* the direct entry's one iovec goes through the bounce buffer */
  int32_t nul = dagger_open_url(rt, "null://", 7);
  uint8_t iov[8];
  wasi_put32(iov, 100);
  wasi_put32(iov + 4, 5);
  dagger_mem_store(&rt->mem, 0, iov, 8);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), 0);
  dagger_mem_load(&rt->mem, 16, w, 4);
  CU_ASSERT_EQUAL(wasi_get32(w), 5);
  dagger_rt_free(rt);
}

static void test_poll_and_exit(void) {
  dagger_rt *rt = new_rt();
  int status = -1;
  wasi_put64(buf + 0, 77);       /* userdata */
  buf[8] = 0;                    /* clock */
  wasi_put32(buf + 16, 1);       /* monotonic */
  wasi_put64(buf + 24, 1000000); /* 1 ms */
  CU_ASSERT_EQUAL(C(rt, poll_oneoff, 0, 100, 1, 200), 0);
  CU_ASSERT_EQUAL(get32(200), 1);
  CU_ASSERT_EQUAL(wasi_get64(buf + 100), 77);
  CU_ASSERT_EQUAL(wasi_get16(buf + 108), 0);
  CU_ASSERT_FALSE(dagger_wasi_exited(rt, &status));
  CU_ASSERT_EQUAL(C(rt, proc_exit, 7), 0);
  CU_ASSERT_TRUE(dagger_wasi_exited(rt, &status));
  CU_ASSERT_EQUAL(status, 7);
  CU_ASSERT_EQUAL(C(rt, sched_yield, 0), WASI_ENOSYS); /* after exit */
  dagger_rt_free(rt);
}

/* The direct entries the glue calls for fd_write and fd_read (their
 * one-iovec path on a stream is apart from the general one): the same
 * answers as dagger_wasi_call, every range checked in 64 bits, the call and
 * the bytes counted, ENOSYS without WASI state and after proc_exit, and the
 * same results with a time limit watched (the hooks' path). */
static void direct_ranges(dagger_rt *rt, int32_t nul) {
  uint64_t calls = rt->stats_store.wasi_calls[DAGGER_WASI_fd_write];
  wasi_put32(buf + 0, 100);
  wasi_put32(buf + 4, 3);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 3);
  CU_ASSERT_EQUAL(rt->stats_store.wasi_calls[DAGGER_WASI_fd_write], calls + 1);
  /* the iovec array, the result and the buffer past the end, and sums
   * that wrap in 32 bits */
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, MEM - 7, 1, 16), WASI_EFAULT);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, UINT32_MAX - 3, 1, 16),
                  WASI_EFAULT);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, MEM - 3), WASI_EFAULT);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, UINT32_MAX - 1),
                  WASI_EFAULT);
  wasi_put32(buf + 0, UINT32_MAX);
  wasi_put32(buf + 4, 2);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), WASI_EFAULT);
  wasi_put32(buf + 0, MEM - 1);
  wasi_put32(buf + 4, UINT32_MAX);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), WASI_EFAULT);
  CU_ASSERT_EQUAL(get32(16), 3); /* untouched by the refusals */
  /* the last byte of memory, then an empty iovec */
  wasi_put32(buf + 4, 1);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, MEM - 4), 0);
  CU_ASSERT_EQUAL(get32(MEM - 4), 1);
  wasi_put32(buf + 0, MEM);
  wasi_put32(buf + 4, 0);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 0);
  CU_ASSERT_EQUAL(rt->stats_store.wasi_calls[DAGGER_WASI_fd_write], calls + 9);
}

static void test_direct(void) {
  dagger_rt *rt = new_rt();
  int32_t nul = dagger_open_url(rt, "null://", 7);
  int32_t zero = dagger_open_url(rt, "zero://", 7);
  CU_ASSERT_FATAL(nul >= 4 && zero >= 4);
  uint64_t written = rt->stats_store.wasi_written;
  direct_ranges(rt, nul);
  CU_ASSERT_EQUAL(rt->stats_store.wasi_written, written + 4);
  /* fd_read fills the buffer; the wrong direction and bad descriptors */
  memset(buf + 100, 0x55, 4);
  wasi_put32(buf + 0, 100);
  wasi_put32(buf + 4, 4);
  CU_ASSERT_EQUAL(dagger_wasi_fd_read(rt, zero, 0, 1, 16), 0);
  CU_ASSERT_EQUAL(get32(16), 4);
  CU_ASSERT_EQUAL(get32(100), 0);
  CU_ASSERT_EQUAL(rt->stats_store.wasi_read, 4);
  CU_ASSERT_EQUAL(dagger_wasi_fd_read(rt, 1, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, 0, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, 3, 0, 1, 16), WASI_EISDIR);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, 60, 0, 1, 16), WASI_EBADF);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, UINT32_MAX, 0, 1, 16), WASI_EBADF);
  /* the hooks' path gives the same answers */
  rt->watched = true;
  direct_ranges(rt, nul);
  rt->watched = false;
  /* after proc_exit: nothing runs, nothing is counted */
  uint64_t calls = rt->stats_store.wasi_calls[DAGGER_WASI_fd_write];
  CU_ASSERT_EQUAL(C(rt, proc_exit, 0), 0);
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, nul, 0, 1, 16), WASI_ENOSYS);
  CU_ASSERT_EQUAL(dagger_wasi_fd_read(rt, zero, 0, 1, 16), WASI_ENOSYS);
  CU_ASSERT_EQUAL(rt->stats_store.wasi_calls[DAGGER_WASI_fd_write], calls);
  dagger_rt_free(rt);
  /* no dagger_wasi_init */
  dagger_config cfg;
  dagger_config_default(&cfg);
  rt = dagger_rt_new(&cfg);
  dagger_rt_set_memory(rt, (dagger_memory){&base, &pages, 0});
  CU_ASSERT_EQUAL(dagger_wasi_fd_write(rt, 1, 0, 1, 16), WASI_ENOSYS);
  dagger_rt_free(rt);
}

int main(void) {
  snprintf(jail, sizeof jail, "/tmp/dagger-test-wasi-%d", (int)getpid());
  if (mkdir(jail, 0755) != 0)
    return 1;
  static const unit_test tests[] = {
      {"arguments and environment", test_args_env},
      {"bad descriptors", test_bad_descriptors},
      {"bad pointers, end of memory", test_bad_pointers},
      {"errno values", test_errnos},
      {"files", test_files},
      {"jail", test_jail},
      {"policy", test_policy},
      {"no preopen under --deny file", test_no_preopen},
      {"byte-reversed layout", test_reversed},
      {"openat2 missing: the walk", test_walk},
      {"poll_oneoff and proc_exit", test_poll_and_exit},
      {"direct fd_write and fd_read", test_direct},
      {NULL, NULL}};
  int rc = unit_run("wasi", tests);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", jail);
  if (system(cmd) != 0)
    rc = 1;
  return rc;
}
