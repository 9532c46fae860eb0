/* dagger.h: the guest SDK for C programs that daggercc compiles.
 *
 * A guest is C compiled to wasm32 without a libc; the only way out of its
 * sandbox is the five Dagger calls, imported from module "dagger". This one
 * header declares them and adds what a program needs on top: error codes, a
 * small stream API, string and memory helpers, integer formatting and
 * parsing, and a bump allocator. Build a guest with (see docs/sdk.md):
 *
 *   clang-19 --target=wasm32 -O2 -nostdlib -mbulk-memory \
 *     -Wl,--no-entry -Wl,--export=dagger_main -Wl,--stack-first \
 *     -Wl,-z,stack-size=65536 -I "$(daggercc --print-sdk-dir)" \
 *     prog.c -o prog.wasm
 *
 * Everything is defined here, nothing to link. Functions without state are
 * `static inline`. The little state there is (the lazily opened stdout and
 * stderr, the allocator's top) lives in weak globals, and memcpy, memmove,
 * memset and memcmp, which the compiler may call by those names, are weak
 * external definitions: a program of several C files that all include this
 * header gets exactly one copy of each.
 *
 * Conventions: results >= 0 are success, negative results are a negated
 * dagger_error (or -1 where no code fits, e.g. out of memory). Lengths are
 * size_t; a single call moves at most INT32_MAX bytes. */
#ifndef DAGGER_H
#define DAGGER_H

#if !defined(__wasm32__)
#error "dagger.h is for wasm32 guests: compile with clang --target=wasm32"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DAGGER_SDK_VERSION 1

/* ---- The five calls, exactly as the ABI defines them -------------------
 * Pointers are offsets into this module's memory; results are >= 0 on
 * success and a negated dagger_error on failure. */

#define DG__IMPORT(name)                                                       \
  __attribute__((import_module("dagger"), import_name(name)))

/* Opens the stream named by the url_len bytes at url; a descriptor. */
DG__IMPORT("open") int32_t dagger_open(const char *url, uint32_t url_len);
/* Closes fd; its number may be reused by a later open. 0 or -error. */
DG__IMPORT("close") int32_t dagger_close(int32_t fd);
/* Reads at most len bytes into buf: bytes read, 0 at end of stream. */
DG__IMPORT("read") int32_t dagger_read(int32_t fd, void *buf, uint32_t len);
/* Writes len bytes from buf: bytes written (normally len). */
DG__IMPORT("write")
int32_t dagger_write(int32_t fd, const void *buf, uint32_t len);
/* Pushes buffered data to its target (for http: performs the request). */
DG__IMPORT("flush") int32_t dagger_flush(int32_t fd);

/* The entry point that the program defines: daggercc calls it, and its
 * result is the process's exit status. Exported by this declaration. */
__attribute__((export_name("dagger_main"))) int dagger_main(void);

/* ---- Error codes (the calls return them negated) ---------------------- */

typedef enum dagger_error {
  DAGGER_OK = 0,
  DAGGER_BAD_URL = 1,        /* the URL cannot be parsed */
  DAGGER_BAD_URL_INPUT = 2,  /* parts invalid for the scheme */
  DAGGER_UNKNOWN_SCHEME = 3, /* no such scheme */
  DAGGER_BAD_DESCRIPTOR = 4, /* fd not open */
  DAGGER_BAD_POINTER = 5,    /* range not inside linear memory */
  DAGGER_NOT_PERMITTED = 6,  /* denied by the jail or the policy */
  DAGGER_NOT_FOUND = 7,      /* no such file or host */
  DAGGER_IO = 8,             /* the underlying operation failed */
  DAGGER_TOO_MANY_OPEN = 9,  /* descriptor table full */
  DAGGER_UNSUPPORTED = 10,   /* operation meaningless for this stream */
} dagger_error;

/* Name of an error code ("NOT_FOUND"); accepts the code or its negation.
 * Never NULL: unknown codes give "ERROR". */
