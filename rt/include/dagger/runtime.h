/* daggercc runtime: the public interface.
 *
 * The runtime implements the five Dagger system calls (open, close, read,
 * write, flush) over URL-named streams for one WebAssembly instance. It knows
 * nothing of wasm2c or of any interpreter: the embedder describes where the
 * guest's linear memory currently lives with a dagger_memory, and the runtime
 * reads that description afresh on every call (memory may grow or move
 * between calls). All host access to guest memory goes through the
 * bounds-checked accessors declared at the end of this header.
 *
 * Library code never exits and never writes to stdout except on behalf of a
 * guest's stdout:// stream. */
#ifndef DAGGER_RUNTIME_H
#define DAGGER_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "dagger/wasi-imports.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes of the contract; the calls return them negated. */
typedef enum dagger_error {
  DAGGER_OK = 0,
  DAGGER_BAD_URL = 1,        /* the URL cannot be parsed */
  DAGGER_BAD_URL_INPUT = 2,  /* parts invalid for the scheme */
  DAGGER_UNKNOWN_SCHEME = 3, /* no such scheme */
  DAGGER_BAD_DESCRIPTOR = 4, /* fd not open */
  DAGGER_BAD_POINTER = 5,    /* range not inside linear memory */
  DAGGER_NOT_PERMITTED = 6,  /* denied by the jail or the policy */
  DAGGER_NOT_FOUND = 7,      /* no such file or host */
  DAGGER_IO = 8,             /* the underlying operation failed */
  DAGGER_TOO_MANY_OPEN = 9,  /* descriptor table full */
  DAGGER_UNSUPPORTED = 10,   /* operation meaningless for this stream */
} dagger_error;

/* Name of an error code; accepts the code or its negation. Never NULL. */
const char *dagger_strerror(int code);

/* Where the guest's linear memory is now. The runtime dereferences `base`
 * and `pages` at every call, so the embedder may grow or move the memory
 * between calls. A NULL `base` pointer (or *base == NULL) means the module
 * has no memory: every non-empty range is then a bad pointer.
 * `reversed` selects wabt's big-endian layout, in which guest byte i is
 * stored at base[size - 1 - i] (size = pages * 65536). */
typedef struct dagger_memory {
  uint8_t *const *base;
  const uint32_t *pages;
  int reversed;
} dagger_memory;

/* Size in bytes of the memory now (0 when there is none). */
uint64_t dagger_memory_size(const dagger_memory *mem);

/* Run-time configuration; dagger_config_default() fills it from the
 * environment (DAGGER_ROOT, ...). Strings are borrowed, not copied. */
typedef struct dagger_config {
  const char *jail_root;    /* file:// jail; NULL: the current directory */
  const char *program;      /* name used in diagnostics, e.g. argv[0] */
  const char *const *allow; /* policy rules, NULL-terminated; NULL: none */
  const char *const *deny;  /* policy rules, NULL-terminated; NULL: none */
  int default_allow;        /* what a URL no rule names gets: 1 allow, 0 deny */
  int max_open;             /* descriptor table bound; 0: the default (64) */
  /* WASI (rt/wasi/): the guest's arguments, args[0] its program name,
   * NULL-terminated (NULL: just the program name); and the environment it
   * may see: "NAME" (the host's value at dagger_rt_new, absent when unset)
   * or "NAME=VALUE", NULL-terminated (NULL: none). Borrowed. */
  const char *const *args;
  const char *const *env;
} dagger_config;

void dagger_config_default(dagger_config *cfg);

/* One guest's runtime state: descriptor table, memory view, policy. */
typedef struct dagger_rt dagger_rt;

/* Returns NULL only when out of memory. */
dagger_rt *dagger_rt_new(const dagger_config *cfg);
/* Point the runtime at the guest memory; may be called before the memory
 * is allocated (the pointers are read at each call). */
void dagger_rt_set_memory(dagger_rt *rt, dagger_memory mem);
/* Flushes and closes every open stream, then frees the state. */
void dagger_rt_free(dagger_rt *rt);
/* Flushes every open stream that buffers (stdout://, stderr://). A failed
 * flush is remembered: those bytes were acknowledged to the guest and are
 * lost, which dagger_rt_exit reports. */
