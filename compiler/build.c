/* Compile one module into one native executable: the pipeline.
 *
 *   [wat2wasm]  IN.wat -> temp/daggercc-input.wasm
 *   read + ABI check (wasmread.c, abi.c), then wasm-validate
 *   wasm2c -n m  -> temp/daggercc-module.{c,h}
 *   glue         -> temp/daggercc-glue.c (includes the module's C)
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
  char **more;  /* --harness: the C of modules 1.., NULL-terminated */
} build;

static void stage(build *b, int n, const char *what) {
  if (b->o->progress)
    b->o->progress(b->o->progress_ctx, n, NSTAGES, what);
}

/* The message in inner, located at the input: "IN: message". */
static int fail_at(build *b, const dgc_diag *inner) {
  return dgc_fail(b->d, "%s: %s", b->o->input, inner->msg);
}

static int read_all(const char *path, uint8_t **buf, size_t *len, dgc_diag *d) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t n = 0, cap = 1 << 16;
  uint8_t *p = NULL, *grown;
  ssize_t got = 0;

  if (fd < 0)
    return dgc_fail(d, "cannot open: %s", strerror(errno));
  do {
    if (n + 1 >= cap || !p) {
      grown = realloc(p, cap *= 2);
      if (!grown)
        break;
      p = grown;
    }
    got = read(fd, p + n, cap - n - 1);
    if (got > 0)
      n += (size_t)got;
  } while (got > 0 || (got < 0 && errno == EINTR));
  if (got != 0 || !p) {
    int e = p ? errno : ENOMEM;
    free(p);
    close(fd);
    return dgc_fail(d, "cannot read: %s", strerror(e));
  }
  close(fd);
  p[n] = '\0'; /* so that text files read here are strings */
  *buf = p;
  *len = n;
  return 0;
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

static int convert_text(build *b) {
  dgc_argv a = {0};
  char *out = module_path(b, "daggercc-input.wasm");
  int rc;

  if (!out)
    return dgc_fail(b->d, "out of memory");
  rc = dgc_plan_wat2wasm(&a, b->o->input, out, b->d);
  if (rc == 0)
    rc = run_tool(b, &a, "wat2wasm", NULL);
  dgc_argv_free(&a);
  b->wasm = out;
  return rc;
}

