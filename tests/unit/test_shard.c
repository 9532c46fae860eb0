/* compiler/shard.c: cutting wasm2c's C into translation units. The layout
 * below is wasm2c 1.0.32's, cut short; the whole pipeline runs sharded in
 * the e2e suite (DAGGER_SHARD_SIZE=1). */
#include <stdlib.h>
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

/* The units of a split, as the sink got them. */
typedef struct split {
  char *main;
  char *units[8];
  size_t nunits;
} split;

static int collect(void *ctx, size_t k, const char *text, size_t len) {
  split *s = ctx;
  char *copy = strndup(text, len);

  if (!copy || k > 8 || strlen(text) != len)
    return -1;
  if (k == 0)
    s->main = copy;
  else
    s->units[k - 1] = copy;
  return 0;
}

static int cut(const char *t, size_t len, size_t target, split *s) {
  dgc_diag d;
  size_t n = 99;
  int rc;

  *s = (split){0};
  rc = dgc_shard_split(t, len, target, 0, collect, s, &n, &d);
  s->nunits = n;
  return rc;
}

static void split_free(split *s) {
  free(s->main);
  for (size_t i = 0; i < 8; i++)
    free(s->units[i]);
  *s = (split){0};
}

static void test_split(void) {
  split s;

  CU_ASSERT_EQUAL_FATAL(cut(text, strlen(text), 1, &s), 0);
  CU_ASSERT_EQUAL_FATAL(s.nunits, 2);
  /* Every unit: the prelude, then hidden extern declarations of what it
   * names, its own definitions included (they are hidden too). */
  for (size_t i = 0; i < 2; i++) {
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], PRELUDE));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], "visibility push(hidden)"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(s.units[i], "extern u32 w2c_f0(Z_m_instance_t*, u32);\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.units[i], "extern u32 func_types[];\n"));
    CU_ASSERT_PTR_NULL(strstr(s.units[i], "Z_mZ_f"));
    CU_ASSERT_PTR_NULL(strstr(s.units[i], "0x01"));
  }
  /* Nothing they do not name: f0 calls nobody, neither reads a segment. */
  CU_ASSERT_PTR_NULL(strstr(s.units[0], "w2c_f1"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.units[1], "extern void w2c_f1(Z_m_instance_t*);\n"));
  for (size_t i = 0; i < 2; i++)
    CU_ASSERT_PTR_NULL(strstr(s.units[i], "data_segment_data_0"));
  /* The main unit declares its segment before defining it (hidden), and
   * the function its tail calls. */
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.main, "extern const u8 data_segment_data_0[];\n"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.main, "extern u32 w2c_f0(Z_m_instance_t*, u32);\n"));
  CU_ASSERT_PTR_NULL(strstr(s.main, "w2c_f1"));
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
  split_free(&s);

  /* A big target keeps both definitions in one unit: no split. */
  CU_ASSERT_EQUAL(cut(text, strlen(text), 1 << 20, &s), 0);
  CU_ASSERT_EQUAL(s.nunits, 0);
  CU_ASSERT_PTR_NULL(s.main);
  /* A target under one definition gives a unit per definition. */
  CU_ASSERT_EQUAL(cut(text, strlen(text), strlen(DEF0) / 2, &s), 0);
  CU_ASSERT_EQUAL(s.nunits, 2);
  split_free(&s);
}

/* What is not wasm2c 1.0.32's layout stays one unit. */
static void test_unknown_layouts(void) {
  static const char *const bad[] = {
      PRELUDE DEF0 DEF1 TAIL,                          /* no setup */
      PRELUDE SETUP "static u32 w2c_f0(void) {\n",     /* unterminated */
      PRELUDE SETUP DEF0 TAIL DEF1,                    /* definition late */
      PRELUDE SETUP DEF0 DEF1 "wasm_rt_register_tag;", /* exceptions */
  };
  split s;

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CU_ASSERT_EQUAL(cut(bad[i], strlen(bad[i]), 1, &s), 0);
    CU_ASSERT_EQUAL(s.nunits, 0);
    CU_ASSERT_PTR_NULL(s.main);
  }
  /* A NUL inside (names.wast copies one into a comment). */
  CU_ASSERT_EQUAL(cut(text, sizeof text, 1, &s), 0);
  CU_ASSERT_EQUAL(s.nunits, 0);
}

