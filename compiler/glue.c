/* The glue between a wasm2c-translated module and the Dagger runtime.
 *
 * The glue file is templates/glue-main.c verbatim (main(): runtime set-up,
 * trap handling, exit status), followed by the part written here for one
 * module, which defines the template's dagger_glue_* interface: one struct
 * per imported module, one thunk per imported call, an imported memory, the
 * compiled-in policy, and the calls into the module. wasm2c's names come
 * from names.c. The glue includes the module's C file last, so that one
 * compiler process builds the whole program (measured fastest). */
#include "compiler.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* How each call reaches the runtime: wasm2c passes every i32 as u32; the
 * descriptor parameters of the runtime are int32_t. */
static const struct {
  const char *fn;
  unsigned nparams;
  bool fd_first;
} calls[] = {
    [DGC_CALL_OPEN] = {"dagger_open", 2, false},
    [DGC_CALL_CLOSE] = {"dagger_close", 1, true},
    [DGC_CALL_READ] = {"dagger_read", 3, true},
    [DGC_CALL_WRITE] = {"dagger_write", 3, true},
    [DGC_CALL_FLUSH] = {"dagger_flush", 1, true},
};

/* Each import module's struct is a static instance named after the module's
 * index in instantiate's order (mods). */
typedef struct glue_ctx {
  FILE *out;
  const dgc_glue *g;
  const char **mods;
  size_t nmods;
} glue_ctx;

static size_t mod_index(const glue_ctx *c, const char *module) {
  size_t i = 0;
  while (i < c->nmods && strcmp(c->mods[i], module) != 0)
    i++;
  return i;
}

void dgc_put_literal(FILE *out, const char *s, bool string) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\' || (string && ch == '?'))
      fprintf(out, "\\%c", ch);
    else if (ch < 0x20 || ch >= 0x7f)
      fprintf(out, "\\%03o", ch);
    else
      fputc(ch, out);
  }
  fputc('"', out);
}

void dgc_put_comment_text(FILE *out, const char *s) {
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    bool ends = ch == '*' && s[1] == '/';
    fputc(ch < 0x20 || ch >= 0x7f || ends ? '?' : ch, out);
  }
}

static int emit_structs(glue_ctx *c) {
  const dgc_abi *abi = c->g->abi;

  for (size_t i = 0; i < c->nmods; i++) {
    char *st = dgc_w2c_import_struct(c->mods[i]);
    bool has_mem = abi->memory == DGC_MEM_IMPORTED &&
                   strcmp(abi->memory_module, c->mods[i]) == 0;
    if (!st)
      return -1;
    fprintf(c->out, "struct %s {\n  dagger_rt *rt;\n", st);
    if (has_mem)
      fprintf(c->out, "  wasm_rt_memory_t memory;\n");
    fprintf(c->out, "};\nstatic struct %s dagger_glue_import%zu;\n\n", st, i);
    free(st);
  }
  return 0;
}

/* fd_read and fd_write, the calls every libc program makes most, have
 * entries of their own (dagger_wasi_fd_read/_write: the same hooks, the
 * arguments in registers). */
static bool direct_entry(const char *name) {
  return !strcmp(name, "fd_read") || !strcmp(name, "fd_write");
}

/* A WASI thunk passes its arguments as the runtime's 64-bit words to
 * dagger_wasi_call, which every engine goes through: the limits see a
 * system call there and the statistics count it (docs/limits.md);
 * proc_exit then unwinds the guest (templates/glue-main.c). */
static void emit_wasi_thunk(glue_ctx *c, const dgc_binding *b, const char *fn,
                            const char *st) {
  const dgc_wasi_fn *w = &dgc_wasi_fns[b->wasi];
  size_t n = strlen(w->params);
  bool result = w->results[0] != '\0';

  fprintf(c->out, "%s %s(struct %s *i", result ? "u32" : "void", fn, st);
  for (size_t k = 0; k < n; k++)
    fprintf(c->out, ", %s a%zu", w->params[k] == 'I' ? "u64" : "u32", k);
  fprintf(c->out, ") {\n");
  if (n && !direct_entry(w->name)) {
    fprintf(c->out, "  const uint64_t a[%zu] = {", n);
    for (size_t k = 0; k < n; k++)
      fprintf(c->out, "%sa%zu", k ? ", " : "", k);
    fprintf(c->out, "};\n");
  }
  if (direct_entry(w->name)) {
    fprintf(c->out,
            "  return (u32)dagger_wasi_%s(i->rt, a0, a1, a2, a3);\n}\n\n",
            w->name);
    return;
  }
  fprintf(c->out, "  %sdagger_wasi_call(i->rt, DAGGER_WASI_%s, %s);\n",
          result ? "return (u32)" : "", w->name, n ? "a" : "NULL");
  if (!result)
    fprintf(c->out, "  dagger_glue_exit();\n");
  fprintf(c->out, "}\n\n");
}

