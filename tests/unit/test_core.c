/* The descriptor table and call dispatch, through the public API with a
 * real guest memory buffer. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"
#include "unit.h"

static uint8_t buf[65536];
static uint8_t *base = buf;
static uint32_t pages = 1;

static dagger_rt *new_rt(int max_open, int reversed) {
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.max_open = max_open;
  cfg.program = "test";
  dagger_rt *rt = dagger_rt_new(&cfg);
  dagger_rt_set_memory(rt, (dagger_memory){&base, &pages, reversed});
  return rt;
}

/* Places text at guest offset `at` and opens it. */
static int32_t open_at(dagger_rt *rt, uint32_t at, const char *url) {
  memcpy(buf + at, url, strlen(url));
  return dagger_open(rt, at, (uint32_t)strlen(url));
}

static void test_lowest_free_reused(void) {
  dagger_rt *rt = new_rt(0, 0);
  CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), 0);
  CU_ASSERT_EQUAL(open_at(rt, 0, "zero://"), 1);
  CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), 2);
  CU_ASSERT_EQUAL(dagger_close(rt, 1), 0);
  CU_ASSERT_EQUAL(dagger_close(rt, 1), -DAGGER_BAD_DESCRIPTOR); /* double */
  CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), 1);
  CU_ASSERT_EQUAL(dagger_close(rt, -1), -DAGGER_BAD_DESCRIPTOR);
  CU_ASSERT_EQUAL(dagger_close(rt, 1 << 30), -DAGGER_BAD_DESCRIPTOR);
  dagger_rt_free(rt);
}

static void test_table_bounded(void) {
  dagger_rt *rt = new_rt(4, 0);
  for (int i = 0; i < 4; i++)
    CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), i);
  CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), -DAGGER_TOO_MANY_OPEN);
  CU_ASSERT_EQUAL(dagger_close(rt, 2), 0);
  CU_ASSERT_EQUAL(open_at(rt, 0, "null://"), 2);
  dagger_rt_free(rt);
}

static void test_open_errors(void) {
  dagger_rt *rt = new_rt(0, 0);
  static const struct {
    const char *url;
    int32_t want;
  } cases[] = {
      {"stdout", -DAGGER_BAD_URL},
      {"://x", -DAGGER_BAD_URL},
      {"std out://", -DAGGER_BAD_URL},
      {"frob://", -DAGGER_UNKNOWN_SCHEME},
      {"fd://3", -DAGGER_BAD_URL_INPUT},
      {"fd://12", -DAGGER_BAD_URL_INPUT},
      {"fd://", -DAGGER_BAD_URL_INPUT},
      {"null://x", -DAGGER_BAD_URL_INPUT},
      {"stdout://?a=b", -DAGGER_BAD_URL_INPUT},
      {"log://?colour=red", -DAGGER_BAD_URL_INPUT},
      {"log://?prefix=%zz", -DAGGER_BAD_URL_INPUT},
      {"NULL://", 0}, /* schemes are case-insensitive */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int32_t fd = open_at(rt, 100, cases[i].url);
    CU_ASSERT_EQUAL(fd, cases[i].want);
    if (fd >= 0)
      dagger_close(rt, fd);
  }
  dagger_rt_free(rt);
}

static void test_bad_pointers(void) {
  dagger_rt *rt = new_rt(0, 0);
  CU_ASSERT_EQUAL(dagger_open(rt, 65530, 10), -DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_open(rt, 0xffffffffu, 2), -DAGGER_BAD_POINTER);
  int32_t fd = open_at(rt, 0, "zero://");
  CU_ASSERT_EQUAL(dagger_read(rt, fd, 65535, 2), -DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, 0xfffffff0u, 0x20), -DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_write(rt, fd, 1, 65536), -DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, 65536, 0), 0);
  /* descriptor errors come before pointer errors */
  CU_ASSERT_EQUAL(dagger_read(rt, 9, 65535, 2), -DAGGER_BAD_DESCRIPTOR);
  dagger_rt_free(rt);
}

static void test_cstring_url(void) {
  dagger_rt *rt = new_rt(0, 0);
  memcpy(buf + 200, "null://\0", 8);
  CU_ASSERT_EQUAL(dagger_open(rt, 200, 0), 0);
  /* no NUL before the end of memory */
  memset(buf + 65530, 'a', 6);
  CU_ASSERT_EQUAL(dagger_open(rt, 65530, 0), -DAGGER_BAD_URL);
  CU_ASSERT_EQUAL(dagger_open(rt, 70000, 0), -DAGGER_BAD_POINTER);
  dagger_rt_free(rt);
}

static void test_zero_and_null(void) {
  dagger_rt *rt = new_rt(0, 0);
  int32_t z = open_at(rt, 0, "zero://"), n = open_at(rt, 0, "null://");
  memset(buf + 1000, 0x55, 100);
  CU_ASSERT_EQUAL(dagger_read(rt, z, 1000, 100), 100);
  CU_ASSERT_EQUAL(buf[1000], 0);
  CU_ASSERT_EQUAL(buf[1099], 0);
  CU_ASSERT_EQUAL(dagger_read(rt, n, 1000, 100), 0);
  CU_ASSERT_EQUAL(dagger_write(rt, n, 1000, 100), 100);
  CU_ASSERT_EQUAL(dagger_flush(rt, n), 0);
  CU_ASSERT_EQUAL(dagger_flush(rt, 7), -DAGGER_BAD_DESCRIPTOR);
  dagger_rt_free(rt);
}