void dagger_rt_flush_all(dagger_rt *rt);
/* The end of a run: flushes, closes and frees as dagger_rt_free, and
 * returns the process's exit status. When output the guest was told was
 * written could not be (stdout on a full disk or /dev/full), it prints one
 * line on stderr, "PROGRAM: output lost: ...", and a status of 0 becomes
 * DAGGER_OUTPUT_LOST_STATUS; a non-zero status (the guest's own, or a
 * trap's) is kept, since it already says that the run failed. */
int dagger_rt_exit(dagger_rt *rt, int status);

/* The five calls, exactly as the guest sees them. Results: >= 0 success,
 * negated dagger_error on failure. Pointers are guest offsets. */
int32_t dagger_open(dagger_rt *rt, uint32_t url_ptr, uint32_t url_len);
int32_t dagger_close(dagger_rt *rt, int32_t fd);
int32_t dagger_read(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len);
int32_t dagger_write(dagger_rt *rt, int32_t fd, uint32_t ptr, uint32_t len);
int32_t dagger_flush(dagger_rt *rt, int32_t fd);

/* Open a URL given as host text (for embedders and tests). */
int32_t dagger_open_url(dagger_rt *rt, const char *url, size_t len);

/* Traps: the kinds a guest can raise, whatever engine runs it. */
typedef enum dagger_trap {
  DAGGER_TRAP_UNREACHABLE = 1,
  DAGGER_TRAP_OUT_OF_BOUNDS = 2,
  DAGGER_TRAP_INT_OVERFLOW = 3,
  DAGGER_TRAP_DIV_BY_ZERO = 4,
  DAGGER_TRAP_INVALID_CONVERSION = 5,
  DAGGER_TRAP_INDIRECT_CALL = 6,
  DAGGER_TRAP_EXHAUSTION = 7,
  DAGGER_TRAP_EXCEPTION = 8,
  DAGGER_TRAP_OTHER = 9,
  /* Limits (rt/limits.c, docs/limits.md); 10 is skipped: status 210 is
   * DAGGER_OUTPUT_LOST_STATUS. */
  DAGGER_TRAP_TIMEOUT = 11,  /* the wall-clock limit ran out: status 211 */
  DAGGER_TRAP_CPU_TIME = 12, /* the CPU-time limit ran out: status 212 */
} dagger_trap;

/* Exit status of a process whose guest trapped: DAGGER_TRAP_EXIT_BASE plus
 * the trap kind, so 201..209. Guest exit statuses are truncated to 8 bits by
 * the operating system; 201..209 are reserved for traps. */
#define DAGGER_TRAP_EXIT_BASE 200
/* Exit status of a guest that returned 0 but whose buffered output could
 * not be written at exit (dagger_rt_exit); reserved like the trap ones. */
#define DAGGER_OUTPUT_LOST_STATUS 210
/* Exit status of a program that cannot start within its limits: its
 * memory starts larger than the memory limit, or a DAGGER_* limit variable
 * is invalid (rt/limits.c). Reserved like the others. */
#define DAGGER_LIMIT_START_STATUS 213

/* The message of a trap kind ("unreachable executed", ...). */
const char *dagger_trap_message(dagger_trap kind);
/* Flushes the guest's buffered streams, prints the one-line trap report on
 * stderr ("PROGRAM: trap: MESSAGE") and returns the exit status to use.
 * rt may be NULL (a trap before the runtime exists). */
int dagger_trap_report(dagger_rt *rt, dagger_trap kind);

/* Where a trap happened, as far as the engine knows (docs/traps.md). */
typedef struct dagger_trap_where {
  const char *function; /* the wasm function, or NULL when unknown */
  int has_address;      /* out of bounds: the guest address is known */
  uint64_t address;
  uint32_t size;             /* bytes of the access; 0: unknown */
  const char *const *frames; /* wasm functions on the stack, innermost */
  size_t nframes;            /* first; frames[0] is function */
  int frames_cut;            /* the stack held more than these */
  const char *why;           /* nframes 0: why nothing is known, or NULL */
} dagger_trap_where;