static int emit_thunk(glue_ctx *c, const dgc_binding *b) {
  char *fn = dgc_w2c_import(b->module, b->name);
  char *st = dgc_w2c_import_struct(b->module);

  if (fn && st && b->call == DGC_CALL_WASI) {
    emit_wasi_thunk(c, b, fn, st);
  } else if (fn && st) {
    unsigned n = calls[b->call].nparams;
    fprintf(c->out, "u32 %s(struct %s *i", fn, st);
    for (unsigned k = 0; k < n; k++)
      fprintf(c->out, ", u32 a%u", k);
    fprintf(c->out, ") {\n  return (u32)%s(i->rt", calls[b->call].fn);
    for (unsigned k = 0; k < n; k++)
      fprintf(c->out, ", %sa%u",
              k == 0 && calls[b->call].fd_first ? "(int32_t)" : "", k);
    fprintf(c->out, ");\n}\n\n");
  }
  free(fn);
  free(st);
  return fn && st ? 0 : -1;
}

/* An imported memory lives in its module's struct; wasm2c asks for it
 * through an accessor the host defines. */
static int emit_memory_import(glue_ctx *c) {
  const dgc_abi *abi = c->g->abi;
  char *fn, *st;

  if (abi->memory != DGC_MEM_IMPORTED)
    return 0;
  fn = dgc_w2c_import(abi->memory_module, abi->memory_name);
  st = dgc_w2c_import_struct(abi->memory_module);
  if (fn && st)
    fprintf(c->out,
            "wasm_rt_memory_t *%s(struct %s *i) {\n  return &i->memory;\n}\n\n",
            fn, st);
  free(fn);
  free(st);
  return fn && st ? 0 : -1;
}

static void emit_rules(FILE *out, const char *name, const char *const *rules,
                       size_t n) {
  fprintf(out, "const char *const %s[] = {", name);
  for (size_t i = 0; i < n; i++) {
    dgc_put_literal(out, rules[i], true);
    fputs(", ", out);
  }
  fputs("NULL};\n", out);
}

static void emit_policy(glue_ctx *c) {
  const dgc_policy *p = c->g->policy;

  size_t nenv = 0;

  while (c->g->env && c->g->env[nenv])
    nenv++;
  emit_rules(c->out, "dagger_glue_allow", p->allow, p->nallow);
  emit_rules(c->out, "dagger_glue_deny", p->deny, p->ndeny);
  emit_rules(c->out, "dagger_glue_env", c->g->env, nenv);
  fprintf(c->out, "const int dagger_glue_default_allow = %d;\n\n",
          dgc_policy_default_allow(p));
  dgc_emit_limits(c->out, c->g->limits);
}

/* Pages as wasm_rt_allocate_memory takes them: no maximum is 65536. */
static uint32_t max_pages(uint64_t max) {
  return max > 65536 ? 65536 : (uint32_t)max;
}

static void emit_init(glue_ctx *c) {
  const dgc_module *m = c->g->mod;
  const dgc_abi *abi = c->g->abi;

  fprintf(c->out, "void dagger_glue_init(dagger_rt *rt) {\n  %s();\n",
          DGC_W2C_INIT_MODULE);
  for (size_t i = 0; i < c->nmods; i++)
    fprintf(c->out, "  dagger_glue_import%zu.rt = rt;\n", i);
  if (abi->memory == DGC_MEM_IMPORTED)
    fprintf(c->out,
            "  wasm_rt_allocate_memory(&dagger_glue_import%zu.memory, "
            "%" PRIu32 ", %" PRIu32 ");\n",
            mod_index(c, abi->memory_module), (uint32_t)m->mem_min,
            max_pages(m->mem_max));
  if (abi->wasi)
    fprintf(c->out, "  dagger_wasi_init(rt);\n");
  if (c->nmods == 0 && !abi->wasi)
    fprintf(c->out, "  (void)rt;\n");
  fprintf(c->out, "}\n\n");
}