static int read_module(build *b) {
  dgc_diag inner;

  if (read_all(b->wasm, &b->bytes, &b->len, &inner) != 0)
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
static int fix_module(build *b) {
  uint8_t *text;
  char *tail = NULL;
  size_t len, head;
  dgc_diag inner;
  FILE *f;
  int rc;

  if (read_all(b->module_c, &text, &len, &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  head = strlen((char *)text);
  tail = malloc(len - head + 1);
  if (!tail) {
    free(text);
    return dgc_fail(b->d, "out of memory");
  }
  memcpy(tail, text + head, len - head);
  if (dgc_w2c_fix_module((char **)&text, &inner) != 0) {
    free(text);
    free(tail);
    return dgc_fail(b->d, "%s: %s", b->module_c, inner.msg);
  }
  f = fopen(b->module_c, "w");
  rc = f && fputs((char *)text, f) >= 0 ? 0 : -1;
  if (rc == 0 && fwrite(tail, 1, len - head, f) != len - head)
    rc = -1;
  if (f && fclose(f) != 0)
    rc = -1;
  free(text);
  free(tail);
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: cannot write", b->module_c);
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
      &a, b->wasm, b->module_c,
      dgc_harness_module_name(b->index, name, sizeof name), b->d);
  if (rc == 0)
    rc = run_tool(b, &a, "wasm2c", NULL);
  dgc_argv_free(&a);
  if (rc == 0)
    rc = fix_module(b);
  if (rc != 0 || b->abi.memory != DGC_MEM_DEFINED)
    return rc;
  if (read_all(b->module_h, (uint8_t **)&b->header, &len, &inner) != 0 ||
      dgc_w2c_memory_field(b->header, b->memory_field, sizeof b->memory_field,
                           &inner) != 0)
    return dgc_fail(b->d, "%s: %s", b->module_h, inner.msg);
  return 0;
}

/* --harness: modules 1.. of the list, each through the same stages as
 * module 0 up to wasm2c. */
static int translate_more(build *b) {
  const dgc_harness *h = b->o->harness;

  if (!h)
    return 0;
  b->more = calloc(h->nmodules, sizeof *b->more);
  if (!b->more)
    return dgc_fail(b->d, "out of memory");
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
    b->more[k - 1] = s.module_c;
    if (s.have_mod)
      dgc_module_free(&s.mod);
    free(s.bytes);
    free(s.header);
    if (rc != 0)
      return -1;
  }
  return 0;
}

static int write_glue(build *b) {
  dgc_glue g = {.mod = &b->mod,
                .abi = &b->abi,
                .memory_field = b->memory_field,
                .policy = &b->o->policy,
                .env = b->o->env,
                .source = b->o->input,
                .static_link = b->o->static_link};
  dgc_diag inner;
  FILE *f;
  int rc;

  b->glue_c = dgc_tmp_path(b->dir, DGC_GLUE_C);
  if (!b->glue_c)
    return dgc_fail(b->d, "out of memory");
  f = fopen(b->glue_c, "w");
  if (!f)
    return dgc_fail(b->d, "%s: %s", b->glue_c, strerror(errno));
  if (b->o->harness)
    rc = dgc_emit_harness(f, b->o->harness, b->dir, &inner);
  else
    rc = dgc_emit_glue(f, &g, &inner);
  if (fclose(f) != 0 && rc == 0)
    rc = dgc_fail(&inner, "cannot write the glue");
  return rc == 0 ? 0 : dgc_fail(b->d, "%s: %s", b->glue_c, inner.msg);
}

static int copy_file(const char *from, const char *dir, const char *name,
                     dgc_diag *d) {
  uint8_t *buf;
  size_t len, n = strlen(dir) + strlen(name) + 2;
  char *to = malloc(n);
  FILE *f = NULL;
  int rc = -1;

  if (!to)
    return dgc_fail(d, "out of memory");
  snprintf(to, n, "%s/%s", dir, name);
  if (read_all(from, &buf, &len, d) == 0) {
    f = fopen(to, "wb");
    if (f && fwrite(buf, 1, len, f) == len)
      rc = 0;
    if (f && fclose(f) != 0)
      rc = -1;
    if (rc != 0)
      dgc_fail(d, "%s: cannot write: %s", to, strerror(errno));
    free(buf);
  }
  free(to);
  return rc;
}

/* --emit-c: the generated C, complete, before it is compiled (so it is
 * there to look at when the compiler fails). */
static int emit_c(build *b) {
  const char *dir = b->o->emit_c;
  const char *from[] = {b->module_c, b->module_h, b->glue_c};
  const char *name[] = {DGC_MODULE_C, DGC_MODULE_H, DGC_GLUE_C};

  if (!dir)
    return 0;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return dgc_fail(b->d, "%s: cannot create: %s", dir, strerror(errno));
  for (int i = 0; i < 3; i++)
    if (copy_file(from[i], dir, name[i], b->d) != 0)
      return -1;
  return 0;
}

static int compile(build *b) {
  dgc_cc_plan p = {.target = b->target,
                   .cc = b->o->cc,
                   .cflags = b->o->cflags,
                   .opt_level = b->o->opt_level,
                   .memcheck = b->memcheck,
                   .static_link = b->o->static_link,
                   .incdir = b->o->paths.incdir,
                   .libdir = b->runtime.libdir,
                   .source = b->glue_c,
                   .more_sources = (const char *const *)b->more,
                   .output = b->out_tmp};
  dgc_argv a = {0};
  int rc = dgc_runtime_get(b->target, &b->o->paths, b->o->cc, b->o->verbose,
                           &b->runtime, b->d);

  if (rc == 0)
    rc = dgc_plan_cc(&a, &p, b->d);

  if (rc == 0)
    rc = run_tool(b, &a, "the C compiler", NULL);
  dgc_argv_free(&a);
  return rc;
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
  if (dgc_target_memcheck(b->target, o->memcheck, &b->memcheck, b->d) != 0 ||
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
  return 0;
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
  if (read_module(b) != 0 || check(b) != 0)
    return -1;
  stage(b, 2, "wasm2c");
  if (translate(b) != 0 || translate_more(b) != 0)
    return -1;
  stage(b, 3, "glue");
  if (write_glue(b) != 0 || emit_c(b) != 0)
    return -1;
  stage(b, 4, "cc");
  if (compile(b) != 0)
    return -1;
  return install(b);
}

int dgc_compile(const dgc_options *o, dgc_diag *d) {
  build b = {.o = o, .d = d};
  int rc = run_stages(&b);

  if (b.have_abi)
    dgc_abi_free(&b.abi);
  if (b.have_mod)
    dgc_module_free(&b.mod);
  free(b.bytes);
  free(b.header);
  free(b.more);
  dgc_tmp_reset();
  return rc;
}
