/* Unit tests of the Dagger ABI check (compiler/abi.c).
 *
 * Each row describes a module (data/reader/builder.h turns it into bytes),
 * then either the full error message or what the check must find: entry
 * point, memory, and the binding of every function import. The wat2wasm
 * fixtures in data/reader/ are checked the same way.
 *
 * Usage: test_abi [DIR] -- with DIR, also writes every built module to
 * DIR/<case>.wasm, for a cross-check with wasm-validate. */
#include "compiler.h"
#include "data/reader/builder.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dump_dir;

typedef struct abi_case {
  const char *name;
  wb_module mod;
  const char *want; /* the whole message; NULL: accepted */
  const char *entry;
  dgc_entry_kind kind;
  int memory;           /* DGC_MEM_* */
  const char *imported; /* "module.name" of an imported memory */
  const char *bindings; /* "dagger.open=open,..." in import order */
} abi_case;

#define OPEN(m)                                                                \
  { m, "open", "ii>i" }
#define CLOSE(m)                                                               \
  { m, "close", "i>i" }
#define READ(m)                                                                \
  { m, "read", "iii>i" }
#define WRITE(m)                                                               \
  { m, "write", "iii>i" }
#define FLUSH(m)                                                               \
  { m, "flush", "i>i" }
#define MAIN                                                                   \
  { ">i", "main" }