static void emit_memory(glue_ctx *c) {
  const dgc_abi *abi = c->g->abi;

  fprintf(c->out, "dagger_memory dagger_glue_memory(void) {\n");
  if (abi->memory == DGC_MEM_NONE) {
    fprintf(c->out, "  return (dagger_memory){.base = NULL, .pages = NULL, "
                    ".reversed = DAGGER_GLUE_REVERSED};\n}\n\n");
    return;
  }
  if (abi->memory == DGC_MEM_IMPORTED)
    fprintf(c->out,
            "  wasm_rt_memory_t *mem = &dagger_glue_import%zu.memory;\n",
            mod_index(c, abi->memory_module));
  else
    fprintf(c->out, "  wasm_rt_memory_t *mem = &dagger_glue_instance.%s;\n",
            c->g->memory_field);
  fprintf(c->out, "  return (dagger_memory){.base = &mem->data, "
                  ".pages = &mem->pages, .reversed = DAGGER_GLUE_REVERSED};\n"
                  "}\n\n");
}

static int emit_calls(glue_ctx *c) {
  const dgc_abi *abi = c->g->abi;
  char *entry = dgc_w2c_export(abi->entry);

  if (!entry)
    return -1;
  fprintf(c->out,
          "void dagger_glue_instantiate(void) {\n  %s(&dagger_glue_instance",
          DGC_W2C_INSTANTIATE);
  for (size_t i = 0; i < c->nmods; i++)
    fprintf(c->out, ", &dagger_glue_import%zu", i);
  fprintf(c->out, ");\n}\n\n");
  /* A function of its own, not inlined into main's trap handling, so that
   * a trap in the entry's code that the C compiler inlined here is still
   * named (the glue's name table maps it to the entry, where.c). The
   * entry's wrapper itself must stay inlinable: called through it with
   * the instance's address unknown, n-body ran 1.2x slower. */
  fprintf(c->out, "__attribute__((noinline)) int dagger_glue_entry(void) {\n");
  if (abi->entry_kind == DGC_ENTRY_VOID)
    fprintf(c->out, "  %s(&dagger_glue_instance);\n  return 0;\n}\n\n", entry);
  else
    fprintf(c->out, "  return (int)%s(&dagger_glue_instance);\n}\n\n", entry);
  fprintf(c->out,
          "void dagger_glue_free(void) {\n  %s(&dagger_glue_instance);\n",
          DGC_W2C_FREE);
  if (abi->memory == DGC_MEM_IMPORTED)
    fprintf(c->out, "  wasm_rt_free_memory(&dagger_glue_import%zu.memory);\n",
            mod_index(c, abi->memory_module));
  fprintf(c->out, "}\n\n");
  free(entry);
  return 0;
}

typedef struct fn_pair {
  const char *cname, *name;
} fn_pair;

static int cmp_cname(const void *a, const void *b) {
  return strcmp(((const fn_pair *)a)->cname, ((const fn_pair *)b)->cname);
}

/* The table naming a trap's place (rt/wasm2c/where.c): the C name and
 * wasm name of each defined function, of each exported function's wrapper
 * (Z_mZ_NAME) and of dagger_glue_entry (the C compiler often inlines a
 * function into those), sorted by C name. No defined functions when wasm2c's
 * names are unknown. */
