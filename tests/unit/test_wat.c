/* compiler/wat.c: legacy instruction names rewritten token by token,
 * never inside strings, comments or longer tokens. */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "unit.h"

static void test_rewrites(void) {
  static const struct {
    const char *in, *want;
    size_t count;
  } cases[] = {
      {"(get_local 0)", "(local.get 0)", 1},
      {"get_local $x set_local $y tee_local 1",
       "local.get $x local.set $y local.tee 1", 3},
      {"(get_global $g)(set_global $g)", "(global.get $g)(global.set $g)", 2},
      {"current_memory\tgrow_memory\n", "memory.size\tmemory.grow\n", 2},
      {"(table 1 anyfunc)", "(table 1 funcref)", 1},
      {"i32.wrap/i64 i64.extend_s/i32 i64.extend_u/i32",
       "i32.wrap_i64 i64.extend_i32_s i64.extend_i32_u", 3},
      {"i64.trunc_u/f32 i32.trunc_s:sat/f64 f32.convert_u/i64",
       "i64.trunc_f32_u i32.trunc_sat_f64_s f32.convert_i64_u", 3},
      {"f32.demote/f64 f64.promote/f32 f64.reinterpret/i64",
       "f32.demote_f64 f64.promote_f32 f64.reinterpret_i64", 3},
      /* left alone: strings, comments, identifiers, longer tokens */
      {"(data \"get_local\\\" get_local\")", NULL, 0},
      {";; get_local\nget_local", ";; get_local\nlocal.get", 1},
      {"(; get_local (; nested ;) get_local ;) get_local",
       "(; get_local (; nested ;) get_local ;) local.get", 1},
      {"$get_local get_localx xget_local get_local.x", NULL, 0},
      {"local.get i32.wrap_i64", NULL, 0},
      {"(func $f (local.get 0)) \"unterminated get_local", NULL, 0},
      {"(; unterminated get_local", NULL, 0},
      {"", NULL, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n, count;
    const char *first;
    const char *want = cases[i].want ? cases[i].want : cases[i].in;
    char *out =
        dgc_wat_modernise(cases[i].in, strlen(cases[i].in), &n, &count, &first);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(out, want);
    CU_ASSERT_EQUAL(n, strlen(want));
    CU_ASSERT_EQUAL(count, cases[i].count);
    CU_ASSERT((count == 0) == (first == NULL));
    free(out);
  }
}

int main(void) {
  static const unit_test tests[] = {{"legacy names", test_rewrites},
                                    {NULL, NULL}};
  return unit_run("wat", tests);
}