static inline const char *dg_strerror(int code) {
  switch (code < 0 ? -code : code) {
  case DAGGER_OK:
    return "OK";
  case DAGGER_BAD_URL:
    return "BAD_URL";
  case DAGGER_BAD_URL_INPUT:
    return "BAD_URL_INPUT";
  case DAGGER_UNKNOWN_SCHEME:
    return "UNKNOWN_SCHEME";
  case DAGGER_BAD_DESCRIPTOR:
    return "BAD_DESCRIPTOR";
  case DAGGER_BAD_POINTER:
    return "BAD_POINTER";
  case DAGGER_NOT_PERMITTED:
    return "NOT_PERMITTED";
  case DAGGER_NOT_FOUND:
    return "NOT_FOUND";
  case DAGGER_IO:
    return "IO";
  case DAGGER_TOO_MANY_OPEN:
    return "TOO_MANY_OPEN";
  case DAGGER_UNSUPPORTED:
    return "UNSUPPORTED";
  default:
    return "ERROR";
  }
}

/* Stops the program with a trap (wasm `unreachable`): the process reports
 * it on stderr and exits with status 201. There is no exit call: return
 * from dagger_main to exit normally. */
static inline __attribute__((noreturn)) void dg_trap(void) {
  __builtin_trap();
}

/* ---- Memory: the functions the compiler may call by name --------------
 * With -mbulk-memory, memmove and memset are single memory.copy and
 * memory.fill instructions; without it, byte loops. All are compiled with
 * no_builtin, so the optimiser cannot turn a loop back into a call to the
 * function itself. */

#define DG__NO_BUILTIN __attribute__((no_builtin))

/* Copies n bytes; the ranges may overlap. Returns dst. */
__attribute__((weak)) DG__NO_BUILTIN void *memmove(void *dst, const void *src,
                                                   size_t n) {
#if defined(__wasm_bulk_memory__)
  __builtin_memmove(dst, src, n);
#else
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s)
    for (size_t i = 0; i < n; i++)
      d[i] = s[i];
  else
    while (n--)
      d[n] = s[n];
#endif
  return dst;
}

/* Copies n bytes (memory.copy allows overlap, so this is memmove). */
__attribute__((weak)) DG__NO_BUILTIN void *memcpy(void *dst, const void *src,
                                                  size_t n) {
  return memmove(dst, src, n);
}

/* Sets n bytes at dst to (unsigned char)c. Returns dst. */
__attribute__((weak)) DG__NO_BUILTIN void *memset(void *dst, int c, size_t n) {
#if defined(__wasm_bulk_memory__)
  __builtin_memset(dst, c, n);
#else
  unsigned char *d = dst;
  for (size_t i = 0; i < n; i++)
    d[i] = (unsigned char)c;
#endif
  return dst;
}

/* Compares n bytes as unsigned char: <0, 0 or >0. */
__attribute__((weak)) DG__NO_BUILTIN int memcmp(const void *a, const void *b,
                                                size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i])
      return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- Strings (NUL-terminated) ----------------------------------------- */

/* Length of s, not counting the NUL. */
static inline size_t dg_strlen(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

/* Compares a and b as unsigned bytes: <0, 0 or >0. */
static inline int dg_strcmp(const char *a, const char *b) {
  const unsigned char *x = (const unsigned char *)a;
  const unsigned char *y = (const unsigned char *)b;
  for (; *x && *x == *y; y++)
    x++;
  return (*x > *y) - (*x < *y);
}

/* Like dg_strcmp, looking at n bytes at most. */
static inline int dg_strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x != y)
      return x < y ? -1 : 1;
    if (!x)
      break;
  }
  return 0;
}

/* Whether a and b are equal strings. */
static inline bool dg_streq(const char *a, const char *b) {
  return dg_strcmp(a, b) == 0;
}

/* Whether s begins with prefix. */
static inline bool dg_starts_with(const char *s, const char *prefix) {
  return dg_strncmp(s, prefix, dg_strlen(prefix)) == 0;
}

/* Copies src into dst of cap bytes, always NUL-terminated when cap > 0,
 * cutting src if needed. Returns dg_strlen(src): a result >= cap means src
 * was cut. */
