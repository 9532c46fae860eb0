/* compiler/data.c: wasm2c's data segment arrays taken out of the C. The
 * whole pipeline (assembled, linked, every byte checked) runs in
 * tests/cli/data.sh. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "unit.h"

#define ARRAY(name, body)                                                      \
  "static const u8 data_segment_data_" name "[] = {\n" body "};\n"

static void test_extract(void) {
  static const char text[] =
      "#include \"m.h\"\n" ARRAY("w2c_d0", "  0x68, 0x69, \n") "\n" ARRAY(
          "w2c_d1",
          "  0x00, 0xff, 0x7A, \n  0x01, \n") "static void init_memories(void) "
                                              "{}\n";
  char *c, *as;
  size_t n;
  dgc_data data;
  dgc_diag d;

  CU_ASSERT_EQUAL_FATAL(
      dgc_data_extract(text, strlen(text), 2, &c, &n, &data, &d), 0);
  CU_ASSERT_EQUAL(n, strlen(c));
  CU_ASSERT_EQUAL(data.nsegs, 2);
  CU_ASSERT_EQUAL(data.len, 6);
  CU_ASSERT_EQUAL(memcmp(data.bytes, "hi\0\xff\x7a\x01", 6), 0);
  CU_ASSERT_EQUAL(data.sizes[0], 2);
  CU_ASSERT_EQUAL(data.sizes[1], 4);
  CU_ASSERT_PTR_NULL(strstr(c, "0x"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(c, "\nextern const u8 data_segment_data_w2c_d1[] "
                "__asm__(\"daggercc_data_2_1\") "
                "__attribute__((visibility(\"hidden\")));\nstatic void"));
  CU_ASSERT_PTR_NOT_NULL(strstr(c, "#include \"m.h\"\nextern const u8 "
                                   "data_segment_data_w2c_d0[]"));
  as = dgc_data_asm(&data, "/tmp/a \"b\"/daggercc-data.bin");
  CU_ASSERT_PTR_NOT_NULL_FATAL(as);
  CU_ASSERT_PTR_NOT_NULL(strstr(as, "daggercc_data_2_1:\n\t.incbin "
                                    "\"/tmp/a \\\"b\\\"/daggercc-data.bin\", "
                                    "2, 4\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(as, "\t.hidden daggercc_data_2_0\n"));
  CU_ASSERT_PTR_NOT_NULL(strstr(as, ".note.GNU-stack"));
  free(as);
  free(c);
  dgc_data_free(&data);
}

/* What is not wasm2c's array stays as it is. */
static void test_left_alone(void) {
  static const char *const texts[] = {
      "  static const u8 data_segment_data_x[] = {\n  0x01, \n};\n",
      ARRAY("x", "  0x01, 2, \n"),
      ARRAY("x", "  0x0g, \n"),
      "static const u8 data_segment_data_x[] = {\n  0x01, \n",
      "static const u8 data_segment_data_x[3] = {\n  0x01, \n};\n",
  };
  char *c;
  size_t n;
  dgc_data data;
  dgc_diag d;

  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    CU_ASSERT_EQUAL_FATAL(
        dgc_data_extract(texts[i], strlen(texts[i]), 0, &c, &n, &data, &d), 0);
    CU_ASSERT_STRING_EQUAL(c, texts[i]);
    CU_ASSERT_EQUAL(data.nsegs, 0);
    free(c);
    dgc_data_free(&data);
  }
}

int main(void) {
  static const unit_test tests[] = {
      {"extract", test_extract},
      {"left alone", test_left_alone},
      {NULL, NULL},
  };
  return unit_run("data", tests);
}
