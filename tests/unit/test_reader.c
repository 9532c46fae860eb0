/* Unit tests of the module reader (compiler/wasmread.c) and of diag.c.
 *
 * Modules come from three places: wat2wasm output kept in data/reader/ (with
 * its .wat source), modules described by a table row and built by
 * data/reader/builder.h, and hand-written bytes for malformed input, where
 * every byte offset in an expected message can be counted by eye.
 *
 * Usage: test_reader [DIR] -- with DIR, also writes each built module that
 * is meant to be valid to DIR/<case>.wasm, for a cross-check with
 * wasm-validate. */
#include "compiler.h"
#include "data/reader/builder.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dump_dir;

/* Fails the current test with the case's name and both messages, so a
 * failing row in a table says which row it was. */
static void expect_msg(const char *name, const char *got, const char *want) {
  if (strstr(got, want)) {
    CU_PASS(name);
    return;
  }
  fprintf(stderr, "\n  %s:\n    got:  %s\n    want: %s\n", name, got, want);
  CU_FAIL(name);
}

static void expect_ok(const char *name, int rc, const dgc_diag *d) {
  if (rc == 0) {
    CU_PASS(name);
    return;
  }
  fprintf(stderr, "\n  %s: unexpected error: %s\n", name, d->msg);
  CU_FAIL(name);
}

/* A failed read leaves the module empty, so freeing it again is harmless. */
static bool module_is_empty(const dgc_module *m) {
  return !m->types && !m->imports && !m->func_types && !m->exports &&
         !m->ntypes && !m->nimports && !m->nfuncs && !m->nexports &&
         !m->has_memory;
}

/* ---- diag.c ------------------------------------------------------------- */

static void test_fail_formats(void) {
  dgc_diag d;

  CU_ASSERT_EQUAL(dgc_fail(&d, "import %s.%s: %d", "dagger", "open", 7), -1);
  CU_ASSERT_STRING_EQUAL(d.msg, "import dagger.open: 7");
  CU_ASSERT_EQUAL(dgc_fail(NULL, "ignored"), -1);
}

static void test_fail_truncates(void) {
  char big[2000];
  dgc_diag d;

  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  dgc_fail(&d, "%s", big);
  CU_ASSERT_EQUAL(strlen(d.msg), sizeof d.msg - 1);
}

static void test_printable(void) {
  static const struct {
    const char *in;
    size_t size;
    const char *out;
  } cases[] = {
      {"open", 32, "open"},
      {"a\nb", 32, "a\\x0ab"},
      {"\x1b[31m", 32, "\\x1b[31m"},
      {"del\x7f", 32, "del\\x7f"},
      {"caf\xc3\xa9", 32, "caf\xc3\xa9"},
      {"abcdefghij", 8, "abcd..."},
      {"abcdefg", 8, "abcdefg"},
      /* The cut backs up to the start of the two-byte sequence for é. */
      {"abc\xc3\xa9xyz", 8, "abc..."},
      {"\n\n\n\n", 8, "\\x0a..."},
      {"", 8, ""},
  };
  char out[32];

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dgc_printable(out, cases[i].size, cases[i].in);
    CU_ASSERT(strlen(out) < cases[i].size);
    expect_msg(cases[i].in, out, cases[i].out);
    CU_ASSERT_STRING_EQUAL(out, cases[i].out);
  }
}

/* ---- the header ----------------------------------------------------------*/

static void test_header(void) {
  static const struct {
    const char *name, *bytes;
    size_t len;
    const char *want;
  } cases[] = {
      {"empty", "", 0, "at byte 0x0: empty file"},
      {"short magic", "\0as", 3, "at byte 0x0: not a WebAssembly binary (no"},
      {"wrong magic", "\0ASM\1\0\0\0", 8, "at byte 0x0: not a WebAssembly"},
      {"ELF",
       "\x7f"
       "ELF\2\1\1\0",
       8, "at byte 0x0: not a WebAssembly binary (no"},
      {"WAT", "(module)", 8,
       "at byte 0x0: not a WebAssembly binary: this "
       "looks like WebAssembly text (WAT)"},
      {"WAT after blanks", "\n \t\r\n(module)", 13, "(WAT)"},
      {"WAT comment first", ";; hi\n(module)", 14, "(WAT)"},
      {"WAT with BOM", "\xef\xbb\xbf(module)", 11, "(WAT)"},
      {"cut in version", "\0asm\1\0", 6,
       "at byte 0x4: file ends inside the WebAssembly header"},
      {"version 2", "\0asm\2\0\0\0", 8,
       "at byte 0x4: unsupported WebAssembly version 2 (expected 1)"},
      {"version high", "\0asm\1\0\0\1", 8, "version 16777217 (expected 1)"},
      {"component", "\0asm\x0d\0\1\0", 8,
       "at byte 0x4: this is a WebAssembly component"},
  };
  dgc_module m;
  dgc_diag d;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memset(&d, 0, sizeof d);
    CU_ASSERT_EQUAL(
        dgc_read_module((const uint8_t *)cases[i].bytes, cases[i].len, &m, &d),
        -1);
    expect_msg(cases[i].name, d.msg, cases[i].want);
    CU_ASSERT(module_is_empty(&m));
  }
}

/* ---- malformed and edge-case sections ------------------------------------
 * Bytes after the 8-byte header, so the first section's id is at 0x8. */

#define B(s) s, sizeof(s) - 1
/* type 0: () -> (); one function of type 0. Ends at 0x12. */
#define TYPE_FUNC "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"