static inline size_t dg_strcopy(char *dst, size_t cap, const char *src) {
  size_t n = dg_strlen(src);
  if (cap) {
    size_t m = n < cap - 1 ? n : cap - 1;
    memcpy(dst, src, m);
    dst[m] = '\0';
  }
  return n;
}

/* First byte equal to (unsigned char)c in [s, s+n), or NULL. */
static inline void *dg_memchr(const void *s, int c, size_t n) {
  const unsigned char *p = s;
  for (size_t i = 0; i < n; i++)
    if (p[i] == (unsigned char)c)
      return (void *)(p + i);
  return NULL;
}

/* First occurrence of c in s (c may be '\0': the terminator), or NULL. */
static inline char *dg_strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c)
      return (char *)s;
    if (!*s)
      return NULL;
  }
}

/* Character classes of the "C" locale. */
static inline bool dg_isdigit(int c) {
  return c >= '0' && c <= '9';
}
static inline bool dg_isspace(int c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
static inline bool dg_isalpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- Integer formatting -------------------------------------------------
 * Each writes the digits and a NUL into buf, which needs DG_FMT_MAX bytes,
 * and returns the number of characters (without the NUL). */

#define DG_FMT_MAX 24

/* Unsigned decimal. */
static inline size_t dg_fmt_uint(char *buf, uint64_t v) {
  char tmp[DG_FMT_MAX];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return n;
}

/* Signed decimal, with '-' when negative (INT64_MIN included). */
static inline size_t dg_fmt_int(char *buf, int64_t v) {
  if (v >= 0)
    return dg_fmt_uint(buf, (uint64_t)v);
  buf[0] = '-';
  return 1 + dg_fmt_uint(buf + 1, 0 - (uint64_t)v);
}

/* Lower-case hexadecimal without a prefix, at least min_digits digits
 * (zero-padded; at most 16). */
static inline size_t dg_fmt_hex(char *buf, uint64_t v, unsigned min_digits) {
  static const char digits[] = "0123456789abcdef";
  size_t n = 1;
  while (n < 16 && (v >> (4 * n)))
    n++;
  if (min_digits > 16)
    min_digits = 16;
  if (n < min_digits)
    n = min_digits;
  for (size_t i = 0; i < n; i++)
    buf[i] = digits[(v >> (4 * (n - 1 - i))) & 15];
  buf[n] = '\0';
  return n;
}

/* ---- Integer parsing ----------------------------------------------------
 * Each parses a number at the start of [s, s+len) (no leading spaces),
 * stores it in *out and returns how many bytes it used; 0 (and *out
 * untouched) when there are no digits or the value does not fit. */

/* Unsigned decimal digits. */
static inline size_t dg_parse_uint(const char *s, size_t len, uint64_t *out) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < len && dg_isdigit(s[i]); i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return 0;
    v = v * 10 + d;
  }
  if (i)
    *out = v;
  return i;
}

/* An optional '+' or '-', then decimal digits; INT64_MIN..INT64_MAX. */
static inline size_t dg_parse_int(const char *s, size_t len, int64_t *out) {
  size_t sign = len && (s[0] == '-' || s[0] == '+');
  uint64_t u;
  size_t n = dg_parse_uint(s + sign, len - sign, &u);
  if (!n)
    return 0;
  bool neg = sign && s[0] == '-';
  if (u > (uint64_t)INT64_MAX + neg)
    return 0;
  *out = neg ? (int64_t)(0 - u) : (int64_t)u;
  return sign + n;
}

/* Hexadecimal digits (either case), with an optional "0x" or "0X". */
static inline size_t dg_parse_hex(const char *s, size_t len, uint64_t *out) {
  size_t i = len >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
  size_t start = i;
  uint64_t v = 0;
  for (; i < len; i++) {
    int c = s[i], d;
    if (dg_isdigit(c))
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      break;
    if (v >> 60)
      return 0;
    v = v << 4 | (uint64_t)d;
  }
  if (i == start)
    return 0;
  *out = v;
  return i;
}

/* ---- Bump allocator -----------------------------------------------------
 * Allocates upward from __heap_base (the end of data and stack, set by the
 * linker), growing linear memory with memory.grow as needed. There is no
 * free of single blocks: take a mark and release everything allocated
 * after it, or never free (a guest runs once). */

extern unsigned char __heap_base;
/* The top starts at __heap_base (wasm-ld aligns it to 16; the first slow
 * call aligns it anyway). dg__heap_end caches how much memory is known to
 * exist, so the common dg_alloc is a load, an add and a compare: memory
 * never shrinks, so a stale value only sends a call to the slow path, which
 * asks memory.size again. 0 until that path has run once. */
extern uintptr_t dg__heap_top;
extern uint64_t dg__heap_end;
__attribute__((weak)) uintptr_t dg__heap_top = (uintptr_t)&__heap_base;
__attribute__((weak)) uint64_t dg__heap_end;

#define DG_ALIGN 16

/* Makes sure [0, end) is inside linear memory; false when it cannot grow. */
static inline bool dg__heap_reserve(uint64_t end) {
  const uint64_t page = 65536;
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * page;
  if (end > have) {
    uint64_t need = (end - have + page - 1) / page;
    if (need > 65536 ||
        __builtin_wasm_memory_grow(0, (size_t)need) == (size_t)-1)
      return false;
    have = (uint64_t)__builtin_wasm_memory_size(0) * page;
  }
  dg__heap_end = have;
  return true;
}

/* The first call aligns the top; every call learns the memory's size. */
static inline void dg__heap_init(void) {
  if (!dg__heap_end) {
    dg__heap_top = (dg__heap_top + DG_ALIGN - 1) & ~(uintptr_t)(DG_ALIGN - 1);
    dg__heap_reserve(0);
  }
}

/* dg_alloc when the cached end is too low: kept out of line so that the
 * inlined fast path stays a few instructions. */
__attribute__((noinline)) static inline void *dg__alloc_slow(size_t n) {
  dg__heap_init();
  uintptr_t p = dg__heap_top;
  uintptr_t size = ((uintptr_t)n + DG_ALIGN - 1) & ~(uintptr_t)(DG_ALIGN - 1);
  if (size < n || !dg__heap_reserve((uint64_t)p + size))
    return NULL;
  dg__heap_top = p + size;
  return (void *)p;
}

/* n bytes aligned to 16, or NULL when memory cannot grow that far. Fresh
 * pages are zero, but memory given back by dg_heap_release is not. */
static inline void *dg_alloc(size_t n) {
  uintptr_t p = dg__heap_top;
  uintptr_t size = ((uintptr_t)n + DG_ALIGN - 1) & ~(uintptr_t)(DG_ALIGN - 1);
  if (__builtin_expect(size < n || (uint64_t)p + size > dg__heap_end, 0))
    return dg__alloc_slow(n);
  dg__heap_top = p + size;
  return (void *)p;
}

/* Like dg_alloc, and the bytes are zero. */
static inline void *dg_alloc_zero(size_t n) {
  void *p = dg_alloc(n);
  return p ? memset(p, 0, n) : NULL;
}

/* The allocator's current top, for dg_heap_release. */
static inline void *dg_heap_mark(void) {
  dg__heap_init();
  return (void *)dg__heap_top;
}

/* Frees everything allocated since mark was taken. */
static inline void dg_heap_release(void *mark) {
  dg__heap_top = (uintptr_t)mark;
}

