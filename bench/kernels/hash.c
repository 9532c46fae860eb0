/* hash: a checksum loop. A 64 KiB buffer of pseudo-random bytes is hashed
 * BENCH_N times with table-driven CRC-32 and 64-bit FNV-1a, each pass
 * seeded by the previous results (byte loads, a table lookup, 32- and
 * 64-bit multiplies and shifts). Checksum: both hashes combined. */
#include "bench.h"

#ifndef BENCH_N
#define BENCH_N 400
#endif
#define BENCH_NAME "hash"
#define BUF_SIZE 65536

static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(const unsigned char *p, size_t n, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++)
    crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static uint64_t fnv1a(const unsigned char *p, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

static uint64_t bench_kernel(void) {
  uint32_t rounds = bench_opaque(BENCH_N);
  unsigned char *buf = bench_alloc(BUF_SIZE);
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < BUF_SIZE; i += 8) {
    uint64_t r = bench_rand(&seed);
    for (int k = 0; k < 8; k++)
      buf[i + (size_t)k] = (unsigned char)(r >> (8 * k));
  }
  crc_init();
  uint32_t crc = 0;
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t r = 0; r < rounds; r++) {
    crc = crc32(buf, BUF_SIZE, crc);
    h = fnv1a(buf, BUF_SIZE, h ^ crc);
    buf[r % BUF_SIZE] ^= (unsigned char)h;
  }
  return h ^ (uint64_t)crc << 32;
}

BENCH_MAIN()
