/* Checks every helper of sdk/dagger.h inside a compiled guest.
 *
 * Built twice into one module by sdk-selftest.sh: once with -DPART=2 (the
 * functions at the end, a second translation unit) and once plain, to check
 * that the weak state (stdout descriptor, allocator top) is shared between
 * translation units and that memcpy & co. link once. Reads three lines from
 * stdin (see sdk-selftest.sh) and file:///big.bin from the jail: 300000
 * bytes, byte i being i % 251. Prints one line per failed check and a
 * summary; the exit status is the number of failures (at most 100). */
#include <dagger.h>

int part2_stdout(void);
void *part2_alloc(size_t n);

#ifndef PART

static int checks, failures;

static void check(bool ok, const char *what, int line) {
  checks++;
  if (ok)
    return;
  failures++;
  dg_print("FAIL line ");
  dg_print_int(line);
  dg_print(": ");
  dg_puts(what);
}
#define CHECK(e) check((e), #e, __LINE__)

static bool fmt_is(size_t (*f)(char *, uint64_t), uint64_t v,
                   const char *want) {
  char buf[DG_FMT_MAX];
  size_t n = f(buf, v);
  return n == dg_strlen(want) && dg_streq(buf, want);
}

static bool fmt_int_is(int64_t v, const char *want) {
  char buf[DG_FMT_MAX];
  size_t n = dg_fmt_int(buf, v);
  return n == dg_strlen(want) && dg_streq(buf, want);
}

static bool hex_is(uint64_t v, unsigned min, const char *want) {
  char buf[DG_FMT_MAX];
  size_t n = dg_fmt_hex(buf, v, min);
  return n == dg_strlen(want) && dg_streq(buf, want);
}

static void test_memory(void) {
  char a[64], b[64];
  for (int i = 0; i < 64; i++)
    a[i] = (char)i;
  CHECK(memcpy(b, a, 64) == b && memcmp(a, b, 64) == 0);
  CHECK(memset(b, 0x5a, 10) == b && b[0] == 0x5a && b[9] == 0x5a &&
        b[10] == 10);
  memmove(a + 1, a, 20); /* overlapping, upward */
  CHECK(a[0] == 0 && a[1] == 0 && a[2] == 1 && a[20] == 19 && a[21] == 21);
  memmove(a, a + 1, 20); /* overlapping, downward */
  CHECK(a[0] == 0 && a[1] == 1 && a[19] == 19 && a[20] == 19);
  CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("abd", "abc", 3) > 0);
  CHECK(memcmp("\xff", "\x01", 1) > 0); /* unsigned comparison */
  CHECK(memcmp("x", "y", 0) == 0);
}

static void test_strings(void) {
  char buf[8];
  CHECK(dg_strlen("") == 0 && dg_strlen("hello") == 5);
  CHECK(dg_strcmp("a", "b") < 0 && dg_strcmp("b", "a") > 0);
  CHECK(dg_strcmp("abc", "abc") == 0 && dg_strcmp("ab", "abc") < 0);
  CHECK(dg_strcmp("\xe9", "e") > 0);
  CHECK(dg_strncmp("abcX", "abcY", 3) == 0 && dg_strncmp("ab", "ac", 2) < 0);
  CHECK(dg_strncmp("ab", "ab", 10) == 0);
  CHECK(dg_streq("x", "x") && !dg_streq("x", "xy"));
  CHECK(dg_starts_with("gopher://", "gopher") && !dg_starts_with("go", "gop"));
  CHECK(dg_strcopy(buf, sizeof buf, "short") == 5 && dg_streq(buf, "short"));
  CHECK(dg_strcopy(buf, sizeof buf, "much too long") == 13 &&
        dg_streq(buf, "much to"));
  CHECK(dg_strcopy(buf, 0, "x") == 1);
  const char *s = "a/b/c";
  CHECK(dg_strchr(s, '/') == s + 1 && dg_strchr(s, 'z') == NULL);
  CHECK(dg_strchr(s, '\0') == s + 5);
  CHECK(dg_memchr(s, 'c', 5) == s + 4 && dg_memchr(s, 'c', 4) == NULL);
  CHECK(dg_isdigit('7') && !dg_isdigit('a') && dg_isspace('\t') &&
        dg_isspace('\r') && !dg_isspace('x') && dg_isalpha('Q') &&
        !dg_isalpha('1'));
}

