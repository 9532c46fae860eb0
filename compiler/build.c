/* Compile one module into one native executable: the pipeline.
 *
 *   [wat2wasm]  IN.wat -> temp/daggercc-input.wasm
 *   read + ABI check (wasmread.c, abi.c), then wasm-validate
 *   wasm2c -n m  -> temp/daggercc-module.{c,h}
 *   glue         -> temp/daggercc-glue.c (includes the module's C)
 *   [shards]     a big module's C cut into units (shard.c), compiled in
 *                parallel with the glue, then linked
 *   cc           -> OUT.daggercc-XXXXXX beside OUT, renamed onto OUT
 *
 * With --harness (harness.c) no module is checked against the ABI, every
 * module of the list goes through the stages up to wasm2c under a name of
 * its own, and the harness takes the place of the glue.
 *
 * Every temporary file is registered (spawn.c) and removed on return, on
 * success and failure alike; OUT is replaced atomically or left untouched.
 * Messages about the input carry its name as their location. */
#include "compiler.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { NSTAGES = 4 };

typedef struct build {
  const dgc_options *o;
  dgc_diag *d;
  const dgc_target *target;
  const dgc_memcheck *memcheck;
  dgc_runtime runtime;
  char *dir, *out_tmp;
  const char *wasm; /* the binary module: the input or wat2wasm's output */
  uint8_t *bytes;
  size_t len;
  dgc_module mod;
  dgc_abi abi;
  bool have_mod, have_abi;
  char *module_c, *module_h, *glue_c;
  char *header; /* text of module_h */
  char memory_field[256];
  size_t index; /* --harness: which module of the list this is */
  char **more;  /* extra sources of the final command, NULL-terminated:
                 * the data's assembler and (--harness) modules 1..'s C */
  size_t nmore;
  char *data_s;   /* this module's daggercc-data.s, or NULL (data.c) */
  char *data_bin; /* the bytes it includes */
  bool have_runtime;
  dgc_objcache pc;            /* the program cache, when on */
  char prog_key[DGC_OBJ_KEY]; /* this program's key in it */
  char *data_emit;    /* --emit-c's copy of it: .incbin of a relative path */
  char **units;       /* shards: the units' C (shard.c), nunits of them */
  char **func_cnames; /* wasm2c's C name of each defined function, or NULL */
  size_t nunits;
} build;

static dgc_cc_plan cc_plan(build *b);

static void stage(build *b, int n, const char *what) {
  if (b->o->progress)
    b->o->progress(b->o->progress_ctx, n, NSTAGES, what);
}