static const abi_case cases[] = {
    {.name = "hello",
     .mod = {.imports = {OPEN("dagger"), WRITE("dagger"), CLOSE("dagger")},
             .funcs = {{">i", "dagger_main"}},
             .memory = "memory"},
     .entry = "dagger_main",
     .memory = DGC_MEM_DEFINED,
     .bindings = "dagger.open=open,dagger.write=write,dagger.close=close"},
    {.name = "all five",
     .mod = {.imports = {OPEN("dagger"), CLOSE("dagger"), READ("dagger"),
                         WRITE("dagger"), FLUSH("dagger")},
             .funcs = {MAIN},
             .memory = ""},
     .entry = "main",
     .memory = DGC_MEM_DEFINED,
     .bindings = "dagger.open=open,dagger.close=close,dagger.read=read,"
                 "dagger.write=write,dagger.flush=flush"},
    {.name = "env",
     .mod = {.imports = {FLUSH("env"), WRITE("env"), READ("env"), CLOSE("env"),
                         OPEN("env")},
             .funcs = {MAIN}},
     .entry = "main",
     .bindings = "env.flush=flush,env.write=write,env.read=read,"
                 "env.close=close,env.open=open"},
    {.name = "sync is flush",
     .mod = {.imports = {{"dagger", "sync", "i>i"}, {"env", "sync", "i>i"}},
             .funcs = {MAIN}},
     .entry = "main",
     .bindings = "dagger.sync=flush,env.sync=flush"},
    {.name = "same call from both modules",
     .mod = {.imports = {OPEN("dagger"), OPEN("env"), OPEN("dagger")},
             .funcs = {MAIN}},
     .entry = "main",
     .bindings = "dagger.open=open,env.open=open,dagger.open=open"},
    {.name = "memory imported from env",
     .mod = {.imports = {WRITE("dagger"),
                         {"env", "memory", "memory"},
                         CLOSE("env")},
             .funcs = {MAIN}},
     .entry = "main",
     .memory = DGC_MEM_IMPORTED,
     .imported = "env.memory",
     .bindings = "dagger.write=write,env.close=close"},
    {.name = "memory imported from dagger",
     .mod = {.imports = {{"dagger", "mem", "memory"}}, .funcs = {MAIN}},
     .entry = "main",
     .memory = DGC_MEM_IMPORTED,
     .imported = "dagger.mem",
     .bindings = ""},
    {.name = "no memory",
     .mod = {.funcs = {MAIN}},
     .entry = "main",
     .memory = DGC_MEM_NONE,
     .bindings = ""},
    {.name = "start function",
     .mod = {.imports = {OPEN("dagger")},
             .funcs = {MAIN, {">", NULL}},
             .memory = "memory",
             .start = 2},
     .entry = "main",
     .memory = DGC_MEM_DEFINED,
     .bindings = "dagger.open=open"},
    /* entry points */
    {.name = "dagger_main first",
     .mod = {.funcs = {{">i", "_start"}, MAIN, {">i", "dagger_main"}}},
     .entry = "dagger_main",
     .bindings = ""},
    {.name = "main before _start",
     .mod = {.funcs = {{">", "_start"}, MAIN}},
     .entry = "main",
     .bindings = ""},
    {.name = "_start without result",
     .mod = {.funcs = {{">", "_start"}}},
     .entry = "_start",
     .kind = DGC_ENTRY_VOID,
     .bindings = ""},
    {.name = "_start with result",
     .mod = {.funcs = {{">i", "_start"}}},
     .entry = "_start",
     .kind = DGC_ENTRY_I32,
     .bindings = ""},
    {.name = "a memory called main is no entry",
     .mod = {.funcs = {{">", "_start"}}, .memory = "main"},
     .entry = "_start",
     .kind = DGC_ENTRY_VOID,
     .memory = DGC_MEM_DEFINED,
     .bindings = ""},
    {.name = "no entry",
     .mod = {.funcs = {{">i", "start"}, {">i", "Main"}}},
     .want = "no entry point: export a function named dagger_main, main or "
             "_start"},
    {.name = "no exports",
     .mod = {.imports = {OPEN("dagger")}},
     .want = "no entry point: export a function named dagger_main, main or "
             "_start"},
    {.name = "bad dagger_main hides main",
     .mod = {.funcs = {{"i>i", "dagger_main"}, MAIN}},
     .want = "export dagger_main: signature (i32) -> i32, expected () -> i32"},
    {.name = "main without result",
     .mod = {.funcs = {{">", "main"}}},
     .want = "export main: signature () -> (), expected () -> i32"},
    {.name = "main returning i64",
     .mod = {.funcs = {{">I", "main"}}},
     .want = "export main: signature () -> i64, expected () -> i32"},
    {.name = "_start with a parameter",
     .mod = {.funcs = {{"i>", "_start"}}},
     .want = "export _start: signature (i32) -> (), expected () -> i32 or "
             "() -> ()"},
    {.name = "_start with two results",
     .mod = {.funcs = {{">ii", "_start"}}},
     .want = "export _start: signature () -> (i32, i32), expected () -> i32 "
             "or () -> ()"},
    /* imports */
    {.name = "unknown call",
     .mod = {.imports = {{"dagger", "frobnicate", "i>"}}, .funcs = {MAIN}},
     .want = "import dagger.frobnicate: not part of the Dagger ABI (expected "
             "open, close, read, write, flush)"},
    {.name = "names are case-sensitive",
     .mod = {.imports = {{"env", "Open", "ii>i"}}, .funcs = {MAIN}},
     .want = "import env.Open: not part of the Dagger ABI (expected open, "
             "close, read, write, flush)"},
    {.name = "first bad import is named",
     .mod = {.imports = {OPEN("dagger"),
                         {"dagger", "bad", "i>i"},
                         {"dagger", "worse", "i>i"}},
             .funcs = {MAIN}},
     .want = "import dagger.bad: not part of the Dagger ABI (expected open, "
             "close, read, write, flush)"},
    {.name = "module foo",
     .mod = {.imports = {OPEN("foo")}, .funcs = {MAIN}},
     .want = "import foo.open: module foo is not dagger, env or "
             "wasi_snapshot_preview1"},
    {.name = "module foo names WASI",
     .mod = {.imports = {{"wasi_unstable", "fd_write", "iiii>i"}},
             .funcs = {{">", "_start"}}},
     .want = "import wasi_unstable.fd_write: module wasi_unstable is not "
             "dagger, env or wasi_snapshot_preview1"},
    /* WASI preview1 (the table of compiler/wasi.c) */
    {.name = "WASI command",
     .mod = {.imports = {{"wasi_snapshot_preview1", "fd_write", "iiii>i"},
                         {"wasi_snapshot_preview1", "proc_exit", "i>"}},
             .funcs = {{">", "_start"}},
             .memory = "memory"},
     .entry = "_start",
     .kind = DGC_ENTRY_VOID,
     .memory = DGC_MEM_DEFINED,
     .bindings = "wasi_snapshot_preview1.fd_write=wasi:fd_write,"
                 "wasi_snapshot_preview1.proc_exit=wasi:proc_exit"},
    {.name = "WASI and Dagger, a WASI function twice, i64 parameters",
     .mod = {.imports = {OPEN("dagger"),
                         {"wasi_snapshot_preview1", "fd_seek", "iIii>i"},
                         {"wasi_snapshot_preview1", "fd_seek", "iIii>i"},
                         {"wasi_snapshot_preview1", "sched_yield", ">i"}},
             .funcs = {MAIN, {">", "_start"}},
             .memory = "memory"},
     .entry = "_start",
     .kind = DGC_ENTRY_VOID,
     .memory = DGC_MEM_DEFINED,
     .bindings = "dagger.open=open,wasi_snapshot_preview1.fd_seek=wasi:fd_seek,"
                 "wasi_snapshot_preview1.fd_seek=wasi:fd_seek,"
                 "wasi_snapshot_preview1.sched_yield=wasi:sched_yield"},
    {.name = "WASI unknown function",
     .mod = {.imports = {{"wasi_snapshot_preview1", "fd_frobnicate", "i>i"}},
             .funcs = {{">", "_start"}}},
     .want = "import wasi_snapshot_preview1.fd_frobnicate: not part of WASI "
             "preview1"},
    {.name = "WASI wrong signature",
     .mod = {.imports = {{"wasi_snapshot_preview1", "fd_seek", "iiii>i"}},
             .funcs = {{">", "_start"}}},
     .want = "import wasi_snapshot_preview1.fd_seek: signature (i32, i32, i32, "
             "i32) -> i32, expected (i32, i64, i32, i32) -> i32"},
    {.name = "WASI proc_exit with a result",
     .mod = {.imports = {{"wasi_snapshot_preview1", "proc_exit", "i>i"}},
             .funcs = {{">", "_start"}}},
     .want = "import wasi_snapshot_preview1.proc_exit: signature (i32) -> i32, "
             "expected (i32) -> ()"},
    {.name = "WASI memory import",
     .mod = {.imports = {{"wasi_snapshot_preview1", "memory", "memory"}},
             .funcs = {{">", "_start"}}},
     .want = "import wasi_snapshot_preview1.memory: WASI provides functions "
             "only"},
    {.name = "memory from elsewhere",
     .mod = {.imports = {{"js", "mem", "memory"}}, .funcs = {MAIN}},
     .want = "import js.mem: module js is not dagger, env or "
             "wasi_snapshot_preview1"},
    {.name = "table import",
     .mod = {.imports = {{"env", "table", "table"}}, .funcs = {MAIN}},
     .want = "import env.table: only functions and one memory may be "
             "imported"},
    {.name = "global import",
     .mod = {.imports = {{"dagger", "g", "global"}}, .funcs = {MAIN}},
     .want = "import dagger.g: only functions and one memory may be imported"},
    {.name = "open with one parameter",
     .mod = {.imports = {{"dagger", "open", "i>i"}}, .funcs = {MAIN}},
     .want = "import dagger.open: signature (i32) -> i32, expected (i32, i32) "
             "-> i32"},
    {.name = "write without result",
     .mod = {.imports = {{"dagger", "write", "iii>"}}, .funcs = {MAIN}},
     .want = "import dagger.write: signature (i32, i32, i32) -> (), expected "
             "(i32, i32, i32) -> i32"},
    {.name = "read with an i64",
     .mod = {.imports = {{"env", "read", "iIi>i"}}, .funcs = {MAIN}},
     .want = "import env.read: signature (i32, i64, i32) -> i32, expected "
             "(i32, i32, i32) -> i32"},
    {.name = "flush without parameter",
     .mod = {.imports = {{"dagger", "flush", ">i"}}, .funcs = {MAIN}},
     .want = "import dagger.flush: signature () -> i32, expected (i32) -> i32"},
    {.name = "close returning i64",
     .mod = {.imports = {{"dagger", "close", "i>I"}}, .funcs = {MAIN}},
     .want = "import dagger.close: signature (i32) -> i64, expected (i32) -> "
             "i32"},
    {.name = "sync with two results",
     .mod = {.imports = {{"dagger", "sync", "i>ii"}}, .funcs = {MAIN}},
     .want = "import dagger.sync: signature (i32) -> (i32, i32), expected "
             "(i32) -> i32"},
    {.name = "open with floats",
     .mod = {.imports = {{"dagger", "open", "fF>x"}}, .funcs = {MAIN}},
     .want = "import dagger.open: signature (f32, f64) -> externref, expected "
             "(i32, i32) -> i32"},
    {.name = "close taking a funcref",
     .mod = {.imports = {{"dagger", "close", "r>i"}}, .funcs = {MAIN}},
     .want = "import dagger.close: signature (funcref) -> i32, expected (i32) "
             "-> i32"},
    {.name = "control characters in a name",
     .mod = {.imports = {{"dagger", "fr\nob\t", "i>i"}}, .funcs = {MAIN}},
     .want = "import dagger.fr\\x0aob\\x09: not part of the Dagger ABI "
             "(expected open, close, read, write, flush)"},
    /* what wasm2c 1.0.32 cannot translate */
    {.name = "SIMD",
     .mod = {.imports = {OPEN("dagger")}, .funcs = {MAIN, {"v>", NULL}}},
     .want = "module uses SIMD (v128), which wasm2c 1.0.32 cannot translate"},
    {.name = "memory64",
     .mod = {.funcs = {MAIN}, .memory = "memory", .memory64 = true},
     .want = "module uses a 64-bit memory (memory64), which wasm2c 1.0.32 "
             "cannot translate"},
};

