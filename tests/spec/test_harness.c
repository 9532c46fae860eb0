/* compiler/harness.c without spawning anything: module names, file names
 * and the glue of a --harness build, written from headers made up here. */
#include "compiler.h"

#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_module_names(void) {
  char out[32];

  CU_ASSERT_STRING_EQUAL(dgc_harness_module_name(0, out, sizeof out),
                         DGC_W2C_MODULE);
  CU_ASSERT_STRING_EQUAL(dgc_harness_module_name(1, out, sizeof out), "m1");
  CU_ASSERT_STRING_EQUAL(dgc_harness_module_name(63, out, sizeof out), "m63");
}

static void check_file(size_t k, const char *base, const char *want) {
  char *got = dgc_harness_file(k, base);

  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  CU_ASSERT_STRING_EQUAL(got, want);
  free(got);
}

static void test_file_names(void) {
  check_file(0, DGC_MODULE_C, DGC_MODULE_C);
  check_file(1, "daggercc-module.c", "daggercc-module-1.c");
  check_file(12, "daggercc-module.h", "daggercc-module-12.h");
  check_file(2, "daggercc-input.wasm", "daggercc-input-2.wasm");
  check_file(3, "noext", "noext-3");
}

/* dir/name := text */
static void put(const char *dir, const char *name, const char *text) {
  char path[512];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(text, f);
  fclose(f);
}

/* Not inlined: open_memstream() takes &text, so once inlined gcc 12 takes
   every pointer into the returned buffer for one into the local variable
   text itself, dangling after return (-Wdangling-pointer at -O2). */
__attribute__((noinline)) static char *
emit(const dgc_harness *h, const char *dir, int *rc, dgc_diag *d) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);

  CU_ASSERT_PTR_NOT_NULL_FATAL(out);
  *rc = dgc_emit_harness(out, h, dir, d);
  fclose(out);
  return text;
}

/* The part of text from the first occurrence of what, or NULL. */
#define AT(text, what) strstr(text, what)

static void test_emit(void) {
  char dir[] = "/tmp/test_harness-XXXXXX", harness[600];
  const char *mods[] = {"a.wasm", "b*/.wasm", "c.wat"};
  dgc_harness h = {.source = harness, .modules = mods, .nmodules = 3};
  dgc_diag d;
  char *text, *p0, *p1, *p2, *src, *tail;
  int rc;

  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  snprintf(harness, sizeof harness, "%s/h.c", dir);
  put(dir, "h.c", "int spec_x;"); /* no final newline */
  put(dir, DGC_MODULE_H,
      "typedef struct Z_m_instance_t {\n  wasm_rt_memory_t w2c_memory;\n"
      "} Z_m_instance_t;\n");
  put(dir, "daggercc-module-1.h",
      "typedef struct Z_m1_instance_t {\n  wasm_rt_memory_t *Z_aZ_mem;\n"
      "  u32 w2c_g;\n} Z_m1_instance_t;\n");
  put(dir, "daggercc-module-2.h",
      "typedef struct Z_m2_instance_t {\n  u64 w2c_g;\n"
      "  wasm_rt_memory_t w2c_M0;\n} Z_m2_instance_t;\n"
      "void Z_m2_free(Z_m2_instance_t*);\n");

  text = emit(&h, dir, &rc, &d);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  CU_ASSERT_PTR_NOT_NULL(AT(text, "#define DAGGERCC_HARNESS_MODULES 3\n"));
  p0 = AT(text, "#include \"" DGC_MODULE_H "\"\n");
  p1 = AT(text, "#include \"daggercc-module-1.h\"\n");
  p2 = AT(text, "#include \"daggercc-module-2.h\"\n");
  src = AT(text, "\nint spec_x;\n");
  tail = AT(text, "#include \"" DGC_MODULE_C "\"\n");
  CU_ASSERT_FATAL(p0 && p1 && p2 && src && tail);
  /* Headers in list order, then the harness, then module 0's C last. */
  CU_ASSERT(p0 < p1 && p1 < p2 && p2 < src && src < tail);
  CU_ASSERT_STRING_EQUAL(tail, "#include \"" DGC_MODULE_C "\"\n");
  CU_ASSERT_PTR_NOT_NULL(AT(text, "#line 1 \""));
  /* Memories: module 0's and 2's fields; module 1 imports its memory. */
  CU_ASSERT_PTR_NOT_NULL(AT(text, "#define DAGGERCC_HARNESS_MEMORY_0 "
                                  "w2c_memory\n"));
  CU_ASSERT_PTR_NULL(AT(text, "DAGGERCC_HARNESS_MEMORY_1"));
  CU_ASSERT_PTR_NOT_NULL(AT(text, "#define DAGGERCC_HARNESS_MEMORY_2 "
                                  "w2c_M0\n"));
  /* A module's name never ends a comment early. */
  CU_ASSERT_PTR_NULL(AT(text, "b*/"));
  free(text);

  h.nmodules = 0;
  text = emit(&h, dir, &rc, &d);
  CU_ASSERT_EQUAL(rc, -1);
  free(text);
  h.nmodules = 1;
  h.source = "/nonexistent/harness.c";
  text = emit(&h, dir, &rc, &d);
  CU_ASSERT_EQUAL(rc, -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(d.msg, "/nonexistent/harness.c"));
  free(text);

  for (const char *const *n =
           (const char *const[]){"h.c", DGC_MODULE_H, "daggercc-module-1.h",
                                 "daggercc-module-2.h", NULL};
       *n; n++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, *n);
    unlink(path);
  }
  rmdir(dir);
}

int main(void) {
  CU_pSuite s;
  unsigned failed;

  if (CU_initialize_registry() != CUE_SUCCESS)
    return 1;
  s = CU_add_suite("harness", NULL, NULL);
  CU_add_test(s, "module names", test_module_names);
  CU_add_test(s, "file names", test_file_names);
  CU_add_test(s, "emit", test_emit);
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  failed = CU_get_number_of_failures();
  CU_cleanup_registry();
  return failed ? 1 : 0;
}
