/* compiler/shard.c: cutting wasm2c's C into translation units. The layout
 * below is wasm2c 1.0.32's, cut short; the whole pipeline runs sharded in
 * the e2e suite (DAGGER_SHARD_SIZE=1). */
#include <string.h>

#include "compiler.h"
#include "unit.h"

#define PRELUDE "#include \"daggercc-module.h\"\n#define X 1\n"
#define SETUP                                                                  \
  "static bool s_module_initialized = false;\n\n"                              \
  "static u32 func_types[2];\n\n"                                              \
  "static void init_func_types(void) {\n  func_types[0] = 1;\n}\n\n"           \
  "static u32 w2c_f0(Z_m_instance_t*, u32);\n"                                 \
  "static void w2c_f1(Z_m_instance_t*);\n\n"                                   \
  "static const u8 data_segment_data_0[] = {\n  0x01,\n};\n\n"
#define DEF0                                                                   \
  "static u32 w2c_f0(Z_m_instance_t* instance, u32 w2c_p0) {\n"                \
  "  return w2c_p0;\n}\n\n"
#define DEF1                                                                   \
  "static void w2c_f1(Z_m_instance_t* instance) {\n  w2c_f0(instance, "        \
  "1);\n}\n\n"
#define TAIL                                                                   \
  "u32 Z_mZ_f(Z_m_instance_t* instance, u32 p0) {\n"                           \
  "  return w2c_f0(instance, p0);\n}\n"

static const char text[] = PRELUDE SETUP DEF0 DEF1 TAIL;

static int count(const char *s, const char *what) {
  int n = 0;
  for (; (s = strstr(s, what)); s++)
    n++;
  return n;
}

static void test_split(void) {
  dgc_shards s;
  dgc_diag d;

  CU_ASSERT_EQUAL_FATAL(dgc_shard_split(text, strlen(text), 1, &s, &d), 0);
  CU_ASSERT_EQUAL_FATAL(s.nunits, 2);
  /* Every unit: the prelude, then hidden extern declarations. */
  for (size_t i = 0; i < 2; i++) {
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], PRELUDE));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], "visibility push(hidden)"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(s.units[i], "extern u32 w2c_f0(Z_m_instance_t*, u32);\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], "extern u32 func_types[];\n"));
    CU_ASSERT_PTR_NULL(strstr(s.units[i], "Z_mZ_f"));
    /* Segments are declared (memory.init may read one), defined once. */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(s.units[i], "extern const u8 data_segment_data_0[];\n"));
    CU_ASSERT_PTR_NULL(strstr(s.units[i], "0x01"));
  }
  /* One definition each, no longer static. */
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[0], "\nu32 w2c_f0(Z_m_instance_t"));
  CU_ASSERT_PTR_NULL(strstr(s.units[0], "w2c_f1(Z_m_instance_t* instance)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[1], "\nvoid w2c_f1(Z_m_instance_t"));
  /* The main unit: setup and tail, func_types defined, no definitions and
   * no static prototypes. */
  CU_ASSERT_PTR_NOT_NULL(strstr(s.main, "\nu32 func_types[2];\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.main, "static void init_func_types"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.main, "\nconst u8 data_segment_data_0[] = {\n  0x01,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.main, TAIL));
  CU_ASSERT_EQUAL(count(s.main, "static u32 w2c_f0"), 0);
  CU_ASSERT_EQUAL(count(s.main, "w2c_p0) {"), 0);
  dgc_shards_free(&s);

  /* A big target keeps both definitions in one unit: no split. */
  CU_ASSERT_EQUAL(dgc_shard_split(text, strlen(text), 1 << 20, &s, &d), 0);
  CU_ASSERT_EQUAL(s.nunits, 0);
  /* A target under one definition gives a unit per definition. */
  CU_ASSERT_EQUAL(dgc_shard_split(text, strlen(text), strlen(DEF0) / 2, &s, &d),
                  0);
  CU_ASSERT_EQUAL(s.nunits, 2);
  dgc_shards_free(&s);
}

/* What is not wasm2c 1.0.32's layout stays one unit. */
static void test_unknown_layouts(void) {
  static const char *const bad[] = {
      PRELUDE DEF0 DEF1 TAIL,                          /* no setup */
      PRELUDE SETUP "static u32 w2c_f0(void) {\n",     /* unterminated */
      PRELUDE SETUP DEF0 TAIL DEF1,                    /* definition late */
      PRELUDE SETUP DEF0 DEF1 "wasm_rt_register_tag;", /* exceptions */
  };
  dgc_shards s;
  dgc_diag d;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CU_ASSERT_EQUAL(dgc_shard_split(bad[i], strlen(bad[i]), 1, &s, &d), 0);
    CU_ASSERT_EQUAL(s.nunits, 0);
  }
  /* A NUL inside (names.wast copies one into a comment). */
  CU_ASSERT_EQUAL(dgc_shard_split(text, sizeof text, 1, &s, &d), 0);
  CU_ASSERT_EQUAL(s.nunits, 0);
}

/* wasm2c wraps the head of a function of more than eight parameters. */
static void test_wrapped_head(void) {
  static const char wrapped[] = PRELUDE SETUP DEF0
      "static u32 w2c_f2(Z_m_instance_t* instance, u32 w2c_p0, u32 w2c_p1, "
      "u32 w2c_p2, u32 w2c_p3, u32 w2c_p4, u32 w2c_p5, u32 w2c_p6, u32 "
      "w2c_p7, \n    u32 w2c_p8) {\n  return w2c_p8;\n}\n\n" DEF1 TAIL;
  dgc_shards s;
  dgc_diag d;

  CU_ASSERT_EQUAL_FATAL(dgc_shard_split(wrapped, strlen(wrapped), 1, &s, &d),
                        0);
  CU_ASSERT_EQUAL_FATAL(s.nunits, 3);
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.units[1], "\nu32 w2c_f2(Z_m_instance_t* instance, u32 w2c_p0"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[1], "    u32 w2c_p8) {\n"));
  dgc_shards_free(&s);
}

int main(void) {
  static const unit_test tests[] = {
      {"split", test_split},
      {"unknown layouts", test_unknown_layouts},
      {"wrapped head", test_wrapped_head},
      {NULL, NULL},
  };
  return unit_run("shard", tests);
}