/* "module.name=call,..." for the bindings, to compare with a row. */
static void describe_bindings(const dgc_abi *abi, char *out, size_t size) {
  size_t n = 0;

  out[0] = '\0';
  for (uint32_t i = 0; i < abi->nbindings && n < size; i++)
    n += (size_t)snprintf(out + n, size - n, "%s%s.%s=%s%s", i ? "," : "",
                          abi->bindings[i].module, abi->bindings[i].name,
                          abi->bindings[i].call == DGC_CALL_WASI ? "wasi:" : "",
                          abi->bindings[i].call == DGC_CALL_WASI
                              ? dgc_wasi_fns[abi->bindings[i].wasi].name
                              : dgc_call_name(abi->bindings[i].call));
}

/* Bindings point into the module's own import names, in import order. */
static void check_binding_pointers(const dgc_module *m, const dgc_abi *abi) {
  uint32_t b = 0;

  for (uint32_t i = 0; i < m->nimports; i++) {
    if (m->imports[i].kind != DGC_EXT_FUNC)
      continue;
    CU_ASSERT_FATAL(b < abi->nbindings);
    CU_ASSERT_PTR_EQUAL(abi->bindings[b].module, m->imports[i].module);
    CU_ASSERT_PTR_EQUAL(abi->bindings[b].name, m->imports[i].name);
    b++;
  }
  CU_ASSERT_EQUAL(b, abi->nbindings);
}

