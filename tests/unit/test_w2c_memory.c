/* wasm2c's memory functions as daggercc builds them (rt/wasm2c/rt-impl.c),
 * at the top of the wasm32 range: 65,535 and 65,536 pages (4 GiB), whose
 * size in bytes wabt 1.0.32 wrapped to 0. Built twice, once against each
 * bounds strategy's library (tests/unit/CMakeLists.txt); the runtime's own
 * view of the memory (dagger_memory) is checked at the same sizes. Only a
 * few pages are touched: the 4 GiB are address space, not RSS. */
#include <stdint.h>
#include <string.h>

#include "dagger/wasm2c.h"
#include "rt.h"
#include "unit.h"
#include "wasm-rt.h"

#define PAGE ((uint64_t)65536)
#define TOP4G ((uint64_t)1 << 32)

static void test_declared_4gib(void) {
  wasm_rt_memory_t m;

  wasm_rt_allocate_memory(&m, 65536, 65536);
  CU_ASSERT_EQUAL(m.pages, 65536);
  CU_ASSERT_EQUAL(m.size, TOP4G);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m.data);
  CU_ASSERT_EQUAL(m.data[TOP4G - 1], 0);
  m.data[TOP4G - 1] = 0x5a;
  m.data[(uint64_t)1 << 30] = 0x5b;
  CU_ASSERT_EQUAL(m.data[TOP4G - 1], 0x5a);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
  CU_ASSERT_EQUAL(m.size, TOP4G);
  CU_ASSERT_EQUAL(m.data[TOP4G - 1], 0x5a);
  wasm_rt_free_memory(&m);
}

static void test_grow_to_4gib(void) {
  wasm_rt_memory_t m;
  uint8_t *data;

  wasm_rt_allocate_memory(&m, 1, 65536);
  m.data[0] = 1;
  m.data[PAGE - 1] = 2;
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 65534), 1);
  CU_ASSERT_EQUAL(m.size, TOP4G - PAGE);
  CU_ASSERT_EQUAL(m.data[0], 1);
  CU_ASSERT_EQUAL(m.data[PAGE - 1], 2);
  CU_ASSERT_EQUAL(m.data[TOP4G - PAGE - 1], 0);
  /* 65,536 pages: the size in bytes needs the 33rd bit */
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 1), 65535);
  CU_ASSERT_EQUAL(m.pages, 65536);
  CU_ASSERT_EQUAL(m.size, TOP4G);
  CU_ASSERT_EQUAL(m.data[PAGE - 1], 2);
  memset(m.data + TOP4G - 4096, 0x33, 4096);
  CU_ASSERT_EQUAL(m.data[TOP4G - 1], 0x33);
  /* past 4 GiB: refused, nothing moved or freed */
  data = m.data;
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, UINT32_MAX), UINT32_MAX);
  CU_ASSERT_PTR_EQUAL(m.data, data);
  CU_ASSERT_EQUAL(m.size, TOP4G);
  CU_ASSERT_EQUAL(m.data[TOP4G - 1], 0x33);
  wasm_rt_free_memory(&m);
}

static void test_grow_limits(void) {
  wasm_rt_memory_t m;

  wasm_rt_allocate_memory(&m, 0, 3);
  CU_ASSERT_PTR_NOT_NULL(m.data);
  CU_ASSERT_EQUAL(m.size, 0);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 0), 0);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 2), 0);
  CU_ASSERT_EQUAL(m.size, 2 * PAGE);
  m.data[2 * PAGE - 1] = 7;
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 2), UINT32_MAX); /* max is 3 */
  CU_ASSERT_EQUAL(m.pages, 2);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 1), 2);
  CU_ASSERT_EQUAL(m.data[2 * PAGE - 1], 7);
  CU_ASSERT_EQUAL(m.data[3 * PAGE - 1], 0);
  wasm_rt_free_memory(&m);
}

/* The memory limit (--max-memory): a grow past dagger_w2c_max_pages answers
 * -1 and leaves the memory as it was; a memory that starts above it is
 * handed to dagger_w2c_memory_refused before anything is allocated. */
static uint32_t refused_pages;

static void note_refused(uint32_t pages) {
  refused_pages = pages;
}

static void test_memory_limit(void) {
  wasm_rt_memory_t m;

  dagger_w2c_max_pages = 4;
  wasm_rt_allocate_memory(&m, 1, 65536);
  m.data[0] = 9;
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 3), 1);
  CU_ASSERT_EQUAL(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
  CU_ASSERT_EQUAL(m.pages, 4);
  CU_ASSERT_EQUAL(m.size, 4 * PAGE);
  CU_ASSERT_EQUAL(m.data[0], 9);
  wasm_rt_free_memory(&m);
  /* (a real hook exits; this one returns, so the allocation goes on) */
  dagger_w2c_memory_refused = note_refused;
  wasm_rt_allocate_memory(&m, 5, 65536);
  CU_ASSERT_EQUAL(refused_pages, 5);
  wasm_rt_free_memory(&m);
  refused_pages = 0;
  wasm_rt_allocate_memory(&m, 4, 65536);
  CU_ASSERT_EQUAL(refused_pages, 0);
  wasm_rt_free_memory(&m);
  dagger_w2c_memory_refused = NULL;
  dagger_w2c_max_pages = 65536;
}

/* The runtime's checks see 2^32 bytes at 65,536 pages. */
static void test_runtime_view(void) {
  wasm_rt_memory_t m;
  uint8_t got[4];

  wasm_rt_allocate_memory(&m, 65536, 65536);
  dagger_memory view = {&m.data, &m.pages, 0};
  CU_ASSERT_EQUAL(dagger_memory_size(&view), TOP4G);
  CU_ASSERT_EQUAL(dagger_mem_store(&view, 0xfffffffcu, "wxyz", 4), DAGGER_OK);
  CU_ASSERT_EQUAL(memcmp(m.data + TOP4G - 4, "wxyz", 4), 0);
  CU_ASSERT_EQUAL(dagger_mem_load(&view, 0xfffffffdu, got, 3), DAGGER_OK);
  CU_ASSERT_EQUAL(memcmp(got, "xyz", 3), 0);
  CU_ASSERT_EQUAL(dagger_mem_load(&view, 0xfffffffdu, got, 4),
                  DAGGER_BAD_POINTER);
  CU_ASSERT_EQUAL(dagger_mem_check(&view, 0, TOP4G), DAGGER_OK);
  CU_ASSERT_EQUAL(dagger_mem_check(&view, 0, TOP4G + 1), DAGGER_BAD_POINTER);
  CU_ASSERT_PTR_EQUAL(dagger_mem_span(&view, 0xffffff00u, 256),
                      m.data + 0xffffff00u);
  wasm_rt_free_memory(&m);
}

int main(void) {
  static const unit_test tests[] = {
      {"a declared memory of 65,536 pages", test_declared_4gib},
      {"growing to 65,535 and 65,536 pages", test_grow_to_4gib},
      {"grow limits and an empty memory", test_grow_limits},
      {"the memory limit of --max-memory", test_memory_limit},
      {"the runtime's view at 4 GiB", test_runtime_view},
      {NULL, NULL}};
  return unit_run("wasm2c memory (" DAGGER_UNIT_BOUNDS ")", tests);
}