/* dagger_trap_report with the place: "PROGRAM: trap: out of bounds memory
 * access (8 bytes at 0x12345678) in parse_header"; when the environment
 * has DAGGER_BACKTRACE=1, one more line per frame ("PROGRAM:   at NAME").
 * w may be NULL (nothing known). */
int dagger_trap_report_at(dagger_rt *rt, dagger_trap kind,
                          const dagger_trap_where *w);

/* ---- WASI preview1 (rt/wasi/, docs/wasi.md) -----------------------------
 * The functions of module wasi_snapshot_preview1, numbered in the order of
 * the import table (dagger/wasi-imports.h, generated from the witx). */
#define DAGGER_WASI_ENUM_(name, params, results) DAGGER_WASI_##name,
typedef enum dagger_wasi_fn {
  DAGGER_WASI_IMPORTS(DAGGER_WASI_ENUM_)
} dagger_wasi_fn;
#undef DAGGER_WASI_ENUM_

/* Makes the descriptors a WASI program starts with: 0, 1, 2 the standard
 * streams (1 shares stdout://'s buffer) and 3 the jail, preopened as "/".
 * Call once, after dagger_rt_new and before the guest runs. DAGGER_OK, or
 * a negated dagger_error (the jail cannot be opened: one line on stderr,
 * and descriptor 3 stays closed). */
int dagger_wasi_init(dagger_rt *rt);
/* Calls WASI function fn with its core wasm arguments, each zero-extended
 * to 64 bits, in the table's order (args may be NULL when there are none).
 * Returns the function's i32 result, a WASI errno (0 success). After
 * proc_exit it returns 0 and dagger_wasi_exited says so: the embedder must
 * then unwind the guest without running any more of it. */
int32_t dagger_wasi_call(dagger_rt *rt, dagger_wasi_fn fn,
                         const uint64_t *args);
/* dagger_wasi_call(rt, DAGGER_WASI_fd_read or _fd_write, args) for the
 * calls every libc program makes most, with their arguments as they are:
 * the compiled glue calls these. */
int32_t dagger_wasi_fd_read(dagger_rt *rt, uint32_t fd, uint32_t iovs,
                            uint32_t niovs, uint32_t result);
int32_t dagger_wasi_fd_write(dagger_rt *rt, uint32_t fd, uint32_t iovs,
                             uint32_t niovs, uint32_t result);
/* 1 once the guest called proc_exit, with its status in *status. */
int dagger_wasi_exited(const dagger_rt *rt, int *status);

/* Bounds-checked accessors: the only way host code touches guest memory.
 * Each checks [ptr, ptr+len) against the current size without overflow and
 * returns DAGGER_OK or DAGGER_BAD_POINTER, touching nothing on failure. */
int dagger_mem_check(const dagger_memory *mem, uint32_t ptr, uint64_t len);
int dagger_mem_load(const dagger_memory *mem, uint32_t ptr, void *dst,
                    uint32_t len);
int dagger_mem_store(const dagger_memory *mem, uint32_t ptr, const void *src,
                     uint32_t len);
/* Direct view of [ptr, ptr+len) for the normal (little-endian) layout only;
 * NULL when the range is bad or the layout is reversed. Valid until control
 * returns to the guest. */
uint8_t *dagger_mem_span(const dagger_memory *mem, uint32_t ptr, uint32_t len);

/* ---- limits (rt/limits.c, docs/limits.md) ------------------------------
 * A program's limits: compiled in (daggercc --max-memory, --timeout,
 * --cpu-time) or given to dagger-interp, and lowered, never raised, by the
 * environment. 0 in a field: no limit. */
typedef struct dagger_limits {
  uint32_t max_pages;  /* 64 KiB pages a memory may have */
  uint64_t timeout_ms; /* wall clock from dagger_limits_start */
  uint64_t cpu_ms;     /* CPU time (user + system) from the same start */
} dagger_limits;