static int emit_func_names(glue_ctx *c) {
  const dgc_module *m = c->g->mod;
  uint32_t nf = c->g->func_cnames ? m->nfuncs : 0, n = 0;
  fn_pair *f = calloc((size_t)nf + m->nexports + 2, sizeof *f);
  char(*bufs)[32] = calloc((size_t)nf + m->nexports + 1, sizeof *bufs);
  char **wrappers = calloc((size_t)m->nexports + 1, sizeof *wrappers);
  int rc = f && bufs && wrappers ? 0 : -1;

  for (uint32_t i = 0; rc == 0 && i < nf; i++, n++)
    f[n] = (fn_pair){c->g->func_cnames[i],
                     dgc_func_name(m, m->nfuncimports + i, bufs[n], 32)};
  for (uint32_t i = 0; rc == 0 && i < m->nexports; i++) {
    const dgc_export *e = &m->exports[i];
    if (e->kind != DGC_EXT_FUNC || e->index < m->nfuncimports)
      continue;
    if (!(wrappers[i] = dgc_w2c_export(e->name)))
      rc = -1;
    else {
      f[n] = (fn_pair){wrappers[i], dgc_func_name(m, e->index, bufs[n], 32)};
      n++;
    }
  }
  /* The glue's call of the entry, into which its code may be inlined. */
  for (uint32_t i = 0; rc == 0 && i < m->nexports; i++)
    if (wrappers[i] && strcmp(m->exports[i].name, c->g->abi->entry) == 0) {
      f[n] = (fn_pair){"dagger_glue_entry",
                       dgc_func_name(m, m->exports[i].index, bufs[n], 32)};
      n++;
      break;
    }
  if (rc == 0) {
    qsort(f, n, sizeof *f, cmp_cname);
    fputs("const dagger_w2c_func dagger_glue_fns[] = {\n", c->out);
    for (uint32_t i = 0; i < n; i++) {
      fputs("    {", c->out);
      dgc_put_literal(c->out, f[i].cname, true);
      fputs(", ", c->out);
      dgc_put_literal(c->out, f[i].name, true);
      fputs("},\n", c->out);
    }
    fprintf(c->out, "%s};\nconst size_t dagger_glue_nfns = %" PRIu32 ";\n\n",
            n ? "" : "    {NULL, NULL},\n", n);
  }
  for (uint32_t i = 0; wrappers && i < m->nexports; i++)
    free(wrappers[i]);
  free(wrappers);
  free(f);
  free(bufs);
  return rc;
}

/* A function imported twice under one name has one thunk. */
static bool imported_before(const dgc_abi *abi, uint32_t i) {
  for (uint32_t k = 0; k < i; k++)
    if (!strcmp(abi->bindings[k].module, abi->bindings[i].module) &&
        !strcmp(abi->bindings[k].name, abi->bindings[i].name))
      return true;
  return false;
}

static int emit_module_part(glue_ctx *c) {
  const dgc_abi *abi = c->g->abi;

  fputs("\n/* ---- generated by daggercc for ", c->out);
  dgc_put_comment_text(c->out, c->g->source);
  fputs(" ---- */\n", c->out);
  fprintf(c->out, "#include \"%s\"\n\nstatic %s dagger_glue_instance;\n\n",
          DGC_MODULE_H, DGC_W2C_INSTANCE_T);
  if (emit_structs(c) != 0)
    return -1;
  for (uint32_t i = 0; i < abi->nbindings; i++)
    if (!imported_before(abi, i) && emit_thunk(c, &abi->bindings[i]) != 0)
      return -1;
  if (emit_memory_import(c) != 0)
    return -1;
  emit_policy(c);
  if (emit_func_names(c) != 0)
    return -1;
  if (c->g->note)
    dgc_note_emit(c->out, c->g->note, c->g->note_len);
  emit_init(c);
  emit_memory(c);
  if (emit_calls(c) != 0)
    return -1;
  fprintf(c->out,
          "/* The module itself, in this translation unit. */\n"
          "#include \"%s\"\n",
          DGC_MODULE_C);
  return 0;
}

int dgc_emit_glue(FILE *out, const dgc_glue *g, dgc_diag *d) {
  glue_ctx c = {.out = out, .g = g};
  int rc;

  if (g->abi->memory == DGC_MEM_DEFINED && !g->memory_field)
    return dgc_fail(d, "glue: the defined memory's field is unknown");
  c.mods = malloc((g->abi->nbindings + 1) * sizeof *c.mods);
  if (!c.mods)
    return dgc_fail(d, "out of memory");
  c.nmods = dgc_w2c_import_modules(g->abi, c.mods);
  fwrite(dgc_template_glue_main, 1, dgc_template_glue_main_size, out);
  if (g->static_link)
    fwrite(dgc_template_glue_static, 1, dgc_template_glue_static_size, out);
  rc = emit_module_part(&c);
  free(c.mods);
  if (rc != 0)
    return dgc_fail(d, "out of memory");
  if (fflush(out) != 0 || ferror(out))
    return dgc_fail(d, "cannot write the glue");
  return 0;
}

int dgc_policy_default_allow(const dgc_policy *p) {
  return p->nallow == 0;
}

void dgc_policy_print(FILE *out, const dgc_policy *p) {
  for (size_t i = 0; i < p->ndeny; i++)
    fprintf(out, "deny  %s\n", p->deny[i]);
  for (size_t i = 0; i < p->nallow; i++)
    fprintf(out, "allow %s\n", p->allow[i]);
  fprintf(out, "default %s\n", dgc_policy_default_allow(p) ? "allow" : "deny");
}