/* Bytes that can be allocated without growing memory. */
static inline size_t dg_heap_free(void) {
  dg__heap_init();
  uint64_t end = (uint64_t)__builtin_wasm_memory_size(0) * 65536;
  uint64_t n = end - dg__heap_top;
  return n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

/* ---- Streams ------------------------------------------------------------ */

/* Clamps a length to what one call can move (the result is an i32). */
static inline uint32_t dg__clamp(size_t n) {
  return n > INT32_MAX ? INT32_MAX : (uint32_t)n;
}

/* Opens the stream named by the NUL-terminated url: a descriptor. */
static inline int dg_open(const char *url) {
  return dagger_open(url, dg__clamp(dg_strlen(url)));
}

/* Opens the stream named by the first len bytes of url. */
static inline int dg_open_n(const char *url, size_t len) {
  return dagger_open(url, dg__clamp(len));
}

/* Closes fd. 0 or -error. */
static inline int dg_close(int fd) {
  return dagger_close(fd);
}

/* Reads at most len bytes: bytes read, 0 at end of stream, or -error. */
static inline int dg_read(int fd, void *buf, size_t len) {
  return dagger_read(fd, buf, dg__clamp(len));
}

/* One write call: bytes written or -error (may be short). */
static inline int dg_write(int fd, const void *buf, size_t len) {
  return dagger_write(fd, buf, dg__clamp(len));
}

/* Pushes buffered data out (http: performs the request). 0 or -error. */
static inline int dg_flush(int fd) {
  return dagger_flush(fd);
}

/* Writes all len bytes, calling write again after a short write. 0 or
 * -error; a write that makes no progress is -DAGGER_IO. */
static inline int dg_write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    int n = dg_write(fd, p, len);
    if (n < 0)
      return n;
    if (n == 0)
      return -DAGGER_IO;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Writes the NUL-terminated s. 0 or -error. */
static inline int dg_write_str(int fd, const char *s) {
  return dg_write_all(fd, s, dg_strlen(s));
}

/* Writes v in signed decimal. 0 or -error. */
static inline int dg_write_int(int fd, int64_t v) {
  char buf[DG_FMT_MAX];
  return dg_write_all(fd, buf, dg_fmt_int(buf, v));
}

/* Writes v in unsigned decimal. 0 or -error. */
static inline int dg_write_uint(int fd, uint64_t v) {
  char buf[DG_FMT_MAX];
  return dg_write_all(fd, buf, dg_fmt_uint(buf, v));
}

/* Writes v in hexadecimal, zero-padded to min_digits. 0 or -error. */
static inline int dg_write_hex(int fd, uint64_t v, unsigned min_digits) {
  char buf[DG_FMT_MAX];
  return dg_write_all(fd, buf, dg_fmt_hex(buf, v, min_digits));
}

/* Reads until end of stream or until cap bytes are in buf: the number of
 * bytes read, or -error (what was read before the error is in buf). A
 * result equal to cap means the stream may hold more. */
static inline long dg_read_all(int fd, void *buf, size_t cap) {
  char *p = buf;
  size_t got = 0;
  while (got < cap) {
    int n = dg_read(fd, p + got, cap - got);
    if (n < 0)
      return n;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  return (long)got;
}

/* Reads the whole stream into memory from the bump allocator, followed by
 * a NUL (not counted). Sets *data and *len and returns 0, or returns
 * -error and allocates nothing: DG_OUT_OF_MEMORY when memory cannot grow
 * (the contract's catch-all -1, which a read never returns otherwise). */
#define DG_OUT_OF_MEMORY (-1)
static inline int dg_read_all_alloc(int fd, char **data, size_t *len) {
  char *start = dg_heap_mark();
  size_t got = 0;
  for (;;) {
    /* Keep at least 4 KiB (and one byte for the NUL) free after the data. */
    if (dg_heap_free() < got + 4097 &&
        !dg__heap_reserve((uint64_t)(uintptr_t)start + got + 65536))
      return DG_OUT_OF_MEMORY;
    size_t room = dg_heap_free() - got - 1;
    int n = dg_read(fd, start + got, room);
    if (n < 0)
      return n;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  start[got] = '\0';
  dg_alloc(got + 1); /* cannot fail: the bytes are already in memory */
  *data = start;
  *len = got;
  return 0;
}

/* ---- Standard streams, opened on first use ---------------------------- */

extern int dg__stdout_fd, dg__stderr_fd, dg__stdin_fd;
__attribute__((weak)) int dg__stdout_fd = -1;
__attribute__((weak)) int dg__stderr_fd = -1;
__attribute__((weak)) int dg__stdin_fd = -1;

/* Descriptor of url cached in *slot; opened the first time. */
static inline int dg__cached_open(int *slot, const char *url) {
  if (*slot < 0)
    *slot = dg_open(url);
  return *slot;
}

/* stdout://, stderr://, stdin://: the descriptor, or -error. */
static inline int dg_stdout(void) {
  return dg__cached_open(&dg__stdout_fd, "stdout://");
}
static inline int dg_stderr(void) {
  return dg__cached_open(&dg__stderr_fd, "stderr://");
}
static inline int dg_stdin(void) {
  return dg__cached_open(&dg__stdin_fd, "stdin://");
}

/* Writes s to stdout. 0 or -error. */
static inline int dg_print(const char *s) {
  int fd = dg_stdout();
  return fd < 0 ? fd : dg_write_str(fd, s);
}

/* Writes s and a newline to stdout. 0 or -error. */
static inline int dg_puts(const char *s) {
  int r = dg_print(s);
  return r < 0 ? r : dg_print("\n");
}

/* Writes v in signed decimal to stdout. 0 or -error. */
static inline int dg_print_int(int64_t v) {
  int fd = dg_stdout();
  return fd < 0 ? fd : dg_write_int(fd, v);
}

/* Writes v in unsigned decimal to stdout. 0 or -error. */
static inline int dg_print_uint(uint64_t v) {
  int fd = dg_stdout();
  return fd < 0 ? fd : dg_write_uint(fd, v);
}

/* Writes s to stderr. 0 or -error. */
static inline int dg_eprint(const char *s) {
  int fd = dg_stderr();
  return fd < 0 ? fd : dg_write_str(fd, s);
}

/* ---- Buffered reading -------------------------------------------------- */

/* A read buffer over a descriptor, for byte- and line-wise input. */
typedef struct dg_reader {
  int fd;
  int error;  /* the -error that stopped reading, or 0 */
  char *buf;  /* cap bytes owned by the caller */
  size_t cap; /* buffer size */
  size_t pos; /* next unread byte */
  size_t end; /* end of buffered data */
} dg_reader;

/* Reads from fd through the caller's buffer of cap (> 0) bytes. */
static inline void dg_reader_init(dg_reader *r, int fd, char *buf, size_t cap) {
  r->fd = fd;
  r->error = 0;
  r->buf = buf;
  r->cap = cap;
  r->pos = r->end = 0;
}

/* Next byte (0..255), or -1 at end of stream or on error (r->error tells
 * which). */
static inline int dg_getc(dg_reader *r) {
  if (r->pos == r->end) {
    if (r->error)
      return -1;
    int n = dg_read(r->fd, r->buf, r->cap);
    if (n <= 0) {
      r->error = n;
      return -1;
    }
    r->pos = 0;
    r->end = (size_t)n;
  }
  return (unsigned char)r->buf[r->pos++];
}

/* Reads at most len bytes: what is buffered first, else one read of the
 * stream. Bytes read, 0 at end of stream, or -error. */
static inline long dg_reader_read(dg_reader *r, void *buf, size_t len) {
  if (r->pos == r->end) {
    if (r->error || !len)
      return r->error;
    int n = dg_read(r->fd, buf, len);
    if (n <= 0)
      r->error = n;
    return n;
  }
  size_t n = r->end - r->pos < len ? r->end - r->pos : len;
  memcpy(buf, r->buf + r->pos, n);
  r->pos += n;
  return (long)n;
}

/* Reads one line into line (cap > 0 bytes), without its "\n" or "\r\n",
 * NUL-terminated; a longer line is cut to cap-1 bytes and the rest
 * skipped. Returns the line's length as stored, or -1 at end of stream
 * when no byte was read. */
static inline long dg_read_line(dg_reader *r, char *line, size_t cap) {
  size_t n = 0;
  int c = dg_getc(r), prev = -1;
  if (c < 0)
    return -1;
  for (; c >= 0 && c != '\n'; prev = c, c = dg_getc(r))
    if (n + 1 < cap)
      line[n++] = (char)c;
  if (c == '\n' && prev == '\r' && n && line[n - 1] == '\r')
    n--;
  line[n] = '\0';
  return (long)n;
}

#ifdef __cplusplus
}
#endif

#endif