static void test_format(void) {
  CHECK(fmt_is(dg_fmt_uint, 0, "0"));
  CHECK(fmt_is(dg_fmt_uint, 1234567890, "1234567890"));
  CHECK(fmt_is(dg_fmt_uint, UINT64_MAX, "18446744073709551615"));
  CHECK(fmt_int_is(0, "0") && fmt_int_is(-7, "-7") && fmt_int_is(42, "42"));
  CHECK(fmt_int_is(INT64_MAX, "9223372036854775807"));
  CHECK(fmt_int_is(INT64_MIN, "-9223372036854775808"));
  CHECK(hex_is(0, 0, "0") && hex_is(0, 4, "0000") && hex_is(255, 0, "ff"));
  CHECK(hex_is(0xdeadbeef, 2, "deadbeef") && hex_is(0xab, 4, "00ab"));
  CHECK(hex_is(UINT64_MAX, 0, "ffffffffffffffff"));
  CHECK(hex_is(1, 99, "0000000000000001"));
}

static void test_parse(void) {
  uint64_t u = 99;
  int64_t i = 99;
  CHECK(dg_parse_uint("123abc", 6, &u) == 3 && u == 123);
  CHECK(dg_parse_uint("123", 2, &u) == 2 && u == 12);
  u = 99;
  CHECK(dg_parse_uint("abc", 3, &u) == 0 && u == 99);
  CHECK(dg_parse_uint("", 0, &u) == 0 && u == 99);
  CHECK(dg_parse_uint("18446744073709551615", 20, &u) == 20 && u == UINT64_MAX);
  u = 99;
  CHECK(dg_parse_uint("18446744073709551616", 20, &u) == 0 && u == 99);
  CHECK(dg_parse_int("-42 ", 4, &i) == 3 && i == -42);
  CHECK(dg_parse_int("+7", 2, &i) == 2 && i == 7);
  CHECK(dg_parse_int("-9223372036854775808", 20, &i) == 20 && i == INT64_MIN);
  CHECK(dg_parse_int("9223372036854775807", 19, &i) == 19 && i == INT64_MAX);
  i = 5;
  CHECK(dg_parse_int("9223372036854775808", 19, &i) == 0 && i == 5);
  CHECK(dg_parse_int("-", 1, &i) == 0 && dg_parse_int("+x", 2, &i) == 0);
  CHECK(dg_parse_hex("0xFf", 4, &u) == 4 && u == 255);
  CHECK(dg_parse_hex("beefZ", 5, &u) == 4 && u == 0xbeef);
  CHECK(dg_parse_hex("0x", 2, &u) == 1 && u == 0); /* the "0" alone */
  CHECK(dg_parse_hex("ffffffffffffffff", 16, &u) == 16 && u == UINT64_MAX);
  u = 3;
  CHECK(dg_parse_hex("1ffffffffffffffff", 17, &u) == 0 && u == 3);
  CHECK(dg_parse_hex("g", 1, &u) == 0);
}

static void test_alloc(void) {
  char *a = dg_alloc(1), *b = dg_alloc(100);
  CHECK(a && b && (uintptr_t)a % 16 == 0 && (uintptr_t)b % 16 == 0);
  CHECK(b >= a + 16 && (uintptr_t)a >= (uintptr_t)&__heap_base);
  void *mark = dg_heap_mark();
  size_t pages = __builtin_wasm_memory_size(0);
  char *big = dg_alloc(5 * 65536 + 1); /* must grow memory */
  CHECK(big != NULL && __builtin_wasm_memory_size(0) > pages);
  if (big) {
    big[5 * 65536] = 1; /* the last byte is inside memory */
    CHECK(big[0] == 0 && big[5 * 65536 - 1] == 0);
  }
  char *c = part2_alloc(32); /* the other unit shares the top */
  CHECK(c && c >= big + 5 * 65536 + 1);
  dg_heap_release(mark);
  CHECK(dg_heap_mark() == mark && dg_alloc(8) == mark);
  char *z = dg_alloc_zero(64);
  CHECK(z && z[0] == 0 && z[63] == 0);
  CHECK(dg_alloc((size_t)-1) == NULL && dg_alloc(SIZE_MAX - 20) == NULL);
  CHECK(dg_heap_free() < 65536 * (uint64_t)__builtin_wasm_memory_size(0));
}