/* The message in inner, located at the input: "IN: message". */
static int fail_at(build *b, const dgc_diag *inner) {
  return dgc_fail(b->d, "%s: %s", b->o->input, inner->msg);
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Runs a planned tool; a non-zero exit is a failure named after `what`. */
static int run_tool(build *b, dgc_argv *a, const char *what, char **capture) {
  dgc_diag inner;
  int rc = dgc_run(a->v, b->o->verbose, capture, &inner);

  if (rc < 0)
    return fail_at(b, &inner);
  if (rc > 0)
    return dgc_fail(b->d, "%s: %s failed (exit status %d)", b->o->input, what,
                    rc);
  return 0;
}

/* The final command. With the static libcurl its output goes through
 * linkmsg.c, which drops glibc's warnings about static name lookup. */
static int run_link(build *b, dgc_argv *a, bool static_https) {
  const char *what = b->nunits ? "the link" : "the C compiler";
  char *said = NULL;
  int rc = run_tool(b, a, what, static_https ? &said : NULL);

  if (said) {
    dgc_linkmsg_filter(said, stderr);
    free(said);
  }
  return rc;
}

/* dir/base, or module k's own copy of it (--harness). */
static char *module_path(build *b, const char *base) {
  char *name, *path;

  if (b->index == 0)
    return dgc_tmp_path(b->dir, base);
  name = dgc_harness_file(b->index, base);
  path = name ? dgc_tmp_path(b->dir, name) : NULL;
  free(name);
  return path;
}

/* The text to give wat2wasm: the input, or a copy of it with the legacy
 * instruction names rewritten (wat.c), said under -v. */
static int modern_text(build *b, const char **path) {
  dgc_diag inner;
  uint8_t *text;
  size_t len, n, count;
  const char *first;
  char *mod, *copy;
  FILE *f;

  *path = b->o->input;
  if (dgc_read_input(b->o->input, &text, &len, &inner) != 0)
    return fail_at(b, &inner);
  mod = dgc_wat_modernise((const char *)text, len, &n, &count, &first);
  free(text);
  if (!mod)
    return dgc_fail(b->d, "out of memory");
  if (count == 0) {
    free(mod);
    return 0;
  }
  copy = module_path(b, "daggercc-input.wat");
  f = copy ? fopen(copy, "w") : NULL;
  bool ok = f && fwrite(mod, 1, n, f) == n;
  ok = f && fclose(f) == 0 && ok;
  free(mod);
  if (!ok)
    return dgc_fail(b->d, "%s: cannot write the rewritten text", b->o->input);
  if (b->o->verbose)
    dgc_print_error(stderr, "daggercc",
                    "%s: warning: %zu instruction name(s) of before 2019 "
                    "rewritten (the first: %s)",
                    b->o->input, count, first);
  *path = copy;
  return 0;
}

static int convert_text(build *b) {
  dgc_argv a = {0};
  char *out = module_path(b, "daggercc-input.wasm");
  const char *in;
  int rc;

  if (!out)
    return dgc_fail(b->d, "out of memory");
  if (modern_text(b, &in) != 0)
    return -1;
  rc = dgc_plan_wat2wasm(&a, in, out, b->d);
  if (rc == 0)
    rc = run_tool(b, &a, "wat2wasm", NULL);
  dgc_argv_free(&a);
  b->wasm = out;
  return rc;
}

static int read_module(build *b) {
  dgc_diag inner;

  if (dgc_read_input(b->wasm, &b->bytes, &b->len, &inner) != 0)
    return fail_at(b, &inner);
  if (dgc_read_module(b->bytes, b->len, &b->mod, &inner) != 0)
    return fail_at(b, &inner);
  b->have_mod = true;
  if (b->o->harness) /* the harness defines every import */
    return 0;
  if (dgc_check_abi(&b->mod, &b->abi, &inner) != 0)
    return fail_at(b, &inner);
  b->have_abi = true;
  return 0;
}

/* wasm-validate's first error, "PATH:OFFSET: error: MESSAGE", located at
 * the input as "at byte 0xOFFSET: MESSAGE". */
static int fail_invalid(build *b, const char *text, int status) {
  const char *e = strstr(text, ": error: "), *line, *off, *msg;
  int n;

  if (!e)
    return dgc_fail(b->d, "%s: invalid module (wasm-validate exit status %d)",
                    b->o->input, status);
  for (line = e; line > text && line[-1] != '\n'; line--)
    ;
  for (off = e; off > line && isxdigit((unsigned char)off[-1]); off--)
    ;
  msg = e + strlen(": error: ");
  n = (int)strcspn(msg, "\n");
  if (off < e && (off == line || off[-1] == ':'))
    return dgc_fail(b->d, "%s: at byte 0x%lx: %.*s", b->o->input,
                    strtoul(off, NULL, 16), n, msg);
  return dgc_fail(b->d, "%s: %.*s", b->o->input, n, msg);
}

/* Validation, with SIMD off first: wasm2c 1.0.32 aborts without a word on
 * SIMD code, so a module valid only with SIMD gets its own message. */
static int validate(build *b, bool simd, int *status, char **text) {
  dgc_argv a = {0};
  dgc_diag inner;
  int rc = dgc_plan_validate(&a, b->wasm, simd, b->d);

  *text = NULL;
  if (rc == 0) {
    rc = dgc_run(a.v, b->o->verbose, text, &inner);
    if (rc < 0)
      fail_at(b, &inner);
  }
  dgc_argv_free(&a);
  *status = rc;
  return rc < 0 ? -1 : 0;
}

static int check(build *b) {
  char *text = NULL;
  int status, rc;

  if (validate(b, false, &status, &text) != 0)
    return -1;
  free(text);
  if (status == 0)
    return 0;
  if (validate(b, true, &status, &text) != 0)
    return -1;
  if (status == 0)
    rc = dgc_fail(b->d,
                  "%s: module uses SIMD (v128), which wasm2c 1.0.32 cannot "
                  "translate",
                  b->o->input);
  else
    rc = fail_invalid(b, text, status);
  free(text);
  return rc;
}

/* The module's C, fixed (names.c): wasm2c 1.0.32's big-endian bugs and
 * its guest memory accesses. wasm2c copies export names into comments byte for
 * byte, NUL included (names.wast exports one): only the text before the first
 * NUL is a string to fix (the helpers to fix come first); the rest is written
 * back as is. */
/* Writes len bytes to path (a temporary file of the build). */
static int write_bytes(build *b, const char *path, const void *p, size_t len) {
  FILE *f = fopen(path, "wb");
  int rc = f && fwrite(p, 1, len, f) == len ? 0 : -1;

  if (f && fclose(f) != 0)
    rc = -1;
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: cannot write", path);
}

/* The data segments of the module's C (*text, head bytes up to its first
 * NUL) moved to daggercc-data.bin, assembled by daggercc-data.s (data.c),
 * which joins the extra sources of the final command: the link runs
 * locally, so the .incbin path is there under distcc too, and `as` copies
 * the bytes faster than a cache look-up could hash them. *text shrinks. */
static int extract_data(build *b, char **text, size_t *head) {
  dgc_data data;
  char *c, *asm_text = NULL;
  size_t n;
  int rc;

  if (dgc_data_extract(*text, *head, b->index, &c, &n, &data, b->d) != 0)
    return -1;
  free(*text);
  *text = c;
  *head = n;
  b->data_s = data.nsegs ? module_path(b, DGC_DATA_S) : NULL;
  b->data_bin = data.nsegs ? module_path(b, DGC_DATA_BIN) : NULL;
  asm_text = b->data_bin ? dgc_data_asm(&data, b->data_bin) : NULL;
  if (data.nsegs == 0)
    rc = 0;
  else if (!b->data_s || !b->data_bin || !asm_text)
    rc = dgc_fail(b->d, "out of memory");
  else if ((rc = write_bytes(b, b->data_bin, data.bytes, data.len)) == 0)
    rc = write_bytes(b, b->data_s, asm_text, strlen(asm_text));
  if (rc == 0 && data.nsegs && b->o->emit_c && b->index == 0 &&
      !(b->data_emit = dgc_data_asm(&data, DGC_DATA_BIN)))
    rc = dgc_fail(b->d, "out of memory");
  free(asm_text);
  dgc_data_free(&data);
  return rc;
}

static int fix_module(build *b) {
  uint8_t *text;
  char *tail = NULL;
  size_t len, head, tail_len;
  dgc_diag inner;
  FILE *f;
  int rc;

  if (dgc_read_input(b->module_c, &text, &len, &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  head = strlen((char *)text);
  tail_len = len - head;
  tail = malloc(tail_len + 1);
  if (!tail) {
    free(text);
    return dgc_fail(b->d, "out of memory");
  }
  memcpy(tail, text + head, tail_len);
  if (extract_data(b, (char **)&text, &head) != 0) {
    free(text);
    free(tail);
    return -1;
  }
  if (dgc_w2c_fix_module((char **)&text, &inner) != 0) {
    free(text);
    free(tail);
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  }
  f = fopen(b->module_c, "w");
  rc = f && fputs((char *)text, f) >= 0 ? 0 : -1;
  if (rc == 0 && fwrite(tail, 1, tail_len, f) != tail_len)
    rc = -1;
  if (f && fclose(f) != 0)
    rc = -1;
  free(text);
  free(tail);
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: cannot write", b->module_c);
}

/* The C names wasm2c gave the module's functions, for naming a trap's
 * place. */
static int read_cnames(build *b) {
  uint8_t *text;
  size_t len;
  dgc_diag inner;
  int rc;

  if (dgc_read_input(b->module_c, &text, &len, &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  rc = dgc_w2c_func_cnames((char *)text, b->mod.nfuncs, &b->func_cnames, b->d);
  free(text);
  return rc;
}

static int translate(build *b) {
  dgc_argv a = {0};
  dgc_diag inner;
  char name[32];
  size_t len;
  int rc;

  b->module_c = module_path(b, DGC_MODULE_C);
  b->module_h = module_path(b, DGC_MODULE_H);
  if (!b->module_c || !b->module_h)
    return dgc_fail(b->d, "out of memory");
  rc = dgc_plan_wasm2c_named(
      &a, dgc_wasm2c(&b->o->paths), b->wasm, b->module_c,
      dgc_harness_module_name(b->index, name, sizeof name), b->d);
  if (rc == 0)
    rc = run_tool(b, &a, "wasm2c", NULL);
  dgc_argv_free(&a);
  if (rc == 0)
    rc = fix_module(b);
  if (rc == 0 && !b->o->harness)
    rc = read_cnames(b);
  if (rc != 0 || b->abi.memory != DGC_MEM_DEFINED)
    return rc;
  if (dgc_read_input(b->module_h, (uint8_t **)&b->header, &len, &inner) != 0 ||
      dgc_w2c_memory_field(b->header, b->memory_field, sizeof b->memory_field,
                           &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_h, inner.msg);
  return 0;
}

/* ---- shards ------------------------------------------------------------ */

enum {
  DEFAULT_SHARD_SIZE = 2 << 20, /* bytes of C: gcc -O2 needs ~200 MB */
  MAX_UNITS = 512 /* more would spend more time starting compilers */
};

static int write_text(build *b, const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  int rc = f && fputs(text, f) >= 0 ? 0 : -1;

  if (f && fclose(f) != 0)
    rc = -1;
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: cannot write", path);
}

/* A unit of the split: the main unit replaces the module's C (the glue
 * includes it), unit k goes to daggercc-shard-K.c. */
static int put_unit(void *ctx, size_t k, const char *text, size_t len) {
  build *b = ctx;
  char name[48], **v;

  (void)len;
  if (k == 0)
    return write_text(b, b->module_c, text);
  if (!(v = realloc(b->units, k * sizeof *v)))
    return dgc_fail(b->d, "out of memory");
  b->units = v;
  snprintf(name, sizeof name, "daggercc-shard-%zu.c", k);
  if (!(b->units[k - 1] = dgc_tmp_path(b->dir, name)))
    return dgc_fail(b->d, "out of memory");
  b->nunits = k;
  return write_text(b, b->units[k - 1], text);
}

/* Module 0's C, cut into units when it is big. */
static int shard(build *b) {
  size_t target = b->o->shard_size ? b->o->shard_size : DEFAULT_SHARD_SIZE;
  uint8_t *text;
  size_t len, n;
  dgc_diag inner;
  int rc;

  if (dgc_read_input(b->module_c, &text, &len, &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  rc = dgc_shard_split((char *)text, len, target, MAX_UNITS, put_unit, b, &n,
                       b->d);
  free(text);
  return rc;
}

/* Adds path (a temporary file's, or NULL: nothing) to the extra sources. */
static int add_more(build *b, char *path) {
  char **v;

  if (!path)
    return 0;
  v = realloc(b->more, (b->nmore + 2) * sizeof *v);
  if (!v)
    return dgc_fail(b->d, "out of memory");
  b->more = v;
  b->more[b->nmore++] = path;
  b->more[b->nmore] = NULL;
  return 0;
}

/* Module m's data (daggercc-data.s, when it has any) assembled now into
 * an object that joins the final command as a linker input (-Xlinker): a
 * file for the link, never a source, so the command keeps one source (a
 * CFLAGS=-c still makes one object that daggercc names). It runs here, not
 * under a farm: distcc and icecc run an assembler file locally, so
 * .incbin's path is there. */
static int assemble_data(build *b, build *m) {
  dgc_cc_plan p = cc_plan(b);
  dgc_argv a = {0};
  char *obj, *text = NULL;
  dgc_diag inner;
  int rc;

  if (!m->data_s)
    return 0;
  obj = module_path(m, "daggercc-data.o");
  if (!obj)
    return dgc_fail(b->d, "out of memory");
  p.source = m->data_s;
  p.output = obj;
  p.compile_only = true;
  rc = dgc_plan_cc(&a, &p, b->d);
  if (rc == 0 && (rc = dgc_run(a.v, b->o->verbose, &text, &inner)) < 0)
    fail_at(b, &inner);
  else if (rc > 0) {
    /* Its words, as any compile's; on success they are dropped (a
     * CFLAGS=-S makes gcc warn that the file was not assembled). */
    fputs(text ? text : "", stderr);
    rc = dgc_fail(b->d, "%s: the C compiler failed (exit status %d)",
                  b->o->input, rc);
  }
  dgc_argv_free(&a);
  free(text);
  if (rc == 0 &&
      (add_more(b, (char *)"-Xlinker") != 0 || add_more(b, obj) != 0))
    rc = -1;
  return rc;
}

/* --harness: modules 1.. of the list, each through the same stages as
 * module 0 up to wasm2c. */
static int translate_more(build *b) {
  const dgc_harness *h = b->o->harness;

  if (assemble_data(b, b) != 0)
    return -1;
  if (!h)
    return 0;
  for (size_t k = 1; k < h->nmodules; k++) {
    dgc_options o = *b->o;
    build s = {.o = &o,
               .d = b->d,
               .target = b->target,
               .memcheck = b->memcheck,
               .dir = b->dir,
               .index = k};
    int rc;

    o.input = s.wasm = h->modules[k];
    rc = ends_with(o.input, ".wat") ? convert_text(&s) : 0;
    if (rc == 0 &&
        (read_module(&s) != 0 || check(&s) != 0 || translate(&s) != 0))
      rc = -1;
    if (rc == 0 && (add_more(b, s.module_c) != 0 || assemble_data(b, &s)))
      rc = -1;
    if (s.have_mod)
      dgc_module_free(&s.mod);
    free(s.bytes);
    free(s.header);
    if (rc != 0)
      return -1;
  }
  return 0;
}

/* The compiled-in limits as the note shows them ("NAME=VALUE"). */
static void note_limits(const dgc_limits *l, char buf[3][48],
                        const char *out[4]) {
  size_t n = 0;

  if (l->max_pages)
    snprintf(buf[n], sizeof buf[n], "max-memory=%" PRIu64,
             (uint64_t)l->max_pages * 65536),
        out[n] = buf[n], n++;
  if (l->timeout_ms)
    snprintf(buf[n], sizeof buf[n], "timeout=%gs", l->timeout_ms / 1000.0),
        out[n] = buf[n], n++;
  if (l->cpu_ms)
    snprintf(buf[n], sizeof buf[n], "cpu-time=%gs", l->cpu_ms / 1000.0),
        out[n] = buf[n], n++;
  out[n] = NULL;
}

/* The program's note (note.c): what built it, from what. */
static int build_note(build *b, char **desc, size_t *len, dgc_diag *d) {
  char hex[DGC_SHA256_HEX], lbuf[3][48];
  const char *limits[4];
  dgc_sha256 s;
  dgc_note_info in = {.target = b->target->triple,
                      .bounds = b->memcheck->name,
                      .module_sha256 = hex,
                      .static_link = b->o->static_link,
                      .opt_level = b->o->opt_level,
                      .policy = &b->o->policy,
                      .env = b->o->env,
                      .limits = limits,
                      .flags = b->o->flags,
                      .cc = b->o->cc ? b->o->cc : b->target->cc,
                      .cflags = b->o->cflags};

  note_limits(&b->o->limits, lbuf, limits);
  dgc_sha256_init(&s);
  dgc_sha256_update(&s, b->bytes, b->len);
  dgc_sha256_final(&s, hex);
  return dgc_note_build(&in, desc, len, d);
}

static dgc_glue glue_of(build *b, const char *memory_field) {
  return (dgc_glue){.mod = &b->mod,
                    .abi = &b->abi,
                    .memory_field = memory_field,
                    .policy = &b->o->policy,
                    .env = b->o->env,
                    .limits = &b->o->limits,
                    .source = b->o->input,
                    .static_link = b->o->static_link,
                    .func_cnames = b->func_cnames};
}

static int write_glue(build *b) {
  dgc_glue g = glue_of(b, b->memory_field);
  dgc_diag inner;
  char *note = NULL;
  FILE *f;
  int rc;

  b->glue_c = dgc_tmp_path(b->dir, DGC_GLUE_C);
  if (!b->glue_c)
    return dgc_fail(b->d, "out of memory");
  if (!b->o->harness && build_note(b, &note, &g.note_len, b->d) != 0)
    return -1;
  g.note = note;
  f = fopen(b->glue_c, "w");
  if (!f) {
    free(note);
    return dgc_fail(b->d, "%s: %s", b->glue_c, strerror(errno));
  }
  if (b->o->harness)
    rc = dgc_emit_harness(f, b->o->harness, b->dir, &inner);
  else
    rc = dgc_emit_glue(f, &g, &inner);
  free(note);
  if (fclose(f) != 0 && rc == 0)
    rc = dgc_fail(&inner, "cannot write the glue");
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: %s", b->glue_c, inner.msg);
}

/* --emit-c: the generated C, complete, before it is compiled (so it is
 * there to look at when the compiler fails). */
static int emit_one(build *b, int dfd, const char *from, const char *name) {
  uint8_t *buf = NULL;
  size_t len;
  int rc = dgc_read_input(from, &buf, &len, b->d);

  if (rc == 0)
    rc = dgc_out_dir_write(dfd, b->o->emit_c, name, buf, len, b->d);
  free(buf);
  return rc;
}

static int emit_c(build *b) {
  const char *from[] = {b->module_c, b->module_h, b->glue_c};
  const char *name[] = {DGC_MODULE_C, DGC_MODULE_H, DGC_GLUE_C};
  int dfd, rc = 0;

  if (!b->o->emit_c)
    return 0;
  if ((dfd = dgc_out_dir_open(b->o->emit_c, b->d)) < 0)
    return -1;
  for (int i = 0; i < 3 && rc == 0; i++)
    rc = emit_one(b, dfd, from[i], name[i]);
  /* The data, assembled in that folder: `cc -c daggercc-data.s`. */
  if (rc == 0 && b->data_s)
    rc = emit_one(b, dfd, b->data_bin, DGC_DATA_BIN);
  if (rc == 0 && b->data_s)
    rc = dgc_out_dir_write(dfd, b->o->emit_c, DGC_DATA_S,
                           (const uint8_t *)b->data_emit, strlen(b->data_emit),
                           b->d);
  /* A big module's other units, under the names they compile as. */
  for (size_t i = 0; i < b->nunits && rc == 0; i++) {
    const char *slash = strrchr(b->units[i], '/');
    rc = emit_one(b, dfd, b->units[i], slash ? slash + 1 : b->units[i]);
  }
  close(dfd);
  return rc;
}

static dgc_cc_plan cc_plan(build *b) {
  return (dgc_cc_plan){.target = b->target,
                       .cc = b->o->cc ? b->o->cc : b->target->cc,
                       .cflags = b->o->cflags,
                       .opt_level = b->o->opt_level,
                       .memcheck = b->memcheck,
                       .static_link = b->o->static_link,
                       .incdir = b->o->paths.incdir,
                       .libdir = b->runtime.libdir,
                       .source = b->glue_c,
                       .more_sources = (const char *const *)b->more,
                       .output = b->out_tmp};
}

static unsigned jobs(build *b) {
  long n = b->o->jobs ? (long)b->o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > DGC_MAX_JOBS ? DGC_MAX_JOBS : (unsigned)n;
}

/* The texts object i is made of, for its cache key: the glue with the
 * main unit it includes, or a unit; with the module's header. */
static int unit_texts(build *b, size_t i, char *texts[4]) {
  const char *paths[] = {i == 0 ? b->glue_c : b->units[i - 1],
                         i == 0 ? b->module_c : b->module_h,
                         i == 0 ? b->module_h : NULL, NULL};
  size_t len;

  for (size_t k = 0; k < 4; k++)
    texts[k] = NULL;
  for (size_t k = 0; paths[k]; k++)
    if (dgc_read_input(paths[k], (uint8_t **)&texts[k], &len, b->d) != 0)
      return -1;
  return 0;
}

typedef struct units {
  size_t n;        /* the glue and the units */
  dgc_argv *plans; /* compile command of each */
  char **objs;     /* object of each: a temporary file or a cached one */
  char **cached;   /* the cached ones (malloc'd), else NULL */
  char (*keys)[DGC_OBJ_KEY];
  char ***todo;   /* the commands of the objects not cached */
  size_t *todo_i; /* their indexes */
  size_t ntodo;
} units;

static void units_free(units *u) {
  for (size_t i = 0; i < u->n; i++) {
    if (u->plans)
      dgc_argv_free(&u->plans[i]);
    if (u->cached)
      free(u->cached[i]);
  }
  free(u->plans);
  free(u->cached);
  free(u->keys);
  free(u->todo);
  free(u->todo_i);
}

/* Object i: planned, and found in the cache or added to the work. */
static int plan_unit(build *b, dgc_objcache *oc, units *u, size_t i) {
  dgc_cc_plan p = cc_plan(b);
  char name[48], *texts[4];

  snprintf(name, sizeof name, "daggercc-shard-%zu.o", i);
  u->objs[i] = dgc_tmp_path(b->dir, name);
  if (!u->objs[i])
    return dgc_fail(b->d, "out of memory");
  p.source = i == 0 ? b->glue_c : b->units[i - 1];
  p.output = u->objs[i];
  p.compile_only = true;
  if (dgc_plan_cc(&u->plans[i], &p, b->d) != 0)
    return -1;
  if (oc->on) {
    if (unit_texts(b, i, texts) != 0)
      return -1;
    dgc_objcache_key(oc, u->plans[i].v, p.source, p.output,
                     (const char *const *)texts, u->keys[i]);
    for (size_t k = 0; k < 4; k++)
      free(texts[k]);
    u->cached[i] = dgc_objcache_find(oc, u->keys[i]);
    if (u->cached[i]) {
      u->objs[i] = u->cached[i];
      return 0;
    }
  }
  u->todo_i[u->ntodo] = i;
  u->todo[u->ntodo++] = u->plans[i].v;
  return 0;
}

typedef struct unit_count {
  build *b;
  size_t done, total;
} unit_count;

static void unit_done(void *ctx, size_t i) {
  unit_count *c = ctx;

  (void)i;
  c->done++;
  if (c->b->o->unit_progress)
    c->b->o->unit_progress(c->b->o->progress_ctx, c->done, c->total);
}

/* The cache for this build, or none (--no-cache, no cache folder, or one
 * that cannot be used: said under -v). */
static void open_cache(build *b, dgc_objcache *oc, char *const *argv) {
  dgc_diag inner;

  *oc = (dgc_objcache){0};
  if (b->o->no_cache || !b->o->paths.cachedir)
    return;
  if (dgc_objcache_open(oc, b->o->paths.cachedir, argv, b->o->paths.incdir,
                        b->o->verbose, &inner) != 0 &&
      b->o->verbose)
    dgc_print_error(stderr, "daggercc", "note: compiling without the cache: %s",
                    inner.msg);
}

/* Shards: the glue (which includes the main unit) and every other unit
 * compiled to objects, jobs at a time, or taken from the cache; objs gets
 * the objects, the glue's first, then the harness's other modules' C,
 * NULL-terminated. */
static int compile_units(build *b, units *u) {
  size_t nmore = 0;
  dgc_objcache oc = {0};
  dgc_diag inner;
  int rc = 0;

  for (char **m = b->more; m && *m; m++)
    nmore++;
  u->n = b->nunits + 1;
  u->plans = calloc(u->n, sizeof *u->plans);
  u->cached = calloc(u->n, sizeof *u->cached);
  u->keys = calloc(u->n, sizeof *u->keys);
  u->todo = calloc(u->n, sizeof *u->todo);
  u->todo_i = calloc(u->n, sizeof *u->todo_i);
  u->objs = calloc(u->n + nmore + 1, sizeof *u->objs);
  if (!u->plans || !u->cached || !u->keys || !u->todo || !u->todo_i || !u->objs)
    return dgc_fail(b->d, "out of memory");
  for (size_t i = 0; rc == 0 && i < u->n; i++) {
    if (i == 0) {
      /* The compiler's identity comes from the first command's word. */
      dgc_cc_plan p = cc_plan(b);
      dgc_argv first = {0};
      p.compile_only = true;
      if (dgc_plan_cc(&first, &p, b->d) != 0)
        return -1;
      open_cache(b, &oc, first.v);
      dgc_argv_free(&first);
    }
    rc = plan_unit(b, &oc, u, i);
  }
  unit_count count = {b, u->n - u->ntodo - 1, u->n};
  if (rc == 0)
    unit_done(&count, 0);
  if (rc == 0 && dgc_run_parallel(u->todo, u->ntodo, jobs(b), b->o->verbose,
                                  unit_done, &count, &inner) != 0)
    rc = dgc_fail(b->d, "%s: %s", b->o->input, inner.msg);
  for (size_t k = 0; rc == 0 && oc.on && k < u->ntodo; k++) {
    size_t i = u->todo_i[k];
    if (dgc_objcache_put(&oc, u->keys[i], u->objs[i], &inner) != 0 &&
        b->o->verbose)
      dgc_print_error(stderr, "daggercc", "note: not cached: %s", inner.msg);
  }
  dgc_objcache_close(&oc);
  for (size_t k = 0; rc == 0 && k < nmore; k++)
    u->objs[u->n + k] = b->more[k];
  return rc;
}

/* --static: the static libcurl's folder, or NULL (and a note on stderr:
 * the program's http(s) opens will answer -UNSUPPORTED). */
static const char *static_https(build *b, char *dir, size_t size) {
  if (dgc_static_https(b->target, &b->o->paths, b->runtime.curl, dir, size))
    return dir;
  dgc_print_error(stderr, "daggercc",
                  "note: --static: no static libcurl for %s, so the "
                  "program's http:// and https:// opens answer -UNSUPPORTED",
                  b->target->triple);
  return NULL;
}

static int get_runtime(build *b) {
  if (b->have_runtime)
    return 0;
  if (dgc_runtime_get(b->target, &b->o->paths, b->o->cc, b->o->verbose,
                      &b->runtime, b->d) != 0)
    return -1;
  b->have_runtime = true;
  return 0;
}

static int compile(build *b) {
  dgc_cc_plan p;
  dgc_argv a = {0};
  dgc_diag inner;
  units u = {0};
  char https[4096];
  int rc = get_runtime(b);

  p = cc_plan(b);
  if (rc == 0 && b->o->static_link)
    p.static_https = static_https(b, https, sizeof https);
  if (rc == 0 && b->nunits > 0) {
    rc = compile_units(b, &u);
    if (rc == 0) {
      p.source = u.objs[0];
      p.more_sources = (const char *const *)u.objs + 1;
    }
  }
  if (rc == 0)
    rc = dgc_plan_cc(&a, &p, b->d);
  if (rc == 0)
    rc = run_link(b, &a, p.static_https != NULL);
  dgc_argv_free(&a);
  free(u.objs);
  units_free(&u);
  if (rc == 0 && dgc_check_executable(b->out_tmp, b->target, &inner) != 0)
    rc = dgc_fail(b->d, "%s: %s", b->o->output, inner.msg);
  return rc;
}

/* ---- the program cache (objcache.c) ------------------------------------ */

/* The glue as it will be, but for the memory field (from wasm2c's header,
 * not run yet); malloc'd, or NULL. */
static char *glue_text(build *b) {
  dgc_glue g = glue_of(b, "DAGGERCC_MEMORY_FIELD");
  char *text = NULL, *note = NULL;
  size_t len;
  dgc_diag ignored;
  FILE *f;

  /* The note too: a program whose note would differ is another program. */
  if (build_note(b, &note, &g.note_len, &ignored) != 0)
    return NULL;
  g.note = note;
  f = open_memstream(&text, &len);
  if (!f) {
    free(note);
    return NULL;
  }
  int rc = dgc_emit_glue(f, &g, &ignored);
  free(note);
  if (fclose(f) != 0 || rc != 0) {
    free(text);
    return NULL;
  }
  return text;
}

static int program_key(build *b) {
  dgc_cc_plan p = cc_plan(b);
  dgc_argv link = {0};
  char https[4096];
  dgc_progkey k = {.module = b->bytes,
                   .module_len = b->len,
                   .glue = glue_text(b),
                   .shard_size =
                       b->o->shard_size ? b->o->shard_size : DEFAULT_SHARD_SIZE,
                   .libdir = b->runtime.libdir,
                   .wasm2c = dgc_wasm2c(&b->o->paths)};
  dgc_diag inner;
  int rc;

  p.source = "<glue>";
  p.output = "<program>";
  /* --static: whether the static libcurl is there, and which one, is part
   * of the program (its http opens work or answer -UNSUPPORTED). */
  if (b->o->static_link &&
      dgc_static_https(b->target, &b->o->paths, b->runtime.curl, https,
                       sizeof https))
    p.static_https = k.static_https = https;
  rc = k.glue ? dgc_plan_cc(&link, &p, &inner) : dgc_fail(&inner, "no memory");
  k.link = link.v;
  if (rc == 0)
    rc = dgc_progcache_key(&b->pc, &k, b->prog_key, &inner);
  dgc_argv_free(&link);
  free((char *)k.glue);
  if (rc != 0 && b->o->verbose)
    dgc_print_error(stderr, "daggercc", "note: no program cache: %s",
                    inner.msg);
  return rc;
}

/* 1 when the program came from the cache (into OUT's temporary file), 0
 * when it is to be compiled. A program of the whole pipeline only: not
 * under --emit-c (the C is wanted) or --harness. */
static int cached_program(build *b) {
  dgc_argv first = {0};
  dgc_cc_plan p;
  char *path;
  uint8_t *buf;
  size_t len;
  int rc;

  if (b->o->harness || b->o->emit_c || b->o->no_cache)
    return 0;
  if (get_runtime(b) != 0)
    return -1;
  p = cc_plan(b);
  p.source = "<glue>";
  p.output = "<program>";
  p.compile_only = true;
  if (dgc_plan_cc(&first, &p, b->d) != 0)
    return -1;
  open_cache(b, &b->pc, first.v);
  dgc_argv_free(&first);
  if (!b->pc.on || program_key(b) != 0) {
    dgc_objcache_close(&b->pc);
    return 0;
  }
  if (!(path = dgc_objcache_find_file(&b->pc, b->prog_key, "program")))
    return 0;
  rc = dgc_read_input(path, &buf, &len, b->d);
  if (rc == 0)
    rc = write_bytes(b, b->out_tmp, buf, len);
  if (rc == 0 && b->o->verbose)
    dgc_print_error(stderr, "daggercc", "note: the program is in the cache: %s",
                    path);
  free(buf);
  free(path);
  return rc == 0 ? 1 : -1;
}

static void keep_program(build *b) {
  dgc_diag inner;

  if (b->pc.on &&
      dgc_objcache_put_file(&b->pc, b->prog_key, "program", b->out_tmp,
                            &inner) != 0 &&
      b->o->verbose)
    dgc_print_error(stderr, "daggercc", "note: program not cached: %s",
                    inner.msg);
}

/* The linked program replaces OUT in one rename, with the mode a new
 * executable gets (mkstemp created the file 0600). */
static int install(build *b) {
  mode_t mask = umask(0);

  umask(mask);
  if (chmod(b->out_tmp, 0777 & ~mask) != 0 ||
      rename(b->out_tmp, b->o->output) != 0)
    return dgc_fail(b->d, "%s: %s", b->o->output, strerror(errno));
  dgc_tmp_keep(b->out_tmp);
  return 0;
}

/* One input of the build: a regular file within the limit, and not the
 * output. */
static int check_input(build *b, const char *in) {
  dgc_diag inner;

  if (dgc_check_input(in, &inner) != 0 ||
      dgc_check_not_input(b->o->output, in, &inner) != 0)
    return dgc_fail(b->d, "%s: %s", in, inner.msg);
  return 0;
}

static int check_inputs(build *b) {
  const dgc_harness *h = b->o->harness;

  if (check_input(b, b->o->input) != 0)
    return -1;
  if (!h)
    return 0;
  if (check_input(b, h->source) != 0)
    return -1;
  for (size_t k = 1; k < h->nmodules; k++)
    if (check_input(b, h->modules[k]) != 0)
      return -1;
  return 0;
}

static int check_options(build *b) {
  const dgc_options *o = b->o;
  struct stat st;

  if (o->opt_level < 0 || o->opt_level > 3)
    return dgc_fail(b->d, "optimisation level %d: expected 0 to 3",
                    o->opt_level);
  b->target = dgc_target_find(o->target);
  if (!b->target)
    return dgc_fail(b->d, "unknown target %s (known: %s)", o->target,
                    dgc_target_names());
  if (dgc_check_words("CC", o->cc, b->d) != 0 ||
      dgc_check_words("CFLAGS", o->cflags, b->d) != 0 ||
      dgc_target_memcheck(b->target, o->memcheck, &b->memcheck, b->d) != 0 ||
      dgc_target_check_cc(b->target, o->cc, b->d) != 0 ||
      (o->static_link && dgc_target_check_static(b->target, b->d) != 0))
    return -1;
  if (!o->input || !o->output || !o->paths.libdir || !o->paths.incdir ||
      !o->paths.srcdir)
    return dgc_fail(b->d, "input, output and runtime directories needed");
  /* The rename would replace a directory entry of any kind: never let it
   * replace /dev/null or a FIFO. */
  if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode))
    return dgc_fail(b->d, "%s: exists and is not a regular file", o->output);
  return check_inputs(b);
}

static int run_stages(build *b) {
  if (check_options(b) != 0 ||
      dgc_tmp_beside(b->o->output, &b->out_tmp, b->d) != 0 ||
      dgc_tmp_dir(b->o->tmpdir, &b->dir, b->d) != 0)
    return -1;
  stage(b, 1, "checking");
  b->wasm = b->o->input;
  if (ends_with(b->o->input, ".wat") && convert_text(b) != 0)
    return -1;
  if (read_module(b) != 0)
    return -1;
  int cached = cached_program(b);
  if (cached != 0)
    return cached < 0 ? -1 : install(b);
  if (check(b) != 0)
    return -1;
  stage(b, 2, "wasm2c");
  if (translate(b) != 0 || shard(b) != 0 || translate_more(b) != 0)
    return -1;
  stage(b, 3, "glue");
  if (write_glue(b) != 0 || emit_c(b) != 0)
    return -1;
  stage(b, 4, "cc");
  if (compile(b) != 0)
    return -1;
  keep_program(b);
  return install(b);
}

/* The cache's use lock, held for the whole build (cache.c); -1 when there
 * is no cache (the build goes on: the runtime says why under -v). */
static int use_cache(const dgc_options *o, dgc_cache *c) {
  dgc_diag ignored;
  int fd;

  if (!o->paths.cachedir ||
      dgc_cache_open(c, o->paths.cachedir, 0, &ignored) != 0)
    return -1;
  if ((fd = dgc_cache_use(c, &ignored)) < 0)
    dgc_cache_close(c);
  return fd;
}

/* After the build: the cache pruned to its cap, when no other build is
 * using it. */
static void prune_cache(const dgc_options *o, dgc_cache *c) {
  unsigned long long max =
      o->cache_max ? o->cache_max : (unsigned long long)DGC_CACHE_MAX_MIB << 20;
  size_t removed;
  dgc_diag inner;

  if (dgc_cache_prune(c, max, &removed, &inner) != 0 && o->verbose)
    dgc_print_error(stderr, "daggercc", "note: cache not pruned: %s",
                    inner.msg);
  else if (removed && o->verbose)
    dgc_print_error(stderr, "daggercc",
                    "note: %zu cache entries pruned (cap %llu bytes)", removed,
                    max);
}

int dgc_compile(const dgc_options *o, dgc_diag *d) {
  build b = {.o = o, .d = d};
  dgc_cache c;
  int use = use_cache(o, &c), rc = run_stages(&b);

  dgc_objcache_close(&b.pc);
  if (use >= 0) {
    dgc_cache_unlock(use);
    prune_cache(o, &c);
    dgc_cache_close(&c);
  }

  if (b.have_abi)
    dgc_abi_free(&b.abi);
  dgc_w2c_free_names(b.func_cnames, b.func_cnames ? b.mod.nfuncs : 0);
  if (b.have_mod)
    dgc_module_free(&b.mod);
  free(b.bytes);
  free(b.header);
  free(b.more);
  free(b.data_emit);
  free(b.units); /* the paths belong to the temporary-file registry */
  dgc_tmp_reset();
  return rc;
}