/* "65536", "64K", "16MiB", "1G" (binary units; K, Ki, KiB, KB, M, ... G,
 * any case): that many bytes. 0, or -1 when the text is no size or more
 * than 64 bits hold. */
int dagger_parse_bytes(const char *text, uint64_t *bytes);
/* The same sizes as a number of whole 64 KiB pages, capped at 65536. 0, or
 * -1 when the text is no size or less than one page. */
int dagger_limit_parse_size(const char *text, uint32_t *pages);
/* "2", "0.5", "1.5s": milliseconds, rounded up, at least 1. 0, or -1 when
 * the text is no positive number of seconds (at most 1e9). */
int dagger_limit_parse_seconds(const char *text, uint64_t *ms);
/* Lowers *lim by DAGGER_MAX_MEMORY, DAGGER_TIMEOUT and DAGGER_CPU_TIME
 * (same syntax): a variable sets a limit that is absent or higher; one that
 * would raise a limit changes nothing and says so in one line on stderr.
 * 0, or -1 after one line on stderr naming an invalid value (the program
 * then exits DAGGER_LIMIT_START_STATUS). */
int dagger_limits_from_env(dagger_rt *rt, dagger_limits *lim);
/* Records the limits for the statistics and, when there is a time limit,
 * starts the thread that watches it. Call once per run, just before guest
 * code first runs (serve mode: once per request; the clocks count from
 * here, and dagger_limits_stop ends the thread). When a time limit runs out,
 * the program stops from that thread or from the system call the guest is in:
 * its streams are flushed, "PROGRAM: trap: time limit exceeded" (or "CPU time
 * limit exceeded") is printed, the statistics written, and the process exits
 * 211 (212). 0, or -1 after one line on stderr (no thread). */
int dagger_limits_start(dagger_rt *rt, const dagger_limits *lim);
/* The guest is done (returned, trapped or exited): stops the watch. When
 * a limit ran out at that very moment, does not return (the program is
 * being stopped). Safe to call without dagger_limits_start, and twice. */
void dagger_limits_stop(dagger_rt *rt);
/* A memory of `pages` pages at start is above lim->max_pages: prints one
 * line on stderr, writes the statistics, and returns the status to exit
 * with (DAGGER_LIMIT_START_STATUS). */
int dagger_limits_memory_refused(dagger_rt *rt, uint32_t pages);

/* ---- run statistics (rt/stats.c, docs/limits.md) -----------------------
 * With DAGGER_STATS=FILE in the environment (or "-" for stderr) at
 * dagger_rt_new, the end of the run writes one JSON object there: calls
 * per system call, bytes per scheme, opens refused by the policy, peak
 * memory pages, times and how the run ended. dagger_rt_exit writes it;
 * the paths that stop a program early (limits) write it themselves.
 * Writes it at most once; does nothing without DAGGER_STATS. */
void dagger_stats_write(dagger_rt *rt, int status);

/* ---- serve mode (rt/serve.c, docs/serve.md) -----------------------------
 * One process, many requests, a fresh instance each. A request is one
 * message on the control socket: these 4 bytes (native order) with the
 * request's stdin, stdout and stderr as SCM_RIGHTS; the answer is the
 * run's status as one int32 (native order, 0-255 as an exit status). */
#define DAGGER_SERVE_MAGIC 0x31565344u /* "DSV1" on little-endian */
/* The control socket named by DAGGER_SERVE_FD: -1 when the variable is
 * unset or empty, -2 after one line on stderr when it names no inherited
 * socket (or one of 0-2). */
int dagger_serve_fd(void);
/* Serves requests from ctl until it ends: each puts the request's
 * descriptors on 0-2, calls run(arg) (one complete run, which must leave
 * nothing of itself behind), flushes, points 0-2 at /dev/null and sends
 * run's status. Returns the process's status: 0 when ctl ended or the
 * parent went away, 1 after one line on stderr for a malformed request. */
int dagger_serve(int ctl, int (*run)(void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif
