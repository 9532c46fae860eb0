/* Internal interface of the daggercc compiler library, sectioned by file.
 * Library code returns errors (a message in a dgc_diag) and never exits or
 * prints to stdout. */
#ifndef DAGGERCC_COMPILER_H
#define DAGGERCC_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- diag.c: error messages ------------------------------------------- */
typedef struct dgc_diag {
  char msg[512]; /* one line, no trailing newline, no "daggercc: " prefix */
} dgc_diag;

/* Formats into d->msg; always returns -1 so callers can `return dgc_fail()`. */
int dgc_fail(dgc_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copies the module-supplied name s into out (size bytes) for use in a
 * message: control characters escaped as \xNN so the message stays one line,
 * names too long for out cut with "...". Returns out. */
const char *dgc_printable(char *out, size_t size, const char *s);
/* Writes s with the same escapes (control bytes as \xNN), uncut. */
void dgc_put_escaped(FILE *out, const char *s);
/* One whole message line: "TOOL: " + the formatted text escaped as above
 * + newline, so that no name in it can break the line or reach the
 * terminal as a control sequence. The drivers print every error and note
 * through this. */
void dgc_print_error(FILE *out, const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- wasmread.c: the module reader --------------------------------------
 * Reads the binary format itself: header, type, import, function, table,
 * memory, global, export, start, code (locals only); other sections are
 * skipped by size. Survives any input: every length is checked against the
 * end of its section before use. */
enum {
  DGC_I32 = 0x7f,
  DGC_I64 = 0x7e,
  DGC_F32 = 0x7d,
  DGC_F64 = 0x7c,
  DGC_V128 = 0x7b,
  DGC_FUNCREF = 0x70,
  DGC_EXTERNREF = 0x6f,
};

enum {
  DGC_EXT_FUNC = 0,
  DGC_EXT_TABLE = 1,
  DGC_EXT_MEMORY = 2,
  DGC_EXT_GLOBAL = 3,
  DGC_EXT_TAG = 4
};

typedef struct dgc_functype {
  uint32_t nparams, nresults;
  uint8_t *params, *results; /* value type bytes */
} dgc_functype;

typedef struct dgc_import {
  char *module, *name; /* NUL-terminated copies (names may not hold NUL) */
  uint8_t kind;        /* DGC_EXT_* */
  uint32_t type;       /* DGC_EXT_FUNC: type index */
  uint32_t offset;     /* byte offset of this import entry in the file */
} dgc_import;

typedef struct dgc_export {
  char *name;
  uint8_t kind;
  uint32_t index;
} dgc_export;

typedef struct dgc_module {
  uint32_t ntypes;
  dgc_functype *types;
  uint32_t nimports;
  dgc_import *imports;
  uint32_t nfuncimports; /* function index space starts with these */
  uint32_t nfuncs;       /* defined functions */
  uint32_t *func_types;  /* type index of each defined function */
  uint32_t nexports;
  dgc_export *exports;
  bool has_memory;      /* defined or imported */
  bool memory_imported; /* then imports[memory_import] names it */
  uint32_t memory_import;
  bool memory64;
  bool memory_shared; /* threads' shared memory (wasm2c 1.0.32 refuses it) */
  uint64_t mem_min, mem_max; /* pages; mem_max UINT64_MAX when absent */
  bool has_start;
  uint32_t start;
  bool uses_simd;   /* v128 seen in a type, global or local declaration */
  uint32_t nfnames; /* the name section's function names, if it has any */
  struct dgc_funcname {
    uint32_t index; /* function index (imports first) */
    char *name;
  } * fnames;
} dgc_module;

/* 0 on success; -1 with a message naming the byte offset
 * ("at byte 0x1c: section 3 runs past the end of the file"). */
int dgc_read_module(const uint8_t *buf, size_t len, dgc_module *m, dgc_diag *d);
void dgc_module_free(dgc_module *m);
/* The name to show for function index `func` in a trap: the name
 * section's, else an export's, else "function N" written into buf. */
const char *dgc_func_name(const dgc_module *m, uint32_t func, char *buf,
                          size_t size);
/* The function type of function index `func` (imports first), or NULL. */
const dgc_functype *dgc_func_type(const dgc_module *m, uint32_t func);

/* ---- abi.c: the check against the Dagger ABI ----------------------------
 * Every function import must be one of the five calls (or `sync`, the old
 * name of flush) from module `dagger` or `env`, with the exact signature;
 * a memory import must come from `dagger` or `env`; no other imports. */
typedef enum dgc_call {
  DGC_CALL_OPEN,
  DGC_CALL_CLOSE,
  DGC_CALL_READ,
  DGC_CALL_WRITE,
  DGC_CALL_FLUSH,
  DGC_CALL_WASI, /* a WASI preview1 function: dgc_binding.wasi says which */
} dgc_call;

typedef struct dgc_binding {
  const char *module, *name; /* as imported (point into the dgc_module) */
  dgc_call call;
  int wasi; /* DGC_CALL_WASI: the function's index in dgc_wasi_fns */
} dgc_binding;

typedef enum dgc_entry_kind {
  DGC_ENTRY_I32,  /* () -> i32: its result is the exit status */
  DGC_ENTRY_VOID, /* _start () -> (): exit status 0 */
} dgc_entry_kind;

typedef struct dgc_abi {
  uint32_t nbindings; /* one per function import, in import order */
  dgc_binding *bindings;
  const char *entry; /* export name: dagger_main, main or _start */
  dgc_entry_kind entry_kind;
  enum { DGC_MEM_NONE, DGC_MEM_DEFINED, DGC_MEM_IMPORTED } memory;
  const char *memory_module, *memory_name; /* when imported */
  bool wasi; /* imports from wasi_snapshot_preview1: a WASI command */
} dgc_abi;

/* 0 on success; -1 with a message such as
 * "import dagger.frobnicate: not part of the Dagger ABI" or
 * "import dagger.open: signature (i32) -> i32, expected (i32, i32) -> i32"
 * or "no entry point: export dagger_main, main or _start". */
int dgc_check_abi(const dgc_module *m, dgc_abi *abi, dgc_diag *d);
void dgc_abi_free(dgc_abi *abi);
/* The call's name in the runtime: "open", ... */
const char *dgc_call_name(dgc_call c);

/* ---- wasi.c: the WASI preview1 import table ------------------------------
 * Read from rt/include/dagger/wasi-imports.h (generated from the witx), the
 * one table the ABI check, the glue and the interpreter share. */
#define DGC_WASI_MODULE "wasi_snapshot_preview1"

typedef struct dgc_wasi_fn {
  const char *name;
  const char *params, *results; /* core types, a letter each: i i32, I i64 */
} dgc_wasi_fn;

extern const dgc_wasi_fn dgc_wasi_fns[];
extern const size_t dgc_wasi_nfns;
/* The index of the WASI function `name`, or -1. */
int dgc_wasi_find(const char *name);
/* The value type byte (DGC_I32/DGC_I64) of a table letter. */
uint8_t dgc_wasi_type(char letter);

/* ======== The build: names, glue, plan, spawning, compile ================ */
#include <stdio.h>

/* ---- names.c: wasm2c 1.0.32's naming (the one place that knows it) ------
 * daggercc runs `wasm2c -n m`, so the module's own symbols are Z_m_... */
#define DGC_W2C_MODULE "m"
#define DGC_W2C_INSTANCE_T "Z_m_instance_t"
#define DGC_W2C_INIT_MODULE "Z_m_init_module"
#define DGC_W2C_INSTANTIATE "Z_m_instantiate"
#define DGC_W2C_FREE "Z_m_free"
/* Generated files get fixed names, never the input's: wasm2c's NAME.c
 * includes "NAME.h", and an endian.h or string.h next to it would shadow the
 * system header. */
#define DGC_MODULE_C "daggercc-module.c"
#define DGC_MODULE_H "daggercc-module.h"
#define DGC_GLUE_C "daggercc-glue.c"
#define DGC_DATA_S "daggercc-data.s"     /* data.c: the data segments */
#define DGC_DATA_BIN "daggercc-data.bin" /* their bytes, for .incbin */

/* wasm2c's mangling of a name, without the "Z_" prefix: bytes outside
 * [A-Za-z0-9_] and 'Z' itself become 'Z' + two upper-case hex digits.
 * These return malloc'd strings, NULL when out of memory. */
char *dgc_mangle(const char *name);
/* "Z_<module>Z_<name>": an imported function or memory accessor. */
char *dgc_w2c_import(const char *module, const char *name);
/* "Z_<module>_instance_t": the struct the host defines per import module. */
char *dgc_w2c_import_struct(const char *module);
/* "Z_mZ_<name>": the function of an export. */
char *dgc_w2c_export(const char *name);
/* The imported module names in the order instantiate takes their instance
 * pointers; out has room for abi->nbindings + 1. Returns the count. */
size_t dgc_w2c_import_modules(const dgc_abi *abi, const char **out);
/* Finds the defined memory's field ("w2c_memory", "w2c_M0", ...) in the
 * text of the generated header. 0, or -1 with a message. */
int dgc_w2c_memory_field(const char *header, char *field, size_t size,
                         dgc_diag *d);
/* Fixes the text of the generated C (*text, malloc'd, replaced): wasm2c
 * 1.0.32's memory.fill and memory.copy for big-endian targets, and its
 * guest loads and stores replaced by templates/module-access.c. 0, or -1
 * with a message when the text is not what 1.0.32 writes. */
int dgc_w2c_fix_module(char **text, dgc_diag *d);

/* The C function wasm2c made of each defined function (nfuncs, in order),
 * read from its prototypes in the module's C: *out (malloc'd names), or
 * NULL when the text is not laid out as 1.0.32 lays it out. -1 only when
 * out of memory. */
int dgc_w2c_func_cnames(const char *text, uint32_t nfuncs, char ***out,
                        dgc_diag *d);
void dgc_w2c_free_names(char **names, uint32_t n);

/* ---- glue.c: the generated glue ------------------------------------------
 * The compiled-in policy: rules are stored and passed to the runtime as they
 * are (rt/policy.c matches them). With any allow rule, a URL no rule names is
 * denied; otherwise it is allowed. */
typedef struct dgc_policy {
  const char *const *allow;
  size_t nallow;
  const char *const *deny;
  size_t ndeny;
} dgc_policy;

int dgc_policy_default_allow(const dgc_policy *p);
/* What a program built with p allows, for --print-policy. */
void dgc_policy_print(FILE *out, const dgc_policy *p);

/* ---- limits.c: the limits compiled in -----------------------------------
 * As the runtime's dagger_limits: 0 in a field is no limit. */
typedef struct dgc_limits {
  uint32_t max_pages;  /* --max-memory, in 64 KiB pages */
  uint64_t timeout_ms; /* --timeout */
  uint64_t cpu_ms;     /* --cpu-time */
} dgc_limits;

/* Writes the glue's definition of dagger_glue_limits (l NULL: none). */
void dgc_emit_limits(FILE *out, const dgc_limits *l);

typedef struct dgc_glue {
  const dgc_module *mod;
  const dgc_abi *abi;
  const char *memory_field; /* DGC_MEM_DEFINED: from dgc_w2c_memory_field */
  const dgc_policy *policy;
  const char *const *env;   /* --env specs (NAME or NAME=VALUE), NULL-ended */
  const dgc_limits *limits; /* NULL: none */
  const char *source;       /* the input's name, for the header comment */
  bool static_link;         /* --static: append templates/glue-static.c */
  char **func_cnames;       /* dgc_w2c_func_cnames: per defined function */
  const char *note;         /* the note's descriptor (note.c), or NULL */
  size_t note_len;
} dgc_glue;

/* Writes the whole glue: the template, then the module's part. 0, or -1
 * with a message (out of memory, write error). */
int dgc_emit_glue(FILE *out, const dgc_glue *g, dgc_diag *d);
/* Writes s as text inside a C comment: printable ASCII only (other bytes
 * become '?'), and never a comment end. */
void dgc_put_comment_text(FILE *out, const char *s);
/* Writes s as a double-quoted C literal of any bytes. With string, '?' is
 * escaped too (against trigraphs); without, for the name in #line or
 * #include, it is not: that name is no string literal, and "\?" there would
 * name another file. */
void dgc_put_literal(FILE *out, const char *s, bool string);

/* templates/glue-main.c, embedded at build time (template-glue-main.c). */
extern const unsigned char dgc_template_glue_main[];
extern const size_t dgc_template_glue_main_size;
/* templates/glue-static.c: appended to the glue of a --static program. */
extern const unsigned char dgc_template_glue_static[];
extern const size_t dgc_template_glue_static_size;
/* templates/module-access.c: inserted into the module's C (names.c). */
extern const unsigned char dgc_template_module_access[];
extern const size_t dgc_template_module_access_size;

/* ---- linkmsg.c: the linker's output of a --static link ------------------
 * Writes text to out without glibc's warnings about getaddrinfo and
 * gethostbyname in static programs (and ld's "in function" line before
 * each): harmless for daggercc's programs, alarming on every link. */
void dgc_linkmsg_filter(const char *text, FILE *out);

/* ---- strbuf.c: a growing byte buffer ------------------------------------
 * p holds n bytes and a NUL after them (once anything was put; p is NULL
 * before). oom sticks: after a failed allocation nothing more is put. */
typedef struct dgc_buf {
  char *p;
  size_t n, cap;
  bool oom;
} dgc_buf;

/* Room for n more bytes (and the NUL); false when out of memory. */
bool dgc_buf_reserve(dgc_buf *b, size_t n);
/* Appends n bytes of s (nothing when n is 0). */
void dgc_buf_put(dgc_buf *b, const void *s, size_t n);

/* ---- note.c: what built a program, as an ELF note (--inspect) ---------- */
typedef struct dgc_note_info {
  const char *target, *bounds;
  const char *module_sha256; /* of the binary module compiled */
  bool static_link;
  int opt_level;
  const dgc_policy *policy;
  const char *const *env;    /* --env specs, NULL-ended, or NULL */
  const char *const *limits; /* "NAME=VALUE", NULL-ended, or NULL */
  const char *const *flags;  /* daggercc's words, NULL-ended, or NULL */
  const char *cc, *cflags;   /* $CC, $CFLAGS, or NULL */
} dgc_note_info;

/* The note's descriptor: NUL-terminated "key=value" strings (note.c says
 * which), malloc'd into *desc. 0, or -1 with a message. */
int dgc_note_build(const dgc_note_info *in, char **desc, size_t *len,
                   dgc_diag *d);
/* Writes the C definition of the note holding desc (for the glue). */
void dgc_note_emit(FILE *out, const char *desc, size_t len);
/* Reads the descriptor of the daggercc note of the ELF file path (any
 * class and byte order) into *desc (malloc'd, NUL after *len bytes). 0, or
 * -1 with a message starting with the path: "not a daggercc program (...)"
 * for a file that is none. */
int dgc_note_read(const char *path, char **desc, size_t *len, dgc_diag *d);
/* Prints a descriptor as "key: value" lines, or as one JSON object. */
void dgc_note_print(FILE *out, const char *desc, size_t len, bool json);

/* ---- plan.c: tool command lines from config.h ------------------------- */
typedef struct dgc_argv {
  char **v; /* NULL-terminated once n > 0 */
  size_t n, cap;
  bool oom; /* sticky: a push failed */
} dgc_argv;

void dgc_argv_push(dgc_argv *a, const char *s);
/* Pushes the words of s, split on blanks (for $CC and $CFLAGS). */
void dgc_argv_split(dgc_argv *a, const char *s);
/* $CC and $CFLAGS words longer than this are refused, not cut. */
enum { DGC_WORD_MAX = 4095 };
/* -1 with a message naming what ("CFLAGS") when a word of s is longer
 * than DGC_WORD_MAX; s may be NULL. */
int dgc_check_words(const char *what, const char *s, dgc_diag *d);
void dgc_argv_free(dgc_argv *a);

/* A memory-check strategy (--bounds): every translation unit of a program
 * gets the same defines (blank-separated), and the wasm2c runtime library
 * built with them is linked. */
typedef struct dgc_memcheck {
  const char *name, *defines, *lib;
} dgc_memcheck;

/* NULL when there is no such strategy (target.c says which a target may
 * use and which is its default). */
const dgc_memcheck *dgc_memcheck_find(const char *name);

typedef struct dgc_target dgc_target;

typedef struct dgc_cc_plan {
  const dgc_target *target;
  const char *cc;     /* $CC (may be "ccache gcc") or NULL: the target's */
  const char *cflags; /* $CFLAGS or NULL: appended after daggercc's flags */
  int opt_level;      /* 0..3 */
  const dgc_memcheck *memcheck;
  bool static_link;                /* --static */
  const char *static_https;        /* --static: the folder of libcurl.a,
                                    * libssl.a, libcrypto.a, or NULL */
  const char *incdir, *libdir;     /* the runtime's */
  const char *source;              /* the glue; it includes the module's C */
  const char *const *more_sources; /* NULL-terminated, or NULL (--harness) */
  const char *output;
  bool compile_only; /* -c: source to the object output, no link */
} dgc_cc_plan;

/* Each returns 0, or -1 with a message (out of memory). */
int dgc_plan_wat2wasm(dgc_argv *a, const char *in, const char *out,
                      dgc_diag *d);
int dgc_plan_validate(dgc_argv *a, const char *in, bool simd, dgc_diag *d);
/* The wasm2c to run: p's patched one, else Debian's (DGC_WASM2C). */
struct dgc_paths;
const char *dgc_wasm2c(const struct dgc_paths *p);
int dgc_plan_wasm2c(dgc_argv *a, const char *in, const char *out_c,
                    dgc_diag *d);
/* The same with the wasm2c exe (dgc_wasm2c) under another module name
 * (--harness: dgc_harness_module_name). */
int dgc_plan_wasm2c_named(dgc_argv *a, const char *exe, const char *in,
                          const char *out_c, const char *name, dgc_diag *d);
int dgc_plan_cc(dgc_argv *a, const dgc_cc_plan *p, dgc_diag *d);
/* Compiling one runtime source file for a target. */
typedef struct dgc_rtcc_plan {
  const dgc_target *target;
  const char *cc;               /* NULL: the target's */
  const dgc_memcheck *memcheck; /* wasm2c/ sources only, else NULL */
  bool curl;                    /* build http(s) against curl's headers */
  const char *const *incdirs;   /* NULL-terminated */
  const char *source, *output;
} dgc_rtcc_plan;

int dgc_plan_runtime_cc(dgc_argv *a, const dgc_rtcc_plan *p, dgc_diag *d);
/* ar rcs LIB OBJS... */
int dgc_plan_ar(dgc_argv *a, const dgc_target *t, const char *lib,
                char *const *objs, size_t nobjs, dgc_diag *d);

/* ---- wat.c: instruction names of the text format before 2019 ---------- */
/* The WAT text src (n bytes) with every legacy instruction name (get_local,
 * i32.wrap/i64, current_memory, anyfunc, ...) replaced by today's, outside
 * strings and comments: malloc'd, NUL-terminated, its length in *out_n.
 * *count is the number of names replaced and *first (if not NULL) the
 * first one's old spelling. NULL when out of memory. */
char *dgc_wat_modernise(const char *src, size_t n, size_t *out_n, size_t *count,
                        const char **first);

/* ---- spawn.c: running tools, temporary files -------------------------- */
/* Prints argv on one line, each word quoted for a POSIX shell when needed. */
void dgc_print_command(FILE *out, char *const *argv);
/* Runs argv[0] (looked up in PATH) and waits. With capture, the child's
 * stderr is collected into *capture (malloc'd, NUL-terminated) instead of
 * shown. Returns the exit status (0-255), or -1 with a message when the
 * tool could not be started or was killed by a signal (named). */
int dgc_run(char *const *argv, bool verbose, char **capture, dgc_diag *d);
/* At most this many children run at once (dgc_run_parallel's jobs). */
enum { DGC_MAX_JOBS = 64 };
/* Runs the n commands (argv arrays), at most jobs (1..DGC_MAX_JOBS) at a
 * time, each like dgc_run without capture; done(ctx, i), when not NULL, is
 * called as command i succeeds. After a failure no command starts and the
 * running ones are waited for. 0 when every command exited 0, else -1 with
 * a message naming the first that did not. */
int dgc_run_parallel(char **const *cmds, size_t n, unsigned jobs, bool verbose,
                     void (*done)(void *ctx, size_t i), void *ctx, dgc_diag *d);
/* Each child runs in a process group of its own (stdin /dev/null). This
 * sends sig to the running child's group, if any, waits for the child, then
 * SIGKILLs whatever is left of the group (a compiler driver's cc1, as, ld).
 * Async-signal-safe. */
void dgc_kill_child(int sig);

/* The temporary-file registry: everything registered is removed by
 * dgc_tmp_cleanup (async-signal-safe, so it may run from a signal handler
 * and from atexit) unless dgc_tmp_keep was called for it. */
/* Creates a private directory under tmpdir (NULL: /tmp). */
int dgc_tmp_dir(const char *tmpdir, char **path, dgc_diag *d);
/* dir/name, registered for removal; NULL when out of memory. The paths
 * these return belong to the registry. */
char *dgc_tmp_path(const char *dir, const char *name);
/* Creates an empty file named like `near` (same directory) with a unique
 * suffix: the output is linked there, then renamed onto `near`. */
int dgc_tmp_beside(const char *near, char **path, dgc_diag *d);
void dgc_tmp_keep(const char *path);
void dgc_tmp_cleanup(void);
/* Cleans up, then empties the registry and frees its paths (not from a
 * signal handler). */
void dgc_tmp_reset(void);

/* ---- files.c: inputs and outputs on a shared machine ------------------
 * Inputs must be regular files of at most DGC_INPUT_MAX bytes (far above
 * any real module: wasm's own limits keep modules to megabytes); a FIFO,
 * a device or a directory gets "not a regular file", without blocking. */
#define DGC_INPUT_MAX ((uint64_t)1 << 30)

/* "dir/name", malloc'd; NULL when out of memory. */
char *dgc_path_join(const char *dir, const char *name);

/* 0 when path is a readable regular file within the limit; else -1 with a
 * message without the path ("not a regular file"). */
int dgc_check_input(const char *path, dgc_diag *d);
/* Reads a whole input (checked as above) into *buf (malloc'd, with a NUL
 * after the *len bytes). 0, or -1 with a message without the path. */
int dgc_read_input(const char *path, uint8_t **buf, size_t *len, dgc_diag *d);
/* -1 with a message when output exists and is the same file as input (by
 * device and inode: another name, a hard or symbolic link). */
int dgc_check_not_input(const char *output, const char *input, dgc_diag *d);
/* 0 when path holds an ELF executable (ET_EXEC or ET_DYN) of t's machine,
 * word size and byte order; -1 with a message saying what it holds. */
int dgc_check_executable(const char *path, const dgc_target *t, dgc_diag *d);
/* A folder to write files into (--emit-c), created if missing: its fd, or
 * -1 with a message when it is owned by another user and writable by
 * others (a shared folder where names could be planted). */
int dgc_out_dir_open(const char *dir, dgc_diag *d);
/* Writes name in the folder dfd (named dir in messages): a new file under
 * a hidden name (O_EXCL|O_NOFOLLOW), renamed onto name, so an existing
 * file is replaced in one step and a symbolic link there is replaced,
 * never written through. 0, or -1 with a message. */
int dgc_out_dir_write(int dfd, const char *dir, const char *name,
                      const uint8_t *buf, size_t len, dgc_diag *d);

/* ---- sha256.c: SHA-256, for the cache's content hashes ---------------- */
enum { DGC_SHA256_HEX = 65 }; /* 64 hex digits and a NUL */
typedef struct dgc_sha256 {
  uint32_t h[8];
  uint64_t len;
  uint8_t buf[64];
} dgc_sha256;

void dgc_sha256_init(dgc_sha256 *s);
void dgc_sha256_update(dgc_sha256 *s, const void *data, size_t n);
void dgc_sha256_final(dgc_sha256 *s, char hex[DGC_SHA256_HEX]);

/* ---- cache.c: a private cache of built directories --------------------
 * Knows nothing of what entries hold. An entry is a flat directory named
 * by its key, holding files and a manifest (their sizes and SHA-256s,
 * written last). The root and every entry must be the user's and not
 * writable by others; no symbolic link in the cache is followed; an entry
 * is used only when every file matches its manifest and nothing else is
 * there; daggercc deletes only files a manifest of its own names.
 *
 * Use: dgc_cache_open; dgc_cache_find(key); when absent, dgc_cache_lock,
 * find again, then dgc_entry_begin(root), fill the directory,
 * dgc_entry_publish(tmp, root/key, 0700), unlock. */
#include <sys/types.h>

#define DGC_ENTRY_MANIFEST "daggercc-entry"

typedef struct dgc_cache {
  char *root;    /* absolute path */
  int fd;        /* the root, opened */
  int lock_wait; /* seconds dgc_cache_lock waits before giving up */
} dgc_cache;

/* Opens the cache at root (absolute), creating missing folders 0700
 * whatever the umask. lock_wait <= 0: 600 s. -1 with a message when root
 * is not a directory of the user's that only the user may write. */
int dgc_cache_open(dgc_cache *c, const char *root, int lock_wait, dgc_diag *d);
void dgc_cache_close(dgc_cache *c);
/* Looks up the entry `key` ([A-Za-z0-9._+-]): 1 with *path (malloc'd) when
 * it is there and verified; 0 when absent, or when it failed its check (it
 * is then removed, or moved aside to KEY.bad-PID when it holds files its
 * manifest does not name); -1 with a message when it cannot be used or
 * removed (not the user's, not a directory). */
int dgc_cache_find(dgc_cache *c, const char *key, char **path, dgc_diag *d);
/* Takes the lock root/NAME.lock (created 0600; refused when it is not the
 * user's), waiting at most c->lock_wait seconds; `what` ("building the
 * runtime for T") says what for in the waiting note and the message. The
 * fd, or -1 with a message. */
int dgc_cache_lock(dgc_cache *c, const char *name, const char *what,
                   dgc_diag *d);
void dgc_cache_unlock(int fd);
/* A shared lock on the cache's use (root/use.lock), held by every build
 * from its first look-up to its link: the fd (dgc_cache_unlock releases
 * it), or -1 with a message. */
int dgc_cache_use(dgc_cache *c, dgc_diag *d);
/* Least recently used first, removes entries until they take under three
 * quarters of max bytes, when they take more than max. It does nothing
 * while another build holds the use lock. *removed: how many went. */
int dgc_cache_prune(dgc_cache *c, unsigned long long max, size_t *removed,
                    dgc_diag *d);
enum { DGC_CACHE_MAX_MIB = 2048 }; /* the default cap: 2 GiB */
/* 0 when dir is an entry with the user's (root_ok: or root's) files that
 * match its manifest and nothing else; -1 with a message saying why not. */
int dgc_entry_verify(const char *dir, bool root_ok, dgc_diag *d);
/* A private temporary directory in parent to build an entry in (in the
 * temporary-file registry). */
int dgc_entry_begin(const char *parent, char **tmp, dgc_diag *d);
/* 0 when dest is absent, an empty directory or an entry daggercc made;
 * else -1 with a message (it is not daggercc's to replace). */
int dgc_entry_replaceable(const char *dest, dgc_diag *d);
/* Writes tmp's manifest (its files made unwritable by others), sets tmp's
 * mode, then replaces dest (see dgc_entry_replaceable) with it in one
 * rename. */
int dgc_entry_publish(const char *tmp, const char *dest, mode_t mode,
                      dgc_diag *d);

/* ---- objcache.c: compiled units in the cache, by content --------------- */
enum { DGC_OBJ_KEY = DGC_SHA256_HEX + 6 }; /* "shard-" + hex */

typedef struct dgc_objcache {
  dgc_cache cache;
  bool on;                   /* false: every look-up misses */
  char base[DGC_SHA256_HEX]; /* version, compiler identity, headers */
} dgc_objcache;

/* Opens the cache at root for objects compiled by cc_argv[0] against the
 * runtime headers in incdir. -1 with a message when it cannot be used
 * (the build then compiles without it). */
int dgc_objcache_open(dgc_objcache *oc, const char *root, char *const *cc_argv,
                      const char *incdir, bool verbose, dgc_diag *d);
void dgc_objcache_close(dgc_objcache *oc);
/* The key of the object that argv (compiling source into output) makes of
 * texts (NULL-terminated: everything the unit includes that varies). */
void dgc_objcache_key(const dgc_objcache *oc, char *const *argv,
                      const char *source, const char *output,
                      const char *const *texts, char key[DGC_OBJ_KEY]);
/* The cached object's path (malloc'd), or NULL when there is none. */
char *dgc_objcache_find(dgc_objcache *oc, const char *key);
/* Stores the object file obj under key. 0, or -1 with a message. */
/* The same for an entry holding a file of another name. */
char *dgc_objcache_find_file(dgc_objcache *oc, const char *key,
                             const char *name);
int dgc_objcache_put_file(dgc_objcache *oc, const char *key, const char *name,
                          const char *path, dgc_diag *d);

/* The program cache (a whole module's executable): what its key covers. */
typedef struct dgc_progkey {
  const uint8_t *module; /* the binary module */
  size_t module_len;
  const char *glue;   /* the glue, written with a placeholder memory field */
  char *const *link;  /* the final command, planned for placeholder paths */
  size_t shard_size;  /* in effect */
  const char *libdir; /* the runtime's libraries (every file is hashed) */
  const char *wasm2c; /* the wasm2c that runs (dgc_wasm2c; hashed) */
  const char *static_https; /* --static: the static libcurl's folder, or
                               NULL (every file is hashed) */
} dgc_progkey;
/* The key ("progr-" + hex, DGC_OBJ_KEY) of k's program in oc's cache. 0,
 * or -1 with a message (wasm2c or the libraries unreadable). */
int dgc_progcache_key(const dgc_objcache *oc, const dgc_progkey *k,
                      char key[DGC_OBJ_KEY], dgc_diag *d);
int dgc_objcache_put(dgc_objcache *oc, const char *key, const char *obj,
                     dgc_diag *d);

/* ---- target.c: the targets (config.h's table, compiler/targets.cmake) ---
 * A target is a GNU triple. Its programs are compiled by its C compiler
 * (or $CC), against a runtime built for it (runtime.c), with its bounds
 * strategy; the host is one row of the table like the others. */
struct dgc_target {
  const char *triple;  /* "aarch64-linux-gnu" */
  const char *arch;    /* Debian architecture: "arm64" */
  const char *cc;      /* default C compiler: "aarch64-linux-gnu-gcc" */
  const char *ar;      /* archiver for its runtime: "aarch64-linux-gnu-ar" */
  const char *package; /* Debian package of the compiler */
  const char *libc_package; /* Debian package of its C library */
  const char *libc_file;    /* a file of that package; "" for the host */
  const char *runner; /* command prefix running its programs here: "qemu-aarch64
                       * -L /usr/aarch64-linux-gnu"; "" for the host */
  bool big_endian, is64;
  bool debian; /* Debian 12's main archive has the architecture's libraries */
  bool host;
};

/* NULL triple: the host. NULL when unknown. */
const dgc_target *dgc_target_find(const char *triple);
/* The known triples, comma-separated, for messages. */
const char *dgc_target_names(void);
/* The bounds strategy a target's programs use: name NULL picks the
 * target's default (guard where possible, else explicit). 0, or -1 with a
 * message saying why this target cannot use it. */
int dgc_target_memcheck(const dgc_target *t, const char *name,
                        const dgc_memcheck **out, dgc_diag *d);
/* Whether PATH has an executable `name` (a path with '/' is checked as is). */
bool dgc_find_program(const char *name);
/* Checks that the C compiler that will build for t exists: cc ($CC) when
 * given, else the target's own; -1 with "install the Debian package ..."
 * otherwise. */
int dgc_target_check_cc(const dgc_target *t, const char *cc, dgc_diag *d);
/* 0 when t's programs can be linked statically (--static). */
int dgc_target_check_static(const dgc_target *t, dgc_diag *d);

/* ---- runtime.c: a target's runtime, prebuilt, cached or built now -------
 * The host's runtime is built by CMake into libdir. Another target's is
 * built by daggercc itself from the sources in srcdir, with the target's
 * compiler, into a directory that records a key of everything that went
 * into it (sources, headers, flags, compiler): libdir/TRIPLE when CMake had
 * daggercc build it (--build-runtime), else the cache
 * (cachedir/TRIPLE-KEY), built once under a lock and used while its key
 * matches. */
typedef struct dgc_paths {
  const char *libdir;   /* the host runtime; prebuilt ones in libdir/TRIPLE */
  const char *incdir;   /* headers that programs and runtimes compile with */
  const char *srcdir;   /* the runtime's sources */
  const char *cachedir; /* NULL: none ($XDG_CACHE_HOME or ~/.cache unset) */
  const char *wasm2c;   /* the patched wasm2c beside daggercc, or NULL */
  int lock_wait;        /* seconds to wait for another builder; 0: 600 */
} dgc_paths;

typedef struct dgc_runtime {
  char libdir[4096]; /* where its libraries are */
  bool curl;         /* http(s) built (dlopen()s libcurl at run time) */
  enum { DGC_RT_HOST, DGC_RT_PREBUILT, DGC_RT_CACHED, DGC_RT_MISSING } state;
} dgc_runtime;

/* Where t's runtime is or would go, without building anything. */
int dgc_runtime_probe(const dgc_target *t, const dgc_paths *p, const char *cc,
                      dgc_runtime *out, dgc_diag *d);
/* The runtime to link, built first when there is none (a line on stderr
 * says so: it takes seconds). cc: $CC or NULL. */
int dgc_runtime_get(const dgc_target *t, const dgc_paths *p, const char *cc,
                    bool verbose, dgc_runtime *out, dgc_diag *d);
/* Builds t's runtime into dir unless dir already holds it (for CMake). */
int dgc_runtime_build(const dgc_target *t, const dgc_paths *p, const char *cc,
                      const char *dir, bool verbose, dgc_diag *d);
/* Whether --static programs for t get HTTPS: the folder of its static
 * libcurl, libssl and libcrypto (cmake/StaticHttps.cmake) is complete and
 * the runtime has http (curl: dgc_runtime.curl). dir gets the folder. */
bool dgc_static_https(const dgc_target *t, const dgc_paths *p, bool curl,
                      char *dir, size_t size);
/* --print-features: what t's programs support, one "key: value" a line. */
int dgc_print_features(FILE *out, const dgc_target *t, const dgc_paths *p,
                       const char *cc, dgc_diag *d);

/* ---- shard.c: the module's C as several translation units -------------- */
/* Receives one unit of a split: k 0 is the main unit (it takes the place
 * of the module's C; the glue includes it), then 1, 2, ... each compiled on
 * its own. text (len bytes, NUL-terminated) is valid only during the call.
 * 0, or -1 with a message in the caller's diagnostics (stops the split). */
typedef int (*dgc_unit_sink)(void *ctx, size_t k, const char *text, size_t len);

/* Cuts wasm2c's C for one module (text, len bytes, after names.c's fixes)
 * into units of about target bytes of function definitions each (more
 * when that would make more than max_units units; 0: no bound), given to
 * sink as they are cut. A module under twice target, or whose layout is
 * not wasm2c 1.0.32's, stays whole: *nunits 0, sink never called.
 * Otherwise *nunits is the count of units beside the main one. 0, or -1
 * (out of memory, with a message; or the sink's failure). */
int dgc_shard_split(const char *text, size_t len, size_t target,
                    size_t max_units, dgc_unit_sink sink, void *ctx,
                    size_t *nunits, dgc_diag *d);

/* ---- data.c: data segments as binary ---------------------------------- */
typedef struct dgc_data {
  uint8_t *bytes; /* every segment's bytes, one after another */
  size_t len;
  size_t *sizes; /* each segment's size, nsegs of them */
  size_t nsegs;
  size_t index; /* the module's: part of the symbols' names */
} dgc_data;

/* Takes wasm2c's data segment arrays out of text (len bytes of a module's
 * C): *c (malloc'd, *c_len bytes) is the text with each array replaced by
 * the declaration of a hidden symbol (dgc_data_symbol), and data gets their
 * bytes. 0, or -1 with a message (out of memory). */
int dgc_data_extract(const char *text, size_t len, size_t index, char **c,
                     size_t *c_len, dgc_data *data, dgc_diag *d);
void dgc_data_free(dgc_data *data);
/* The name of module index's data segment k. */
void dgc_data_symbol(size_t index, size_t k, char *out, size_t size);
/* Assembler text defining the symbols by `.incbin` of bin_path (a file
 * holding data->bytes); malloc'd, NULL when out of memory. */
char *dgc_data_asm(const dgc_data *data, const char *bin_path);

/* ---- build.c: compile one module into one executable ------------------ */
typedef struct dgc_options {
  const char *input;  /* .wasm, or .wat (converted with wat2wasm) */
  const char *output; /* replaced atomically; untouched on failure */
  int opt_level;      /* 0..3 */
  const char *emit_c; /* directory to keep the generated C in, or NULL */
  dgc_policy policy;
  const char *const *env;           /* WASI --env specs, NULL-ended, or NULL */
  dgc_limits limits;                /* --max-memory, --timeout, --cpu-time */
  const char *memcheck;             /* strategy name, NULL: the default */
  const char *target;               /* triple, NULL: the host */
  bool static_link;                 /* --static */
  const char *cc, *cflags, *tmpdir; /* from the environment, or NULL */
  dgc_paths paths;                  /* the runtime's */
  bool verbose;                     /* print every command before it runs */
  unsigned jobs;                    /* compilers run at once; 0: one per CPU */
  bool no_cache;     /* --no-cache: compile every unit, store nothing */
  size_t shard_size; /* bytes of C per unit (shard.c); 0: the default */
  unsigned long long cache_max; /* the cache's cap in bytes; 0: the default
                                 * (DGC_CACHE_MAX_MIB), ULLONG_MAX: none */
  /* For the program's note (note.c): the command-line words that shaped
   * the program, NULL-ended or NULL. */
  const char *const *flags;
  /* --harness (harness.c): no ABI check, the harness instead of the glue;
   * harness->modules[0] is input. NULL for a program. */
  const struct dgc_harness *harness;
  /* Called as each stage starts (1..nstages); may be NULL. */
  void (*progress)(void *ctx, int stage, int nstages, const char *what);
  /* Called as a big module's units are done (cached ones count as done at
   * once); may be NULL. */
  void (*unit_progress)(void *ctx, size_t done, size_t total);
  void *progress_ctx;
} dgc_options;

/* 0, or -1 with a message; every temporary file is gone on return. */
int dgc_compile(const dgc_options *o, dgc_diag *d);

/* ======== harness.c: test programs for the conformance tests =============
 * `daggercc --harness HARNESS.c IN.wasm [MORE.wasm ...] -o OUT` (docs/spec.md)
 * builds a test program through the normal pipeline, except that no module
 * is checked against the Dagger ABI (a harness defines whatever the modules
 * import) and HARNESS.c takes the place of the generated glue. Module k of
 * the list is read, validated and translated like any input, as
 * `wasm2c -n <dgc_harness_module_name(k)>` ("m", "m1", "m2", ...) into files
 * of its own (dgc_harness_file). The glue is
 *   - a prelude: DAGGERCC_HARNESS_MODULES (the count), one #include of each
 *     module's header in list order, and DAGGERCC_HARNESS_MEMORY_<k>, the
 *     field of Z_<name>_instance_t holding module k's defined memory (no
 *     such define when the module defines none);
 *   - HARNESS.c verbatim, after a #line naming it;
 *   - module 0's C, included as every daggercc program includes it (so the
 *     harness's file-scope names must not collide with wasm2c's).
 * Modules 1.. are compiled as translation units of their own by the same
 * compiler invocation (dgc_cc_plan.more_sources). */
enum { DGC_HARNESS_MAX_MODULES = 64 };

typedef struct dgc_harness {
  const char *source;         /* HARNESS.c */
  const char *const *modules; /* .wasm or .wat; modules[0] is the input */
  size_t nmodules;            /* 1..DGC_HARNESS_MAX_MODULES */
} dgc_harness;

/* wasm2c's module name for module k: DGC_W2C_MODULE, then DGC_W2C_MODULE
 * followed by k in decimal. Returns out. */
const char *dgc_harness_module_name(size_t k, char *out, size_t size);
/* The name of module k's copy of the generated file `base` (DGC_MODULE_C,
 * DGC_MODULE_H, an input name): base itself for module 0, else base with
 * "-k" before its extension ("daggercc-module-1.c"). malloc'd; NULL when
 * out of memory. */
char *dgc_harness_file(size_t k, const char *base);
/* Writes the whole glue of a harness build into out; dir holds the
 * modules' generated headers. 0, or -1 with a message (HARNESS.c or a
 * header unreadable, write error). */
int dgc_emit_harness(FILE *out, const dgc_harness *h, const char *dir,
                     dgc_diag *d);

#endif