/* Runs fn with the process's stdout captured into a temporary file. */
static void capture_stdout(void (*fn)(dagger_rt *), int reversed, char *out,
                           size_t size) {
  FILE *tmp = tmpfile();
  int saved = dup(STDOUT_FILENO);
  dup2(fileno(tmp), STDOUT_FILENO);
  dagger_rt *rt = new_rt(0, reversed);
  fn(rt);
  dagger_rt_free(rt); /* flushes */
  dup2(saved, STDOUT_FILENO);
  close(saved);
  rewind(tmp);
  size_t n = fread(out, 1, size - 1, tmp);
  out[n] = '\0';
  fclose(tmp);
}

static void write_hello(dagger_rt *rt) {
  int32_t fd = open_at(rt, 0, "stdout://");
  CU_ASSERT_EQUAL(fd, 0);
  memcpy(buf + 64, "hello\n", 6);
  CU_ASSERT_EQUAL(dagger_write(rt, fd, 64, 6), 6);
  CU_ASSERT_EQUAL(dagger_read(rt, fd, 64, 6), -DAGGER_UNSUPPORTED);
  int32_t in = open_at(rt, 0, "fd://0");
  CU_ASSERT_EQUAL(dagger_write(rt, in, 64, 6), -DAGGER_UNSUPPORTED);
}

static void test_stdout(void) {
  char got[64];
  capture_stdout(write_hello, 0, got, sizeof got);
  CU_ASSERT_STRING_EQUAL(got, "hello\n");
}

/* In the reversed layout, guest byte i is base[size-1-i]. */
static void put_reversed(uint32_t at, const char *s) {
  for (size_t i = 0; s[i]; i++)
    buf[sizeof buf - 1 - at - i] = (uint8_t)s[i];
}

static void write_hello_reversed(dagger_rt *rt) {
  put_reversed(0, "stdout://");
  int32_t fd = dagger_open(rt, 0, 9);
  CU_ASSERT_EQUAL(fd, 0);
  put_reversed(64, "olleh\n");
  CU_ASSERT_EQUAL(dagger_write(rt, fd, 64, 6), 6);
  int32_t z = dagger_open(rt, 0, 0); /* not NUL-terminated: fails */
  CU_ASSERT(z < 0);
}

static void test_reversed_layout(void) {
  char got[64];
  memset(buf, 0xff, sizeof buf);
  capture_stdout(write_hello_reversed, 1, got, sizeof got);
  CU_ASSERT_STRING_EQUAL(got, "olleh\n");
}

static void test_strerror(void) {
  CU_ASSERT_STRING_EQUAL(dagger_strerror(-DAGGER_BAD_POINTER), "bad pointer");
  CU_ASSERT_STRING_EQUAL(dagger_strerror(DAGGER_UNSUPPORTED), "unsupported");
  CU_ASSERT_STRING_EQUAL(dagger_strerror(12345), "unknown error");
  CU_ASSERT_EQUAL(dagger_trap_report(NULL, DAGGER_TRAP_DIV_BY_ZERO), 204);
}

/* dagger_rt_exit with stdout on /dev/full and at status: what it returns;
 * its one stderr line goes to a temporary file, read into err. */
static int exit_with_full_stdout(int status, bool trap, char *err,
                                 size_t size) {
  FILE *tmp = tmpfile();
  int full = open("/dev/full", O_WRONLY);
  int saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
  dup2(full, STDOUT_FILENO);
  dup2(fileno(tmp), STDERR_FILENO);
  dagger_rt *rt = new_rt(0, 0);
  int32_t fd = open_at(rt, 0, "stdout://");
  memcpy(buf + 64, "hello, world\n", 13);
  CU_ASSERT_EQUAL(dagger_write(rt, fd, 64, 13), 13); /* acknowledged */
  if (trap)
    status = dagger_trap_report(rt, DAGGER_TRAP_UNREACHABLE);
  status = dagger_rt_exit(rt, status);
  dup2(saved_out, STDOUT_FILENO);
  dup2(saved_err, STDERR_FILENO);
  close(saved_out), close(saved_err), close(full);
  rewind(tmp);
  err[fread(err, 1, size - 1, tmp)] = '\0';
  fclose(tmp);
  return status;
}

static void test_output_lost(void) {
  char err[512];
  if (access("/dev/full", W_OK) != 0)
    return;
  CU_ASSERT_EQUAL(exit_with_full_stdout(0, false, err, sizeof err),
                  DAGGER_OUTPUT_LOST_STATUS);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "test: output lost: "));
  CU_ASSERT_PTR_EQUAL(strchr(err, '\n'), err + strlen(err) - 1);
  CU_ASSERT_EQUAL(exit_with_full_stdout(3, false, err, sizeof err), 3);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "output lost"));
  /* the trap's flush fails: its status stays, and the loss is told */
  CU_ASSERT_EQUAL(exit_with_full_stdout(0, true, err, sizeof err), 201);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "trap: unreachable"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "output lost"));
}

static const unit_test tests[] = {
    {"lowest free descriptor reused", test_lowest_free_reused},
    {"table bounded", test_table_bounded},
    {"open errors", test_open_errors},
    {"bad pointers", test_bad_pointers},
    {"NUL-terminated URL", test_cstring_url},
    {"zero and null", test_zero_and_null},
    {"stdout", test_stdout},
    {"reversed layout", test_reversed_layout},
    {"strerror and traps", test_strerror},
    {"output lost at exit", test_output_lost},
    {NULL, NULL},
};

int main(void) {
  return unit_run("core", tests);
}