/* wasm2c wraps the head of a function of more than eight parameters. */
static void test_wrapped_head(void) {
  static const char wrapped[] = PRELUDE SETUP DEF0
      "static u32 w2c_f2(Z_m_instance_t* instance, u32 w2c_p0, u32 w2c_p1, "
      "u32 w2c_p2, u32 w2c_p3, u32 w2c_p4, u32 w2c_p5, u32 w2c_p6, u32 "
      "w2c_p7, \n    u32 w2c_p8) {\n  return w2c_p8;\n}\n\n" DEF1 TAIL;
  split s;

  CU_ASSERT_EQUAL_FATAL(cut(wrapped, strlen(wrapped), 1, &s), 0);
  CU_ASSERT_EQUAL_FATAL(s.nunits, 3);
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.units[1], "\nu32 w2c_f2(Z_m_instance_t* instance, u32 w2c_p0"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[1], "    u32 w2c_p8) {\n"));
  split_free(&s);
}

/* A unit declares exactly the functions and segments it names, as whole
 * identifiers, in the setup's order whatever the order of use. */
static void test_declarations(void) {
  static const char t[] =
      PRELUDE "static bool s_module_initialized = false;\n\n"
              "static u32 w2c_f1(Z_m_instance_t*);\n"
              "static u32 w2c_f10(Z_m_instance_t*);\n"
              "static u32 w2c_f2(Z_m_instance_t*);\n"
              "extern const u8 data_segment_data_d[4];\n"
              "static const u8 data_segment_data_e[] = {\n  0x01,\n};\n\n"
              "static u32 w2c_f1(Z_m_instance_t* instance) {\n"
              "  return w2c_f2(instance) + w2c_f10(instance);\n}\n\n"
              "static u32 w2c_f2(Z_m_instance_t* instance) {\n"
              "  memcpy(x, data_segment_data_d, 1); /* w2c_f1x w2c_f */\n"
              "  return 0;\n}\n\n" TAIL;
  split s;

  CU_ASSERT_EQUAL_FATAL(cut(t, strlen(t), 1, &s), 0);
  CU_ASSERT_EQUAL_FATAL(s.nunits, 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[0],
                                "#pragma GCC visibility push(hidden)\n"
                                "extern u32 func_types[];\n"
                                "extern u32 w2c_f1(Z_m_instance_t*);\n"
                                "extern u32 w2c_f10(Z_m_instance_t*);\n"
                                "extern u32 w2c_f2(Z_m_instance_t*);\n"
                                "#pragma GCC visibility pop\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[1],
                                "#pragma GCC visibility push(hidden)\n"
                                "extern u32 func_types[];\n"
                                "extern u32 w2c_f2(Z_m_instance_t*);\n"
                                "extern const u8 data_segment_data_d[4];\n"
                                "#pragma GCC visibility pop\n"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(s.main, "extern const u8 data_segment_data_e[];\n"));
  CU_ASSERT_PTR_NULL(strstr(s.main, "w2c_f10"));
  split_free(&s);
}

/* At most max_units units: the target grows to fit. */
static void test_max_units(void) {
  split s;
  dgc_diag d;
  size_t n = 0;

  CU_ASSERT_EQUAL(cut(text, strlen(text), 1, &s), 0);
  CU_ASSERT_EQUAL(s.nunits, 2);
  split_free(&s);
  CU_ASSERT_EQUAL(
      dgc_shard_split(text, strlen(text), 1, 1, collect, &s, &n, &d), 0);
  CU_ASSERT_EQUAL(n, 1);
  CU_ASSERT_PTR_NOT_NULL(s.units[0]);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[0], "\nu32 w2c_f0("));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.units[0], "\nvoid w2c_f1("));
  split_free(&s);
}

/* A sink that fails stops the split: no unit after it. */
static int fail_second(void *ctx, size_t k, const char *text, size_t len) {
  size_t *calls = ctx;
  (void)text;
  (void)len;
  ++*calls;
  return k == 1 ? -1 : 0;
}

static void test_sink_failure(void) {
  dgc_diag d;
  size_t calls = 0, n = 0;

  CU_ASSERT_EQUAL(
      dgc_shard_split(text, strlen(text), 1, 0, fail_second, &calls, &n, &d),
      -1);
  CU_ASSERT_EQUAL(calls, 2);
}

int main(void) {
  static const unit_test tests[] = {
      {"split", test_split},
      {"unknown layouts", test_unknown_layouts},
      {"wrapped head", test_wrapped_head},
      {"declarations", test_declarations},
      {"max units", test_max_units},
      {"sink failure", test_sink_failure},
      {NULL, NULL},
  };
  return unit_run("shard", tests);
}