static void test_streams(void) {
  CHECK(dg_stdout() >= 0 && dg_stdout() == part2_stdout());
  CHECK(dg_open("nosuch://x") == -DAGGER_UNKNOWN_SCHEME);
  CHECK(dg_open("not a url") < 0);
  CHECK(dg_close(1000) == -DAGGER_BAD_DESCRIPTOR);
  CHECK(dg_read(1000, NULL, 0) == -DAGGER_BAD_DESCRIPTOR);
  CHECK(dg_streq(dg_strerror(-DAGGER_NOT_FOUND), "NOT_FOUND") &&
        dg_streq(dg_strerror(DAGGER_IO), "IO") &&
        dg_streq(dg_strerror(-1), "BAD_URL") &&
        dg_streq(dg_strerror(77), "ERROR"));
  CHECK(dg_write_all(dg_stdout(), "", 0) == 0);

  int z = dg_open_n("zero://garbage", 7); /* "zero://" only */
  char buf[16] = "xxxxxxxxxxxxxxx";
  CHECK(z >= 0 && dg_read_all(z, buf, 10) == 10 && buf[0] == 0 && buf[9] == 0 &&
        buf[10] == 'x');
  CHECK(dg_close(z) == 0 && dg_close(z) == -DAGGER_BAD_DESCRIPTOR);

  int n = dg_open("null://");
  CHECK(n >= 0 && dg_write_all(n, "abc", 3) == 0 && dg_flush(n) == 0);
  CHECK(dg_read_all(n, buf, sizeof buf) == 0 && dg_close(n) == 0);

  /* stdin: "first\r\n" "" "a line longer than the buffer\n" "tail" */
  char line[8];
  char rbuf[5]; /* tiny, so the reader refills often */
  dg_reader r;
  dg_reader_init(&r, dg_stdin(), rbuf, sizeof rbuf);
  CHECK(dg_read_line(&r, line, sizeof line) == 5 && dg_streq(line, "first"));
  CHECK(dg_read_line(&r, line, sizeof line) == 0 && dg_streq(line, ""));
  CHECK(dg_read_line(&r, line, sizeof line) == 7 && dg_streq(line, "a line "));
  CHECK(dg_getc(&r) == 't');
  CHECK(dg_reader_read(&r, line, 1) == 1 && line[0] == 'a');
  CHECK(dg_reader_read(&r, line, 0) == 0);
  CHECK(dg_read_line(&r, line, sizeof line) == 2 && dg_streq(line, "il"));
  CHECK(dg_read_line(&r, line, sizeof line) == -1 && r.error == 0);
  CHECK(dg_getc(&r) == -1 && dg_reader_read(&r, line, 1) == 0);
  /* dg_reader_read takes the buffer first, then reads directly. */
  int zf = dg_open("zero://");
  dg_reader_init(&r, zf, rbuf, sizeof rbuf);
  char big[100];
  memset(big, 'x', sizeof big);
  CHECK(dg_getc(&r) == 0 && dg_reader_read(&r, big, sizeof big) == 4);
  CHECK(dg_reader_read(&r, big, sizeof big) == 100 && big[99] == 0);
  dg_close(zf);
  dg_reader_init(&r, 1000, rbuf, sizeof rbuf);
  CHECK(dg_getc(&r) == -1 && r.error == -DAGGER_BAD_DESCRIPTOR);
  CHECK(dg_reader_read(&r, big, 1) == -DAGGER_BAD_DESCRIPTOR);

  int f = dg_open("file:///big.bin");
  char *data = NULL;
  size_t len = 0;
  CHECK(f >= 0 && dg_read_all_alloc(f, &data, &len) == 0);
  CHECK(len == 300000 && data && data[len] == '\0');
  bool same = data != NULL;
  for (size_t i = 0; same && i < len; i++)
    same = (unsigned char)data[i] == i % 251;
  CHECK(same);
  char *after = dg_alloc(1);
  CHECK(after >= data + len + 1);
  CHECK(dg_read_all_alloc(1000, &data, &len) == -DAGGER_BAD_DESCRIPTOR);
  CHECK(dg_open("file:///../escape") < 0);
}

int dagger_main(void) {
  test_memory();
  test_strings();
  test_format();
  test_parse();
  test_alloc();
  test_streams();
  dg_print("sdk-selftest: ");
  dg_print_int(checks - failures);
  dg_print(" of ");
  dg_print_int(checks);
  dg_puts(" checks hold");
  return failures > 100 ? 100 : failures;
}

#else /* PART == 2: the second translation unit */

int part2_stdout(void) {
  return dg_stdout();
}
void *part2_alloc(size_t n) {
  return dg_alloc(n);
}

#endif
