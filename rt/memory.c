/* Guest memory accessors.
 *
 * These are the only functions that compute host addresses from guest
 * offsets. Every range is checked against the size the embedder reports now
 * (memory can grow or move between calls), in 64-bit arithmetic so that
 * ptr + len cannot wrap. wabt's big-endian layout stores guest byte i at
 * base[size - 1 - i]; load and store hide that, so schemes only ever see
 * host buffers in guest byte order. */
#include <string.h>

#include "rt.h"

uint64_t dagger_memory_size(const dagger_memory *mem) {
  return dagger_mem_size_inline(mem);
}

int dagger_mem_check(const dagger_memory *mem, uint32_t ptr, uint64_t len) {
  return dagger_mem_in_range(mem, ptr, len) ? DAGGER_OK : DAGGER_BAD_POINTER;
}

/* Host address of guest byte `ptr` in the normal layout. */
static uint8_t *host_addr(const dagger_memory *mem, uint32_t ptr) {
  return *mem->base + ptr;
}

int dagger_mem_load(const dagger_memory *mem, uint32_t ptr, void *dst,
                    uint32_t len) {
  if (dagger_mem_check(mem, ptr, len) != DAGGER_OK)
    return DAGGER_BAD_POINTER;
  if (len == 0)
    return DAGGER_OK;
  if (!mem->reversed) {
    memcpy(dst, host_addr(mem, ptr), len);
    return DAGGER_OK;
  }
  const uint8_t *top = *mem->base + (dagger_memory_size(mem) - 1 - ptr);
  uint8_t *out = dst;
  for (uint32_t i = 0; i < len; i++)
    out[i] = *(top - i);
  return DAGGER_OK;
}

int dagger_mem_store(const dagger_memory *mem, uint32_t ptr, const void *src,
                     uint32_t len) {
  if (dagger_mem_check(mem, ptr, len) != DAGGER_OK)
    return DAGGER_BAD_POINTER;
  if (len == 0)
    return DAGGER_OK;
  if (!mem->reversed) {
    memcpy(host_addr(mem, ptr), src, len);
    return DAGGER_OK;
  }
  uint8_t *top = *mem->base + (dagger_memory_size(mem) - 1 - ptr);
  const uint8_t *in = src;
  for (uint32_t i = 0; i < len; i++)
    *(top - i) = in[i];
  return DAGGER_OK;
}

uint8_t *dagger_mem_span(const dagger_memory *mem, uint32_t ptr, uint32_t len) {
  if (!dagger_mem_in_range(mem, ptr, len))
    return NULL;
  return dagger_mem_span_checked(mem, ptr);
}