static void check_accepted(const abi_case *c, const dgc_module *m,
                           const dgc_abi *abi) {
  char got[512], imported[128];

  CU_ASSERT_STRING_EQUAL(abi->entry, c->entry);
  CU_ASSERT_EQUAL(abi->entry_kind, c->kind);
  CU_ASSERT_EQUAL((int)abi->memory, c->memory);
  if (c->memory == DGC_MEM_IMPORTED) {
    snprintf(imported, sizeof imported, "%s.%s", abi->memory_module,
             abi->memory_name);
    CU_ASSERT_STRING_EQUAL(imported, c->imported);
  } else {
    CU_ASSERT_PTR_NULL(abi->memory_module);
  }
  describe_bindings(abi, got, sizeof got);
  if (strcmp(got, c->bindings))
    fprintf(stderr, "\n  %s: bindings %s\n", c->name, got);
  CU_ASSERT_STRING_EQUAL(got, c->bindings);
  check_binding_pointers(m, abi);
}

static void check_refused(const abi_case *c, const dgc_abi *abi,
                          const dgc_diag *d) {
  if (strcmp(d->msg, c->want))
    fprintf(stderr, "\n  %s:\n    got:  %s\n    want: %s\n", c->name, d->msg,
            c->want);
  CU_ASSERT_STRING_EQUAL(d->msg, c->want);
  /* A refused module leaves nothing to free. */
  CU_ASSERT_PTR_NULL(abi->bindings);
  CU_ASSERT_EQUAL(abi->nbindings, 0);
  CU_ASSERT_PTR_NULL(abi->entry);
}

static void run_case(const abi_case *c, const wbuf *w) {
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;
  int rc;

  if (dgc_read_module(w->b, w->n, &m, &d)) {
    fprintf(stderr, "\n  %s: reader refused it: %s\n", c->name, d.msg);
    CU_FAIL("reader");
    return;
  }
  memset(&d, 0, sizeof d);
  rc = dgc_check_abi(&m, &abi, &d);
  if (c->want) {
    CU_ASSERT_EQUAL(rc, -1);
    check_refused(c, &abi, &d);
  } else if (rc) {
    fprintf(stderr, "\n  %s: refused: %s\n", c->name, d.msg);
    CU_FAIL(c->name);
  } else {
    check_accepted(c, &m, &abi);
    dgc_abi_free(&abi);
    CU_ASSERT_PTR_NULL(abi.bindings);
  }
  dgc_module_free(&m);
}

static void test_cases(void) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    wbuf w = {0};
    wb_build(&cases[i].mod, &w);
    wb_dump(dump_dir, cases[i].name, &w);
    run_case(&cases[i], &w);
  }
}

/* The same checks on wat2wasm output (sources beside the files). */
static const struct {
  const char *file;
  abi_case expect;
} fixtures[] = {
    {"hello.wasm",
     {.entry = "dagger_main",
      .memory = DGC_MEM_DEFINED,
      .bindings = "dagger.open=open,dagger.write=write,dagger.close=close"}},
    {"env_imports.wasm",
     {.entry = "main",
      .memory = DGC_MEM_IMPORTED,
      .imported = "env.memory",
      .bindings = "env.open=open,env.read=read,env.sync=flush,"
                  "dagger.flush=flush"}},
    {"start.wasm",
     {.entry = "_start",
      .kind = DGC_ENTRY_VOID,
      .memory = DGC_MEM_DEFINED,
      .bindings = "dagger.open=open"}},
    {"locals.wasm", {.entry = "dagger_main", .bindings = ""}},
    {"bad_sig.wasm",
     {.want = "import dagger.open: signature (i32) -> i32, expected (i32, "
              "i32) -> i32"}},
    {"unknown_import.wasm",
     {.want = "import dagger.frobnicate: not part of the Dagger ABI "
              "(expected open, close, read, write, flush)"}},
    {"globals.wasm",
     {.want = "import env.base: only functions and one memory may be "
              "imported"}},
    {"extconst.wasm",
     {.want = "import env.base: only functions and one memory may be "
              "imported"}},
    {"simd.wasm",
     {.want = "module uses SIMD (v128), which wasm2c 1.0.32 cannot "
              "translate"}},
    {"memory64.wasm",
     {.want = "module uses a 64-bit memory (memory64), which wasm2c 1.0.32 "
              "cannot translate"}},
    {"shared.wasm",
     {.want = "module uses a shared memory (threads), which wasm2c 1.0.32 "
              "cannot translate"}},
};

static void test_fixtures(void) {
  for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
    abi_case c = fixtures[i].expect;
    wbuf w;
    c.name = fixtures[i].file;
    CU_ASSERT_FATAL(wb_load(fixtures[i].file, &w));
    run_case(&c, &w);
  }
}

/* A name longer than a message can hold is cut, and the message still says
 * what is wrong. */
static void test_long_name(void) {
  char name[400];
  wb_module mod = {.funcs = {MAIN}};
  wbuf w = {0};
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;
  const char *tail = ": not part of the Dagger ABI (expected open, close, "
                     "read, write, flush)";

  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  mod.imports[0] = (wb_import){"dagger", name, "i>i"};
  wb_build(&mod, &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_EQUAL(dgc_check_abi(&m, &abi, &d), -1);
  CU_ASSERT(strlen(d.msg) > strlen(tail));
  CU_ASSERT_STRING_EQUAL(d.msg + strlen(d.msg) - strlen(tail), tail);
  CU_ASSERT_PTR_NOT_NULL(strstr(d.msg, "nnn...:"));
  dgc_module_free(&m);
}

/* A signature too long for a message is cut with "...", and the expected
 * one still follows it. */
static void test_long_signature(void) {
  char sig[200];
  wb_module mod = {.funcs = {MAIN}};
  wbuf w = {0};
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;
  const char *want = "import dagger.write: signature (i64, i64, i64, ";

  memset(sig, 'I', sizeof sig - 3);
  memcpy(sig + sizeof sig - 3, ">i", 3);
  mod.imports[0] = (wb_import){"dagger", "write", sig};
  wb_build(&mod, &w);
  wb_dump(dump_dir, "long signature", &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_EQUAL(dgc_check_abi(&m, &abi, &d), -1);
  CU_ASSERT_NSTRING_EQUAL(d.msg, want, strlen(want));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(d.msg, "i64, ..., expected (i32, i32, i32) -> i32"));
  dgc_module_free(&m);
}

static void test_call_names(void) {
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_OPEN), "open");
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_CLOSE), "close");
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_READ), "read");
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_WRITE), "write");
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_FLUSH), "flush");
  CU_ASSERT_STRING_EQUAL(dgc_call_name(DGC_CALL_WASI), "wasi");
  CU_ASSERT_PTR_NULL(dgc_call_name((dgc_call)99));
}

/* dgc_abi_free on a freed or refused result is harmless. */
static void test_free_twice(void) {
  wb_module mod = {.imports = {OPEN("dagger")}, .funcs = {MAIN}};
  wbuf w = {0};
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;

  wb_build(&mod, &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_EQUAL_FATAL(dgc_check_abi(&m, &abi, &d), 0);
  CU_ASSERT_EQUAL(abi.nbindings, 1);
  dgc_abi_free(&abi);
  dgc_abi_free(&abi);
  CU_ASSERT_EQUAL(abi.nbindings, 0);
  dgc_module_free(&m);
  dgc_module_free(&m);
}

static const unit_test tests[] = {
    {"table of modules", test_cases},
    {"wat2wasm fixtures", test_fixtures},
    {"long names", test_long_name},
    {"long signatures", test_long_signature},
    {"dgc_call_name", test_call_names},
    {"free twice", test_free_twice},
    {NULL, NULL},
};

int main(int argc, char **argv) {
  dump_dir = argc > 1 ? argv[1] : NULL;
  if (unit_begin() != 0)
    return 1;
  if (unit_add("abi", tests) != 0) {
    CU_cleanup_registry();
    return 1;
  }
  return unit_finish(CU_BRM_NORMAL);
}
