/* wasm2c's own runtime, wasm-rt-impl.c from Debian's wabt 1.0.32 (trap
 * set-up, tables, exceptions), compiled through this file, with its memory
 * functions replaced by the ones below.
 *
 * wabt 1.0.32 keeps a memory's size in bytes in 32 bits (pages * 65536 in
 * uint32_t arithmetic), which wraps to 0 at 65,536 pages (4 GiB): under
 * explicit checks, growing to 4 GiB called realloc(data, 0), freeing the
 * memory the guest went on using; a module declaring 4 GiB got calloc(0);
 * under guard pages nothing was made accessible and every store trapped.
 * daggercc's copy of wasm-rt.h (rt/CMakeLists.txt) widens
 * wasm_rt_memory_t.size to uint64_t, and these functions compute every
 * size in 64 bits:
 *
 *   guard:    8 GiB of address space reserved PROT_NONE, the memory's pages
 *             made read-write with mprotect. A length of 0 is never passed
 *             to mprotect: qemu-user 7.2 answers ENOMEM there (Linux 0), and
 *             wabt's copy aborted every module with an empty memory.
 *   explicit: an anonymous mapping, grown with mremap. The kernel hands out
 *             zero pages lazily, so a memory of 4 GiB costs no RSS until it
 *             is touched (realloc + memset of the new part touched all of
 *             it), and growing moves page tables, not bytes. The mapping is
 *             at least one wasm page long, so data is never NULL, even for
 *             an empty memory.
 *
 * memory.grow answers -1 and leaves the memory as it was when the new size
 * passes the maximum, 65,536 pages, the memory limit (dagger_w2c_max_pages,
 * wasm2c.h), or what the address space gives (a
 * 32-bit target cannot map 4 GiB). A memory that cannot be allocated at
 * start is fatal: the program says so on stderr and exits 209 (other trap)
 * before any guest code runs; wasm2c's instantiate has no way to fail.
 *
 * wasm-rt-impl.c is copied beside this file as wasm-rt-impl.inc (not .c,
 * so that daggercc, which compiles every .c of this folder when it builds a
 * runtime for another target, compiles it once, here). wasm-rt.h is
 * included first, so the renaming macros below rename wabt's definitions
 * only, not the declarations. */
#define _GNU_SOURCE /* mremap, program_invocation_name */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wasm-rt.h"

_Static_assert(sizeof(((wasm_rt_memory_t *)0)->size) == 8,
               "wasm-rt.h must be daggercc's copy, with a 64-bit memory size");

#include "wasm2c.h"

/* wabt's wasm_rt_trap, renamed: every trap goes through ours, which first
 * records where it happened (traps.c). */
void wabt_trap(wasm_rt_trap_t code);

#define wasm_rt_allocate_memory wabt_allocate_memory_unused
#define wasm_rt_grow_memory wabt_grow_memory_unused
#define wasm_rt_free_memory wabt_free_memory_unused
#define wasm_rt_trap wabt_trap
#include "wasm-rt-impl.inc"
#undef wasm_rt_allocate_memory
#undef wasm_rt_grow_memory
#undef wasm_rt_free_memory
#undef wasm_rt_trap

void wasm_rt_trap(wasm_rt_trap_t code) {
  dagger_w2c_capture();
  wabt_trap(code);
  abort(); /* wabt_trap jumps; never here */
}

#define WASM_PAGE ((uint64_t)65536)
/* The most pages a wasm32 memory can have. */
#define MAX_PAGES 65536u
/* Every address a wasm32 load or store can form (guard strategy). */
#define RESERVATION ((uint64_t)0x200000000ull)
/* The status of a program whose memory cannot be allocated (other trap). */
#define ALLOC_FAILED_STATUS 209

/* Bytes in `pages` pages, or 0 with *fits false when size_t cannot hold
 * them (4 GiB on a 32-bit target). */
static size_t byte_size(uint64_t pages, int *fits) {
  uint64_t bytes = pages * WASM_PAGE;
  *fits = bytes <= (uint64_t)SIZE_MAX;
  return *fits ? (size_t)bytes : 0;
}

uint32_t dagger_w2c_max_pages = MAX_PAGES;
void (*dagger_w2c_memory_refused)(uint32_t pages);

static void allocation_failed(uint32_t pages, int err) {
  fprintf(stderr,
          "%s: cannot allocate the module's memory of %" PRIu32
          " pages (%" PRIu64 " bytes): %s\n",
          program_invocation_name, pages, (uint64_t)pages * WASM_PAGE,
          strerror(err));
  exit(ALLOC_FAILED_STATUS);
}

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
/* The reservation of the last memory freed, kept for the next one. A
 * process that makes instance after instance (serve mode, docs/serve.md;
 * the spec harness) spent most of each in the kernel building and
 * tearing down the page tables of a new 8 GiB reservation. Its first
 * spare_bytes are read-write and all zero (cleared when it was freed),
 * the rest PROT_NONE, as a fresh reservation's. */