static const struct body_case {
  const char *name, *bytes;
  size_t len;
  const char *want; /* NULL: must read successfully */
} body_cases[] = {
    {"no sections", B(""), NULL},
    /* counts larger than what is left, before anything is allocated */
    {"type count", B("\x01\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: type count 4294967295 is larger than the rest of the "
     "type section (0 bytes)"},
    {"import count", B("\x02\x06\xff\xff\xff\xff\x0f\x00"),
     "at byte 0xa: import count 4294967295 is larger than the rest of the "
     "import section (1 byte)"},
    {"function count", B("\x03\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: function count 4294967295"},
    {"table count", B("\x04\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: table count 4294967295"},
    {"memory count", B("\x05\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: memory count 4294967295"},
    {"global count", B("\x06\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: global count 4294967295"},
    {"export count", B("\x07\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: export count 4294967295"},
    {"tag count", B("\x0d\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: tag count 4294967295"},
    {"code count", B("\x0a\x05\xff\xff\xff\xff\x0f"),
     "at byte 0xa: function body count 4294967295"},
    {"param count", B("\x01\x07\x01\x60\xff\xff\xff\xff\x0f"),
     "at byte 0xc: value type count 4294967295 is larger than the rest of "
     "the type section (0 bytes)"},
    {"name length", B("\x02\x07\x01\xff\xff\xff\xff\x0f\x00"),
     "at byte 0xb: import module name of 4294967295 bytes runs past the end "
     "of the import section"},
    {"local declaration count",
     B(TYPE_FUNC "\x0a\x09\x01\x07\xff\xff\xff\xff\x0f\x00\x0b"),
     "at byte 0x16: local declaration count 4294967295 is larger than the "
     "rest of the function body (2 bytes)"},
    {"too many locals",
     B(TYPE_FUNC "\x0a\x10\x01\x0e\x02\xff\xff\xff\xff\x0f\x7f\xff\xff\xff\xff"
                 "\x0f\x7f\x0b"),
     "at byte 0x1d: too many locals"},
    {"locals at the limit",
     B(TYPE_FUNC "\x0a\x0c\x01\x0a\x02\xfe\xff\xff\xff\x0f\x7f\x01\x7e\x0b"),
     NULL},
    /* LEB128 */
    {"u32 overlong", B("\x01\x06\x80\x80\x80\x80\x80\x00"),
     "at byte 0xa: integer encoding longer than 5 bytes"},
    {"u32 unused bits", B("\x01\x05\x80\x80\x80\x80\x10"),
     "at byte 0xa: integer too large for 32 bits"},
    {"u32 non-minimal", B("\x01\x05\x80\x80\x80\x80\x00"), NULL},
    {"u32 cut", B("\x01\x01\x80"),
     "at byte 0xa: unexpected end of type section inside an integer"},
    {"section size overlong", B("\x00\x80\x80\x80\x80\x80\x00"),
     "at byte 0x9: integer encoding longer than 5 bytes"},
    {"s32 max", B("\x06\x0a\x01\x7f\x00\x41\xff\xff\xff\xff\x07\x0b"), NULL},
    {"s32 min", B("\x06\x0a\x01\x7f\x00\x41\x80\x80\x80\x80\x78\x0b"), NULL},
    {"s32 unused bits", B("\x06\x0a\x01\x7f\x00\x41\x80\x80\x80\x80\x70\x0b"),
     "at byte 0xe: integer too large for 32 bits"},
    {"s32 positive unused bits",
     B("\x06\x0a\x01\x7f\x00\x41\xff\xff\xff\xff\x0f\x0b"),
     "at byte 0xe: integer too large for 32 bits"},
    {"s32 overlong", B("\x06\x0b\x01\x7f\x00\x41\xff\xff\xff\xff\xff\x7f\x0b"),
     "at byte 0xe: integer encoding longer than 5 bytes"},
    {"s64 min",
     B("\x06\x0f\x01\x7e\x00\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f\x0b"),
     NULL},
    {"s64 unused bits",
     B("\x06\x0f\x01\x7e\x00\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01\x0b"),
     "at byte 0xe: integer too large for 64 bits"},
    {"u64 overlong",
     B("\x05\x0d\x01\x04\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00"),
     "at byte 0xc: integer encoding longer than 10 bytes"},
    {"u64 unused bits",
     B("\x05\x0c\x01\x04\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02"),
     "at byte 0xc: integer too large for 64 bits"},
    /* section framing and order */
    {"section past the end", B("\x01\x10\x00"),
     "at byte 0x8: type section of 16 bytes runs past the end of the file "
     "(1 left)"},
    {"left over", B("\x01\x02\x00\x00"),
     "at byte 0xb: 1 byte left over at the end of the type section"},
    {"duplicate type", B("\x01\x01\x00\x01\x01\x00"),
     "at byte 0xb: duplicate type section"},
    {"duplicate data", B("\x0b\x01\x00\x0b\x01\x00"),
     "at byte 0xb: duplicate data section"},
    {"duplicate custom is fine", B("\x00\x02\x01x\x00\x02\x01x"), NULL},
    {"type after function", B("\x03\x01\x00\x01\x01\x00"),
     "at byte 0xb: type section out of order"},
    {"data count before code", B("\x0c\x01\x00\x0a\x01\x00"), NULL},
    {"data count after code", B("\x0a\x01\x00\x0c\x01\x00"),
     "at byte 0xb: data count section out of order"},
    {"tag between memory and global", B("\x05\x01\x00\x0d\x01\x00\x06\x01\x00"),
     NULL},
    {"tag after global", B("\x06\x01\x00\x0d\x01\x00"),
     "at byte 0xb: tag section out of order"},
    {"custom anywhere", B("\x00\x02\x01\x61\x01\x01\x00\x00\x01\x00"), NULL},
    {"custom without name", B("\x00\x00"),
     "at byte 0xa: unexpected end of custom section inside an integer"},
    {"custom name with NUL", B("\x00\x04\x03\x61\x00\x62"), NULL},
    /* The name is cut inside a sequence whose next byte, outside the name,
     * would complete it. */
    {"custom name cut sequence", B("\x00\x04\x02\xe2\x82\xac"),
     "at byte 0xb: custom section name is not valid UTF-8"},
    {"custom name not UTF-8", B("\x00\x02\x01\xff"),
     "at byte 0xb: custom section name is not valid UTF-8"},
    {"unknown section id", B("\x0e\x00"), "at byte 0x8: unknown section id 14"},
    {"section id 0x80", B("\x80\x00"), "at byte 0x8: unknown section id 128"},
/* names: module "<x>", name "", a table import */
#define TABLE_IMPORT(len, lenx, name)                                          \
  "\x02" lenx "\x01" len name "\x00\x01\x70\x00\x01"
    {"UTF-8 two bytes", B(TABLE_IMPORT("\x02", "\x09", "\xc3\xa9")), NULL},
    {"UTF-8 three bytes", B(TABLE_IMPORT("\x03", "\x0a", "\xe2\x82\xac")),
     NULL},
    {"UTF-8 four bytes", B(TABLE_IMPORT("\x04", "\x0b", "\xf0\x9d\x84\x9e")),
     NULL},
    {"UTF-8 U+10FFFF", B(TABLE_IMPORT("\x04", "\x0b", "\xf4\x8f\xbf\xbf")),
     NULL},
    {"UTF-8 overlong NUL", B(TABLE_IMPORT("\x03", "\x0a", "a\xc0\x80")),
     "at byte 0xd: import module name is not valid UTF-8"},
    {"UTF-8 overlong three", B(TABLE_IMPORT("\x03", "\x0a", "\xe0\x80\xaf")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 lone continuation", B(TABLE_IMPORT("\x01", "\x08", "\x80")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 surrogate", B(TABLE_IMPORT("\x03", "\x0a", "\xed\xa0\x80")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 past U+10FFFF", B(TABLE_IMPORT("\x04", "\x0b", "\xf4\x90\x80\x80")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 cut sequence", B(TABLE_IMPORT("\x03", "\x0a", "a\xe2\x82")),
     "at byte 0xd: import module name is not valid UTF-8"},
    {"UTF-8 bad continuation", B(TABLE_IMPORT("\x02", "\x09", "\xc3\x41")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 five bytes",
     B(TABLE_IMPORT("\x05", "\x0c", "\xf8\x88\x80\x80\x80")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"UTF-8 byte 0xff", B(TABLE_IMPORT("\x01", "\x08", "\xff")),
     "at byte 0xc: import module name is not valid UTF-8"},
    {"NUL in module name", B(TABLE_IMPORT("\x03", "\x0a", "a\0b")),
     "at byte 0xd: import module name contains a NUL byte"},
    {"NUL in import name", B("\x02\x08\x01\x00\x02\x00\x78\x01\x70\x00\x01"),
     "at byte 0xd: import name contains a NUL byte"},
    {"name past section", B("\x02\x03\x01\x05\x61"),
     "at byte 0xb: import module name of 5 bytes runs past the end of the "
     "import section"},
    /* function and code sections */
    {"code count mismatch", B(TYPE_FUNC "\x0a\x01\x00"),
     "at byte 0x14: code section has 0 function bodies but the function "
     "section declares 1 function"},
    {"no code section", B(TYPE_FUNC),
     "at byte 0x12: the function section declares 1 function but there is "
     "no code section"},
    {"code without functions", B("\x0a\x04\x01\x02\x00\x0b"),
     "at byte 0xa: code section has 1 function body but the function "
     "section declares 0 functions"},
    {"empty function section", B("\x03\x01\x00"), NULL},
    {"body past section", B(TYPE_FUNC "\x0a\x03\x01\x05\x00"),
     "at byte 0x15: body of function 0 runs past the end of the code section"},
    {"body without locals", B(TYPE_FUNC "\x0a\x02\x01\x00"),
     "at byte 0x16: unexpected end of function body inside an integer"},
    {"bad local type", B(TYPE_FUNC "\x0a\x06\x01\x04\x01\x01\x40\x0b"),
     "at byte 0x18: invalid value type 0x40"},
    {"function type index", B("\x03\x02\x01\x00"),
     "at byte 0xb: type index 0 out of range (0 types)"},
    /* types */
    {"invalid value type", B("\x01\x05\x01\x60\x01\x7a\x00"),
     "at byte 0xd: invalid value type 0x7a"},
    {"struct type", B("\x01\x03\x01\x5f\x00"),
     "at byte 0xb: type form 0x5f is not a function type (0x60)"},
    {"every value type",
     B("\x01\x0b\x01\x60\x07\x7f\x7e\x7d\x7c\x70\x6f\x7b\x00"), NULL},
    /* memories and tables */
    {"two memories", B("\x05\x05\x02\x00\x01\x00\x01"),
     "at byte 0xd: multiple memories"},
    {"imported and defined memory",
     B("\x02\x08\x01\x01m\x01n\x02\x00\x01\x05\x03\x01\x00\x01"),
     "at byte 0x15: multiple memories"},
    {"two imported memories",
     B("\x02\x0f\x02\x01m\x01n\x02\x00\x01\x01m\x01o\x02\x00\x01"),
     "at byte 0x17: multiple memories"},
    {"memory flags", B("\x05\x03\x01\x08\x01"),
     "at byte 0xb: invalid memory limits flags 0x08"},
    {"shared without maximum", B("\x05\x03\x01\x02\x01"),
     "at byte 0xb: shared memory needs a maximum size"},
    {"shared memory", B("\x05\x04\x01\x03\x01\x02"), NULL},
    {"memory64 shared", B("\x05\x04\x01\x07\x01\x02"), NULL},
    {"memory too large", B("\x05\x05\x01\x00\x81\x80\x04"),
     "at byte 0xb: memory size exceeds 65536 pages"},
    {"memory 65536 pages", B("\x05\x05\x01\x00\x80\x80\x04"), NULL},
    {"memory maximum below minimum", B("\x05\x04\x01\x01\x02\x01"),
     "at byte 0xb: memory maximum 1 is below its minimum 2"},
    {"table element type", B("\x04\x04\x01\x7f\x00\x01"),
     "at byte 0xb: invalid table element type 0x7f"},
    {"table flags", B("\x04\x04\x01\x70\x02\x01"),
     "at byte 0xc: invalid table limits flags 0x02"},
    {"table maximum below minimum", B("\x04\x05\x01\x70\x01\x02\x01"),
     "at byte 0xc: table maximum 1 is below its minimum 2"},
    {"tables", B("\x04\x08\x02\x70\x00\x01\x6f\x01\x00\x05"), NULL},
    /* globals and constant expressions */
    {"global mutability", B("\x06\x06\x01\x7f\x02\x41\x00\x0b"),
     "at byte 0xc: invalid global mutability 0x02"},
    {"local.get in constant", B("\x06\x06\x01\x7f\x00\x20\x00\x0b"),
     "at byte 0xd: opcode 0x20 is not allowed in a constant expression"},
    {"constant without end", B("\x06\x05\x01\x7f\x00\x41\x00"),
     "at byte 0xf: unexpected end of global section"},
    {"extended constant", B("\x06\x09\x01\x7f\x00\x41\x01\x41\x02\x6a\x0b"),
     NULL},
    {"every constant",
     B("\x06\x3d\x07"
       "\x7f\x00\x23\x00\x41\x02\x6c\x41\x03\x6b\x0b"             /* i32 */
       "\x7e\x01\x42\x01\x42\x02\x7c\x42\x03\x7e\x42\x04\x7d\x0b" /* i64 */
       "\x7d\x00\x43\x00\x00\xc0\x3f\x0b"                         /* f32 */
       "\x7c\x00\x44\x00\x00\x00\x00\x00\x00\x00\x80\x0b"         /* f64 */
       "\x70\x00\xd0\x70\x0b\x6f\x00\xd0\x6f\x0b"                 /* ref.null */
       "\x70\x00\xd2\x00\x0b"),                                   /* ref.func */
     NULL},
    {"ref.null of a type index", B("\x06\x05\x01\x70\x00\xd0\x00\x0b"),
     "at byte 0xe: ref.null of heap type 0 is not supported"},
    {"SIMD instruction in constant", B("\x06\x06\x01\x7b\x00\xfd\x0d\x0b"),
     "at byte 0xe: SIMD instruction 0xfd 13 is not constant"},
    {"v128.const cut", B("\x06\x0a\x01\x7b\x00\xfd\x0c\x00\x00\x00\x00\x00"),
     "at byte 0xf: unexpected end of global section"},
    /* imports */
    {"import kind", B("\x02\x05\x01\x00\x00\x05\x00"),
     "at byte 0xd: invalid import kind 0x05"},
    {"import type index", B("\x02\x05\x01\x00\x00\x00\x00"),
     "at byte 0xe: type index 0 out of range (0 types)"},
    {"tag import",
     B("\x01\x04\x01\x60\x00\x00\x02\x08\x01\x01m\x01t\x04\x00\x00"), NULL},
    {"tag attribute",
     B("\x01\x04\x01\x60\x00\x00\x02\x08\x01\x01m\x01t\x04\x01"
       "\x00"),
     "at byte 0x16: invalid tag attribute 0x01"},
    {"tag section", B("\x01\x04\x01\x60\x00\x00\x0d\x03\x01\x00\x00"), NULL},
    {"global import", B("\x02\x06\x01\x00\x00\x03\x7f\x01"), NULL},
    /* exports and start */
    {"duplicate export",
     B("\x05\x03\x01\x00\x01\x07\x09\x02\x01\x61\x02\x00\x01\x61\x02\x00"),
     "at byte 0x14: duplicate export name \"a\""},
    {"two exports",
     B("\x05\x03\x01\x00\x01\x07\x09\x02\x01\x61\x02\x00\x01\x62"
       "\x02\x00"),
     NULL},
    {"export missing function", B("\x07\x05\x01\x01\x66\x00\x00"),
     "at byte 0xb: export f: function 0 does not exist"},
    {"export missing memory", B("\x07\x05\x01\x01\x6d\x02\x00"),
     "at byte 0xb: export m: memory 0 does not exist"},
    {"export kind", B("\x07\x05\x01\x01\x78\x07\x00"),
     "at byte 0xb: export x: invalid export kind 0x07"},
    {"export name with newline", B("\x07\x06\x01\x02\x0a\x66\x00\x00"),
     "at byte 0xb: export \\x0af: function 0 does not exist"},
    {"start missing", B("\x08\x01\x00"),
     "at byte 0xa: start function 0 does not exist"},
    {"start", B(TYPE_FUNC "\x08\x01\x00\x0a\x04\x01\x02\x00\x0b"), NULL},
};

static void test_body_cases(void) {
  wbuf w;
  dgc_module m;
  dgc_diag d;

  for (size_t i = 0; i < sizeof body_cases / sizeof body_cases[0]; i++) {
    const struct body_case *c = &body_cases[i];
    int rc;
    w.n = 0;
    wb_header(&w);
    wb_put(&w, c->bytes, c->len);
    memset(&d, 0, sizeof d);
    rc = dgc_read_module(w.b, w.n, &m, &d);
    if (!c->want) {
      expect_ok(c->name, rc, &d);
      dgc_module_free(&m);
      continue;
    }
    CU_ASSERT_EQUAL(rc, -1);
    expect_msg(c->name, d.msg, c->want);
    CU_ASSERT(module_is_empty(&m));
  }
}

/* ---- what the reader records ---------------------------------------------*/

static int read_bytes(const char *bytes, size_t len, dgc_module *m) {
  wbuf w = {0};
  dgc_diag d;
  int rc;

  wb_header(&w);
  wb_put(&w, bytes, len);
  rc = dgc_read_module(w.b, w.n, m, &d);
  if (rc)
    fprintf(stderr, "\n  unexpected error: %s\n", d.msg);
  return rc;
}

/* The name a trap gives a function: the name section's, else an export's,
 * else its index; a name section that does not parse is dropped, and the
 * module still reads. */
static void test_func_names(void) {
#define FUNCS                                                                  \
  "\x01\x04\x01\x60\x00\x00" /* type () -> () */                               \
  "\x03\x03\x02\x00\x00"     /* two functions */                               \
  "\x07\x05\x01\x01"                                                           \
  "e"                                                                          \
  "\x00\x01"                             /* export "e": function 1 */          \
  "\x0a\x07\x02\x02\x00\x0b\x02\x00\x0b" /* code */
  static const char named[] = FUNCS "\x00\x0d\x04name\x01\x06\x01\x00\x03"
                                    "f0x";
  static const char broken[] = FUNCS "\x00\x08\x04name\x01\x09\x01";
#undef FUNCS
  dgc_module m;
  char buf[32];

  CU_ASSERT_EQUAL_FATAL(read_bytes(named, sizeof named - 1, &m), 0);
  CU_ASSERT_STRING_EQUAL(dgc_func_name(&m, 0, buf, sizeof buf), "f0x");
  CU_ASSERT_STRING_EQUAL(dgc_func_name(&m, 1, buf, sizeof buf), "e");
  CU_ASSERT_STRING_EQUAL(dgc_func_name(&m, 7, buf, sizeof buf), "function 7");
  dgc_module_free(&m);
  CU_ASSERT_EQUAL_FATAL(read_bytes(broken, sizeof broken - 1, &m), 0);
  CU_ASSERT_EQUAL(m.nfnames, 0);
  CU_ASSERT_STRING_EQUAL(dgc_func_name(&m, 0, buf, sizeof buf), "function 0");
  CU_ASSERT_STRING_EQUAL(dgc_func_name(&m, 1, buf, sizeof buf), "e");
  dgc_module_free(&m);
}

static void test_simd_detection(void) {
  static const struct {
    const char *name, *bytes;
    size_t len;
    bool simd;
  } cases[] = {
      {"v128 param", B("\x01\x05\x01\x60\x01\x7b\x00"), true},
      {"v128 result", B("\x01\x05\x01\x60\x00\x01\x7b"), true},
      {"v128 local", B(TYPE_FUNC "\x0a\x06\x01\x04\x01\x01\x7b\x0b"), true},
      {"v128 global",
       B("\x06\x16\x01\x7b\x00\xfd\x0c\x01\x02\x03\x04\x05\x06"
         "\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x0b"),
       true},
      {"scalars", B(TYPE_FUNC "\x0a\x06\x01\x04\x01\x01\x7e\x0b"), false},
  };
  dgc_module m;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CU_ASSERT_EQUAL_FATAL(read_bytes(cases[i].bytes, cases[i].len, &m), 0);
    if (m.uses_simd != cases[i].simd)
      fprintf(stderr, "\n  %s: uses_simd is %d\n", cases[i].name, m.uses_simd);
    CU_ASSERT_EQUAL(m.uses_simd, cases[i].simd);
    dgc_module_free(&m);
  }
}

static void test_memory_fields(void) {
  static const struct {
    const char *name, *bytes;
    size_t len;
    bool imported, m64, shared;
    uint64_t min, max;
  } cases[] = {
      {"min only", B("\x05\x03\x01\x00\x02"), false, false, false, 2,
       UINT64_MAX},
      {"min and max", B("\x05\x06\x01\x01\x00\x80\x80\x04"), false, false,
       false, 0, 65536},
      {"shared", B("\x05\x04\x01\x03\x01\x02"), false, false, true, 1, 2},
      {"shared memory64", B("\x05\x04\x01\x07\x01\x02"), false, true, true, 1,
       2},
      {"memory64",
       B("\x05\x0c\x01\x05\x80\x80\x80\x80\x10\x80\x80\x80\x80\x20"), false,
       true, false, (uint64_t)1 << 32, (uint64_t)1 << 33},
      {"imported",
       B("\x02\x10\x02\x01m\x01t\x01\x70\x00\x01\x01m\x01n\x02\x00"
         "\x07"),
       true, false, false, 7, UINT64_MAX},
  };
  dgc_module m;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CU_ASSERT_EQUAL_FATAL(read_bytes(cases[i].bytes, cases[i].len, &m), 0);
    CU_ASSERT(m.has_memory);
    CU_ASSERT_EQUAL(m.memory_imported, cases[i].imported);
    CU_ASSERT_EQUAL(m.memory64, cases[i].m64);
    CU_ASSERT_EQUAL(m.memory_shared, cases[i].shared);
    CU_ASSERT_EQUAL(m.mem_min, cases[i].min);
    CU_ASSERT_EQUAL(m.mem_max, cases[i].max);
    if (cases[i].imported)
      CU_ASSERT_EQUAL(m.memory_import, 1);
    dgc_module_free(&m);
  }
}

/* The export check sorts: many unique names pass, one repeat anywhere is
 * found and reported at the later of the two. */
static void build_exports(wbuf *w, uint32_t n, const char *extra) {
  wbuf sec = {0};
  char name[16];

  wb_uleb(&sec, n + (extra != NULL));
  for (uint32_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "e%u", (i * 7919) % n);
    wb_name(&sec, name);
    wb_put(&sec, "\x02\x00", 2);
  }
  if (extra) {
    wb_name(&sec, extra);
    wb_put(&sec, "\x02\x00", 2);
  }
  w->n = 0;
  wb_header(w);
  wb_put(w, "\x05\x03\x01\x00\x01", 5);
  wb_section(w, 7, &sec);
}

static void test_many_exports(void) {
  wbuf w;
  dgc_module m;
  dgc_diag d;
  char at[32];

  build_exports(&w, 300, NULL);
  CU_ASSERT_EQUAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_EQUAL(m.nexports, 300);
  dgc_module_free(&m);
  build_exports(&w, 300, "e123");
  CU_ASSERT_EQUAL(dgc_read_module(w.b, w.n, &m, &d), -1);
  snprintf(at, sizeof at, "at byte 0x%zx: ", w.n - 7); /* the last entry */
  expect_msg("301 exports", d.msg, at);
  expect_msg("301 exports", d.msg, "duplicate export name \"e123\"");
}

/* ---- modules built from a description ------------------------------------*/

/* Function imports interleaved with others, so that function indices and
 * import indices differ. */
static const wb_module mixed = {
    .imports = {{"dagger", "open", "ii>i"},
                {"env", "memory", "memory"},
                {"env", "t", "table"},
                {"dagger", "close", "i>i"},
                {"env", "g", "global"}},
    .funcs = {{">i", "dagger_main"}, {"i>", NULL}, {">", "_start"}},
};

static void check_import(const wbuf *w, const dgc_import *im,
                         const wb_import *want, uint8_t kind) {
  size_t len = strlen(want->module);

  CU_ASSERT_STRING_EQUAL(im->module, want->module);
  CU_ASSERT_STRING_EQUAL(im->name, want->name);
  CU_ASSERT_EQUAL(im->kind, kind);
  /* offset is where the entry starts: the module name's length. */
  CU_ASSERT_FATAL(im->offset + 1 + len <= w->n);
  CU_ASSERT_EQUAL(w->b[im->offset], len);
  CU_ASSERT(!memcmp(w->b + im->offset + 1, want->module, len));
}

static bool sig_is(const dgc_functype *t, const char *params,
                   const char *results) {
  return t && t->nparams == strlen(params) && t->nresults == strlen(results) &&
         !memcmp(t->params, params, t->nparams) &&
         !memcmp(t->results, results, t->nresults);
}

static void test_built_module(void) {
  static const uint8_t kinds[] = {DGC_EXT_FUNC, DGC_EXT_MEMORY, DGC_EXT_TABLE,
                                  DGC_EXT_FUNC, DGC_EXT_GLOBAL};
  wbuf w = {0};
  dgc_module m;
  dgc_diag d;

  wb_build(&mixed, &w);
  wb_dump(dump_dir, "mixed", &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_EQUAL(m.ntypes, 5);
  CU_ASSERT_EQUAL_FATAL(m.nimports, 5);
  for (int i = 0; i < 5; i++)
    check_import(&w, &m.imports[i], &mixed.imports[i], kinds[i]);
  CU_ASSERT_EQUAL(m.imports[0].type, 0);
  CU_ASSERT_EQUAL(m.imports[3].type, 1);
  CU_ASSERT_EQUAL(m.nfuncimports, 2);
  CU_ASSERT_EQUAL(m.nfuncs, 3);
  CU_ASSERT(m.has_memory && m.memory_imported && !m.memory64);
  CU_ASSERT_EQUAL(m.memory_import, 1);
  CU_ASSERT_EQUAL(m.mem_min, 1);
  CU_ASSERT_EQUAL_FATAL(m.nexports, 2);
  CU_ASSERT_STRING_EQUAL(m.exports[0].name, "dagger_main");
  CU_ASSERT_EQUAL(m.exports[0].kind, DGC_EXT_FUNC);
  CU_ASSERT_EQUAL(m.exports[0].index, 2);
  CU_ASSERT_STRING_EQUAL(m.exports[1].name, "_start");
  CU_ASSERT_EQUAL(m.exports[1].index, 4);
  CU_ASSERT(!m.has_start && !m.uses_simd);
  dgc_module_free(&m);
  CU_ASSERT(module_is_empty(&m));
}

static void test_func_type(void) {
  wbuf w = {0};
  dgc_module m;
  dgc_diag d;

  wb_build(&mixed, &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT(sig_is(dgc_func_type(&m, 0), "\x7f\x7f", "\x7f"));
  CU_ASSERT(sig_is(dgc_func_type(&m, 1), "\x7f", "\x7f"));
  CU_ASSERT(sig_is(dgc_func_type(&m, 2), "", "\x7f"));
  CU_ASSERT(sig_is(dgc_func_type(&m, 3), "\x7f", ""));
  CU_ASSERT(sig_is(dgc_func_type(&m, 4), "", ""));
  CU_ASSERT_PTR_NULL(dgc_func_type(&m, 5));
  CU_ASSERT_PTR_NULL(dgc_func_type(&m, UINT32_MAX));
  dgc_module_free(&m);
}

static void test_start(void) {
  static const wb_module with_start = {
      .funcs = {{">i", "main"}, {">", NULL}},
      .memory = "memory",
      .start = 2,
  };
  wbuf w = {0};
  dgc_module m;
  dgc_diag d;

  wb_build(&with_start, &w);
  wb_dump(dump_dir, "start", &w);
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT(m.has_start);
  CU_ASSERT_EQUAL(m.start, 1);
  CU_ASSERT(m.has_memory && !m.memory_imported);
  CU_ASSERT_EQUAL(m.nexports, 2);
  dgc_module_free(&m);
}

/* ---- wat2wasm output -----------------------------------------------------*/

#define NOMAX UINT64_MAX
static const struct fixture {
  const char *file;
  uint32_t ntypes, nimports, nfuncimports, nfuncs, nexports;
  bool has_memory, memory_imported, memory64;
  uint64_t mem_min, mem_max;
  bool has_start;
  uint32_t start;
  bool uses_simd;
} fixtures[] = {
    /* file, types, imports, func imports, funcs, exports, memory, imported,
     * memory64, min, max, start, start index, SIMD */
    {"hello.wasm", 4, 3, 3, 1, 2, true, false, false, 1, NOMAX, false, 0,
     false},
    {"env_imports.wasm", 4, 5, 4, 1, 1, true, true, false, 1, 2, false, 0,
     false},
    {"start.wasm", 2, 1, 1, 2, 1, true, false, false, 1, NOMAX, true, 1, false},
    {"globals.wasm", 1, 1, 0, 3, 3, false, false, false, 0, 0, false, 0, false},
    {"extconst.wasm", 1, 1, 0, 1, 1, false, false, false, 0, 0, false, 0,
     false},
    {"locals.wasm", 2, 0, 0, 3, 2, false, false, false, 0, 0, false, 0, false},
    {"bad_sig.wasm", 2, 1, 1, 1, 1, false, false, false, 0, 0, false, 0, false},
    {"unknown_import.wasm", 2, 3, 1, 1, 1, false, false, false, 0, 0, false, 0,
     false},
    {"simd.wasm", 1, 0, 0, 1, 1, false, false, false, 0, 0, false, 0, true},
    {"memory64.wasm", 1, 0, 0, 1, 1, true, false, true, 1, 100, false, 0,
     false},
    {"shared.wasm", 1, 0, 0, 1, 1, true, false, false, 1, 1, false, 0, false},
};
enum { NFIXTURES = sizeof fixtures / sizeof fixtures[0] };

static void check_fixture(const struct fixture *f, const dgc_module *m) {
  CU_ASSERT_EQUAL(m->ntypes, f->ntypes);
  CU_ASSERT_EQUAL(m->nimports, f->nimports);
  CU_ASSERT_EQUAL(m->nfuncimports, f->nfuncimports);
  CU_ASSERT_EQUAL(m->nfuncs, f->nfuncs);
  CU_ASSERT_EQUAL(m->nexports, f->nexports);
  CU_ASSERT_EQUAL(m->has_memory, f->has_memory);
  CU_ASSERT_EQUAL(m->memory_imported, f->memory_imported);
  CU_ASSERT_EQUAL(m->memory64, f->memory64);
  if (f->has_memory) {
    CU_ASSERT_EQUAL(m->mem_min, f->mem_min);
    CU_ASSERT_EQUAL(m->mem_max, f->mem_max);
  }
  CU_ASSERT_EQUAL(m->has_start, f->has_start);
  CU_ASSERT_EQUAL(m->start, f->start);
  CU_ASSERT_EQUAL(m->uses_simd, f->uses_simd);
}

static void test_fixtures(void) {
  wbuf w;
  dgc_module m;
  dgc_diag d;

  for (size_t i = 0; i < NFIXTURES; i++) {
    CU_ASSERT_FATAL(wb_load(fixtures[i].file, &w));
    expect_ok(fixtures[i].file, dgc_read_module(w.b, w.n, &m, &d), &d);
    check_fixture(&fixtures[i], &m);
    dgc_module_free(&m);
  }
}

static void test_hello_details(void) {
  wbuf w;
  dgc_module m;
  dgc_diag d;

  CU_ASSERT_FATAL(wb_load("hello.wasm", &w));
  CU_ASSERT_EQUAL_FATAL(dgc_read_module(w.b, w.n, &m, &d), 0);
  CU_ASSERT_STRING_EQUAL(m.imports[1].module, "dagger");
  CU_ASSERT_STRING_EQUAL(m.imports[1].name, "write");
  CU_ASSERT(sig_is(dgc_func_type(&m, 1), "\x7f\x7f\x7f", "\x7f"));
  CU_ASSERT_STRING_EQUAL(m.exports[0].name, "memory");
  CU_ASSERT_EQUAL(m.exports[0].kind, DGC_EXT_MEMORY);
  CU_ASSERT_STRING_EQUAL(m.exports[1].name, "dagger_main");
  CU_ASSERT_EQUAL(m.exports[1].index, 3);
  CU_ASSERT(sig_is(dgc_func_type(&m, 3), "", "\x7f"));
  dgc_module_free(&m);
}

/* ---- truncation and mutation ---------------------------------------------*/

/* Reads from a heap copy of exactly len bytes, so that AddressSanitizer
 * catches a read one byte past the end. */
static int read_exact(const uint8_t *bytes, size_t len, dgc_module *m,
                      dgc_diag *d) {
  uint8_t *copy = malloc(len ? len : 1);
  int rc;

  CU_ASSERT_FATAL(copy != NULL);
  if (len)
    memcpy(copy, bytes, len);
  rc = dgc_read_module(copy, len, m, d);
  free(copy);
  return rc;
}

static uint64_t test_uleb(const uint8_t *b, size_t *pos) {
  uint64_t v = 0;

  for (unsigned shift = 0;; shift += 7) {
    uint8_t c = b[(*pos)++];
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80))
      return v;
  }
}

/* A prefix of a valid module that ends between sections is itself a valid
 * module, unless it declares functions whose code section was cut off; every
 * other prefix must be refused. ok_at[n] says what to expect of n bytes. */
static void section_boundaries(const wbuf *w, signed char *ok_at) {
  bool funcs = false, code = false;
  size_t pos = 8;

  memset(ok_at, -1, w->n + 1);
  ok_at[8] = 1;
  while (pos < w->n) {
    uint8_t id = w->b[pos++];
    size_t size = (size_t)test_uleb(w->b, &pos), content = pos;
    if (id == 3 && test_uleb(w->b, &content) > 0)
      funcs = true;
    code |= id == 10;
    pos += size;
    ok_at[pos] = !funcs || code;
  }
}

static void check_prefixes(const char *name, const wbuf *w) {
  signed char ok_at[sizeof w->b + 1];
  dgc_module m;
  dgc_diag d;

  section_boundaries(w, ok_at);
  CU_ASSERT_EQUAL(ok_at[w->n], 1);
  for (size_t len = 0; len <= w->n; len++) {
    int rc = read_exact(w->b, len, &m, &d);
    if (rc != (ok_at[len] == 1 ? 0 : -1)) {
      fprintf(stderr, "\n  %s cut to %zu bytes: rc %d (%s)\n", name, len, rc,
              rc ? d.msg : "");
      CU_FAIL("prefix");
    }
    if (rc == 0)
      dgc_module_free(&m);
    else
      CU_ASSERT(!strncmp(d.msg, "at byte 0x", 10));
  }
}

static void test_truncation(void) {
  wbuf w = {0};

  for (size_t i = 0; i < NFIXTURES; i++) {
    CU_ASSERT_FATAL(wb_load(fixtures[i].file, &w));
    check_prefixes(fixtures[i].file, &w);
  }
  w.n = 0;
  wb_build(&mixed, &w);
  check_prefixes("mixed", &w);
}

/* xorshift64*: a fixed seed keeps every run the same. */
static uint64_t rnd(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dull;
}

static void mutate(wbuf *w, uint64_t *seed) {
  static const uint8_t interesting[] = {0x00, 0x01, 0x0b, 0x60, 0x7b,
                                        0x7f, 0x80, 0xfd, 0xff};
  size_t at = (size_t)(rnd(seed) % w->n);

  switch (rnd(seed) % 5) {
  case 0:
    w->b[at] = (uint8_t)rnd(seed);
    break;
  case 1:
    w->b[at] ^= (uint8_t)(1u << (rnd(seed) % 8));
    break;
  case 2:
    w->b[at] = interesting[rnd(seed) % sizeof interesting];
    break;
  case 3:
    if (w->n < sizeof w->b) {
      memmove(w->b + at + 1, w->b + at, w->n - at);
      w->b[at] = (uint8_t)rnd(seed);
      w->n++;
    }
    break;
  default:
    if (w->n > 1) {
      memmove(w->b + at, w->b + at + 1, w->n - at - 1);
      w->n--;
    }
  }
}

/* Whatever the reader accepts, the ABI check must survive too. */
static void check_mutant(const wbuf *w, int *nok) {
  dgc_module m;
  dgc_abi abi;
  dgc_diag d;

  if (read_exact(w->b, w->n, &m, &d)) {
    CU_ASSERT(!strncmp(d.msg, "at byte 0x", 10));
    CU_ASSERT(module_is_empty(&m));
    return;
  }
  (*nok)++;
  if (dgc_check_abi(&m, &abi, &d) == 0) {
    CU_ASSERT_PTR_NOT_NULL(abi.entry);
    dgc_abi_free(&abi);
  } else {
    CU_ASSERT(d.msg[0] != '\0' && !strchr(d.msg, '\n'));
  }
  dgc_module_free(&m);
}

static void test_mutations(void) {
  static const char *const files[] = {"hello.wasm", "env_imports.wasm",
                                      "globals.wasm", "locals.wasm",
                                      "start.wasm"};
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  wbuf orig, w;
  int nok = 0, total = 0;

  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    CU_ASSERT_FATAL(wb_load(files[f], &orig));
    for (int i = 0; i < 1000; i++, total++) {
      w = orig;
      for (uint64_t k = 1 + rnd(&seed) % 3; k > 0; k--)
        mutate(&w, &seed);
      check_mutant(&w, &nok);
    }
  }
  /* Both outcomes must occur, or the mutations test nothing. */
  CU_ASSERT(nok > 0 && nok < total);
}

static const unit_test diag_tests[] = {
    {"dgc_fail formats", test_fail_formats},
    {"dgc_fail truncates", test_fail_truncates},
    {"dgc_printable", test_printable},
    {NULL, NULL},
};

static const unit_test reader_tests[] = {
    {"header", test_header},
    {"malformed and edge cases", test_body_cases},
    {"SIMD detection", test_simd_detection},
    {"memory fields", test_memory_fields},
    {"many exports", test_many_exports},
    {"built module", test_built_module},
    {"dgc_func_type", test_func_type},
    {"function names for traps", test_func_names},
    {"start", test_start},
    {"wat2wasm fixtures", test_fixtures},
    {"hello details", test_hello_details},
    {"every prefix", test_truncation},
    {"random mutations", test_mutations},
    {NULL, NULL},
};

int main(int argc, char **argv) {
  dump_dir = argc > 1 ? argv[1] : NULL;
  if (unit_begin() != 0)
    return 1;
  if (unit_add("diag", diag_tests) != 0 ||
      unit_add("reader", reader_tests) != 0) {
    CU_cleanup_registry();
    return 1;
  }
  return unit_finish(CU_BRM_NORMAL);
}
