/* bench.h: the one shim every benchmark kernel includes, so that the same C
 * file builds both as a native program (gcc, with libc) and as a Dagger
 * guest (clang --target=wasm32 with sdk/dagger.h, no libc) and does the
 * same work in both.
 *
 * A kernel defines
 *
 *   static uint64_t bench_kernel(void);   -- the work; returns a checksum
 *   #define BENCH_NAME "name"
 *
 * then writes BENCH_MAIN() once. The program prints one line,
 * "NAME CHECKSUM\n" with the checksum in 16 hex digits, and exits 0. The
 * harness (bench/run) checks that every engine prints the same line.
 *
 * BENCH_N is the problem size; each kernel has a default (its "big" size)
 * and the harness passes -DBENCH_N=... for the small variant that the
 * interpreter runs. What is shared here, not just the output:
 *   bench_alloc/mark/release  a bump allocator: dg_alloc on the guest, a
 *                             static zero-filled arena natively (both get
 *                             fresh zero pages from the system lazily);
 *   bench_open/read/write     the Dagger calls on the guest; natively the
 *                             nearest POSIX call (null:// -> /dev/null,
 *                             zero:// -> /dev/zero), for the system-call
 *                             cases;
 *   bench_opaque              hides a value from the optimiser, so a
 *                             constant problem size is not folded away.
 *
 * A third build, WASI (clang --target=wasm32-wasi with wasi-libc, defining
 * __wasi__), is the native one, libc and all, but for the streams: null://
 * and zero:// are opened with the Dagger call dagger.open (a module may
 * import both), and read and written with WASI's fd_read and fd_write,
 * one iovec each, so that nullwrite measures one fd_write against the
 * Dagger build's one dagger.write on the same stream. */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#if defined(__wasm32__) && !defined(__wasi__)

#include <dagger.h>

static inline void *bench_alloc(size_t n) {
  void *p = dg_alloc(n);
  if (!p)
    dg_trap();
  return p;
}
static inline void *bench_mark(void) {
  return dg_heap_mark();
}
static inline void bench_release(void *mark) {
  dg_heap_release(mark);
}

/* The URL's descriptor; traps when it cannot be opened. */
static inline int bench_open(const char *url) {
  int fd = dg_open(url);
  if (fd < 0)
    dg_trap();
  return fd;
}
static inline int bench_write(int fd, const void *buf, uint32_t len) {
  return dagger_write(fd, buf, len);
}
static inline int bench_read(int fd, void *buf, uint32_t len) {
  return dagger_read(fd, buf, len);
}

static inline void bench_print(const char *name, uint64_t sum) {
  dg_print(name);
  dg_print(" ");
  int fd = dg_stdout();
  if (fd >= 0)
    dg_write_hex(fd, sum, 16);
  dg_print("\n");
}

#define BENCH_MAIN()                                                           \
  int dagger_main(void) {                                                      \
    bench_print(BENCH_NAME, bench_kernel());                                   \
    return 0;                                                                  \
  }

#else /* native, and WASI with wasi-libc */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BENCH_ARENA
#define BENCH_ARENA (256u << 20) /* bytes; BSS, so untouched pages are free */
#endif
#define BENCH_ALIGN 16

static unsigned char bench_arena[BENCH_ARENA]
    __attribute__((aligned(BENCH_ALIGN)));
static size_t bench_top;

static inline void *bench_alloc(size_t n) {
  size_t size = (n + BENCH_ALIGN - 1) & ~(size_t)(BENCH_ALIGN - 1);
  if (size > BENCH_ARENA - bench_top) {
    fputs("bench: arena exhausted\n", stderr);
    abort();
  }
  void *p = bench_arena + bench_top;
  bench_top += size;
  return p;
}
static inline void *bench_mark(void) {
  return bench_arena + bench_top;
}
static inline void bench_release(void *mark) {
  bench_top = (size_t)((unsigned char *)mark - bench_arena);
}

#if defined(__wasi__)

#include <wasi/api.h>

__attribute__((import_module("dagger"), import_name("open"))) int32_t
bench_dagger_open(const char *url, uint32_t len);

static inline int bench_open(const char *url) {
  int fd = bench_dagger_open(url, (uint32_t)strlen(url));
  if (fd < 0) {
    fprintf(stderr, "bench: cannot open %s\n", url);
    abort();
  }
  return fd;
}
static inline int bench_write(int fd, const void *buf, uint32_t len) {
  __wasi_ciovec_t iov = {(const uint8_t *)buf, len};
  __wasi_size_t n;
  return __wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &n) ? -1 : (int)n;
}
static inline int bench_read(int fd, void *buf, uint32_t len) {
  __wasi_iovec_t iov = {(uint8_t *)buf, len};
  __wasi_size_t n;
  return __wasi_fd_read((__wasi_fd_t)fd, &iov, 1, &n) ? -1 : (int)n;
}

#else

static inline int bench_open(const char *url) {
  const char *path = NULL;
  int flags = O_RDONLY;
  if (strcmp(url, "null://") == 0)
    path = "/dev/null", flags = O_WRONLY;
  else if (strcmp(url, "zero://") == 0)
    path = "/dev/zero";
  int fd = path ? open(path, flags) : -1;
  if (fd < 0) {
    fprintf(stderr, "bench: cannot open %s\n", url);
    abort();
  }
  return fd;
}
static inline int bench_write(int fd, const void *buf, uint32_t len) {
  return (int)write(fd, buf, len);
}
static inline int bench_read(int fd, void *buf, uint32_t len) {
  return (int)read(fd, buf, len);
}

#endif

static inline void bench_print(const char *name, uint64_t sum) {
  printf("%s %016llx\n", name, (unsigned long long)sum);
}

#define BENCH_MAIN()                                                           \
  int main(void) {                                                             \
    bench_print(BENCH_NAME, bench_kernel());                                   \
    return 0;                                                                  \
  }

#endif

/* x, which the optimiser must treat as unknown (an empty asm both gcc and
 * clang accept for wasm32 and x86-64 alike). */
static inline uint32_t bench_opaque(uint32_t x) {
  __asm__ volatile("" : "+r"(x));
  return x;
}

/* A small, fast, deterministic generator (xorshift64*) for inputs. */
static inline uint64_t bench_rand(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1Dull;
}

#endif