static uint8_t *spare;
static size_t spare_bytes;
/* Up to this size a freed memory is cleared with memset, its pages left
 * mapped for the next; a bigger one is unmapped (not MADV_DONTNEED, which
 * qemu-user 7.2 ignores: the next instance would see the last one's data). */
#define SPARE_MAX ((size_t)2 << 20)

/* Makes exactly the first `bytes` of the reservation p, of which `have`
 * are read-write, accessible. */
static int fit(uint8_t *p, size_t have, size_t bytes) {
  if (bytes > have)
    return mprotect(p + have, bytes - have, PROT_READ | PROT_WRITE);
  if (bytes < have)
    return mprotect(p + bytes, have - bytes, PROT_NONE);
  return 0;
}

static uint8_t *map_memory(size_t bytes) {
  void *p;

  if (spare) {
    p = spare;
    spare = NULL;
    if (fit(p, spare_bytes, bytes) == 0)
      return p;
    munmap(p, (size_t)RESERVATION);
  }
  p = mmap(NULL, (size_t)RESERVATION, PROT_NONE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  if (bytes && mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0) {
    int err = errno;
    munmap(p, (size_t)RESERVATION);
    errno = err;
    return NULL;
  }
  return p;
}

/* Makes [old, new) of the reservation accessible; data does not move. */
static uint8_t *remap_memory(uint8_t *data, size_t old, size_t new) {
  if (mprotect(data + old, new - old, PROT_READ | PROT_WRITE) != 0)
    return NULL;
  return data;
}

/* Kept as the spare, all zero, when there is none and it is small;
 * unmapped else. */
static void unmap_memory(uint8_t *data, size_t bytes) {
  if (spare || bytes > SPARE_MAX) {
    munmap(data, (size_t)RESERVATION);
    return;
  }
  memset(data, 0, bytes);
  spare = data;
  spare_bytes = bytes;
}
#else
/* The mapping's length for a memory of `bytes`: never 0. */
static size_t map_length(size_t bytes) {
  return bytes ? bytes : (size_t)WASM_PAGE;
}

static uint8_t *map_memory(size_t bytes) {
  void *p = mmap(NULL, map_length(bytes), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* The new pages read as zeros; on failure the old mapping is untouched. */
static uint8_t *remap_memory(uint8_t *data, size_t old, size_t new) {
  void *p = mremap(data, map_length(old), map_length(new), MREMAP_MAYMOVE);
  return p == MAP_FAILED ? NULL : p;
}

static void unmap_memory(uint8_t *data, size_t bytes) {
  munmap(data, map_length(bytes));
}
#endif

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages,
                             uint32_t max_pages) {
  int fits;
  size_t bytes = byte_size(initial_pages, &fits);
  uint8_t *data = NULL;

  if (initial_pages > dagger_w2c_max_pages && dagger_w2c_memory_refused)
    dagger_w2c_memory_refused(initial_pages);
  if (initial_pages > MAX_PAGES || !fits)
    allocation_failed(initial_pages, ENOMEM);
  data = map_memory(bytes);
  if (!data)
    allocation_failed(initial_pages, errno);
  memory->data = data;
  memory->size = bytes;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  int fits;
  size_t old_size = (size_t)memory->size;
  size_t new_size = byte_size(new_pages, &fits);
  uint8_t *data;

  if (delta == 0)
    return old_pages;
  if (new_pages > memory->max_pages || new_pages > MAX_PAGES || !fits ||
      new_pages > dagger_w2c_max_pages)
    return UINT32_MAX;
  data = remap_memory(memory->data, old_size, new_size);
  if (!data)
    return UINT32_MAX;
#if WABT_BIG_ENDIAN
  /* Byte-reversed layout: the old bytes move to the top, zeros below. Of
   * the bytes below, only those the old memory held need clearing: the
   * rest are the new pages, already zero. */
  size_t added = new_size - old_size;
  memmove(data + added, data, old_size);
  memset(data, 0, old_size < added ? old_size : added);
#endif
  memory->data = data;
  memory->size = new_size;
  memory->pages = (uint32_t)new_pages;
  return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  if (memory->data)
    unmap_memory(memory->data, (size_t)memory->size);
  memory->data = NULL;
  memory->size = 0;
  memory->pages = 0;
}
