/* daggercc: compile a WebAssembly module that uses the Dagger system-call
 * ABI into one native executable. A thin main over the compiler library
 * (compiler/build.c does the work): it parses the command line, reads the
 * environment (CC, CFLAGS, TMPDIR, XDG_CACHE_HOME, HOME), finds the runtime
 * next to itself, shows progress on a terminal and removes temporary files
 * on SIGINT/SIGTERM.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 *
 * `--harness HARNESS.c IN.wasm [MORE.wasm ...]`, for the conformance tests
 * only (not in --help), builds a test program around one or more modules
 * (docs/spec.md). */
#include "compiler.h"
#include "config.h"
#include "rt.h"
#include "rules.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, MAX_RULES = 256, MAX_FLAGS = 4 * MAX_RULES + 64 };

/* The help, in two parts around the list of targets. */
static const char usage_text[] =
    "Usage: daggercc [options] INPUT.wasm|INPUT.wat -o OUTPUT\n"
    "\n"
    "Compiles a WebAssembly module that talks to the world only through the\n"
    "Dagger system calls (dagger.open/close/read/write/flush) into one native\n"
    "executable, through wasm2c and the system C compiler. A .wat input is\n"
    "converted with wat2wasm first.\n"
    "\n"
    "Options:\n"
    "  -o FILE          write the executable to FILE (replaced atomically;\n"
    "                   left untouched when compilation fails)\n"
    "  -O0 -O1 -O2 -O3  optimisation level of the C compiler (default -O2)\n"
    "  -v               print every command, shell-quoted, before running it\n"
    "  -j N             run up to N C compilers at once on a big module's\n"
    "                   translation units (default: one per CPU)\n"
    "  --no-cache       compile every unit of a big module, keep none in\n"
    "                   the cache\n"
    "  --emit-c DIR     keep the generated C in DIR (created if missing):\n"
    "                   " DGC_MODULE_C ", " DGC_MODULE_H ", " DGC_GLUE_C "\n"
    "  --allow RULE     compile in a policy rule allowing the URLs RULE\n"
    "                   matches (repeatable)\n"
    "  --deny RULE      compile in a policy rule denying them (repeatable)\n"
    "  --env NAME[=VALUE]  let a WASI program see the variable NAME: the\n"
    "                   host's value at run time, or VALUE (repeatable)\n"
    "  --max-memory SIZE   limit the module's memory (64M, 1GiB): memory.grow\n"
    "                   past it answers -1 (docs/limits.md)\n"
    "  --timeout SECONDS   stop the program after SECONDS of wall clock\n"
    "                   (status 211)\n"
    "  --cpu-time SECONDS  stop it after SECONDS of CPU time (status 212)\n"
    "  --target=TRIPLE  compile for another machine (default: this one):\n"
    "                   ";
static const char usage_tail[] =
    "\n"
    "  --bounds=KIND    how memory accesses are checked: guard (guard pages,\n"
    "                   default on 64-bit little-endian targets) or explicit\n"
    "  --static         link a fully static executable (with a static\n"
    "                   libcurl where the target has one: --print-features)\n"
    "  --print-features print what the target's programs support, then exit\n"
    "  --print-runner   print the command prefix (qemu-user) that runs the\n"
    "                   target's programs on this machine, then exit\n"
    "  --build-runtime DIR  build the target's runtime into DIR (CMake does\n"
    "                   this at build time; daggercc otherwise builds it into\n"
    "                   its cache on first use), then exit\n"
    "  --print-sdk-dir  print the folder holding dagger.h, the C guest SDK\n"
    "                   (for clang -I), then exit\n"
    "  --print-policy   print what a program built with the given --allow and\n"
    "                   --deny rules may open, then exit\n"
    "  --inspect PROGRAM  print what built PROGRAM (its daggercc version,\n"
    "                   target, bounds, policy, limits, module SHA-256 and\n"
    "                   flags), then exit; --json prints it as JSON\n"
    "  --help           print this help and exit\n"
    "  --version        print the version and exit\n"
    "\n"
    "Policy: with no rules a program may open any URL; once there is an\n"
    "--allow rule, a URL that no rule names is denied.\n"
    "\n"
    "Environment:\n"
    "  CC       C compiler command, split on blanks (e.g. \"ccache gcc\");\n"
    "           default " DGC_DEFAULT_CC ", or TRIPLE-gcc for --target\n"
    "  CFLAGS   extra C compiler flags, split on blanks, after daggercc's\n"
    "  TMPDIR   where temporary files go (default /tmp)\n"
    "  DAGGER_SHARD_SIZE  bytes of C per translation unit of a big module\n"
    "           (default 2 MiB; smaller modules compile as one unit)\n"
    "  DAGGER_CACHE_DIR   the cache of runtimes and compiled units\n"
    "           (default $XDG_CACHE_HOME/daggercc or ~/.cache/daggercc)\n"
    "  DAGGER_CACHE_MAX   the cache's cap, bytes or with K, M or G (default\n"
    "           2G; 0: none); the entries used longest ago go first\n"
    "  XDG_CACHE_HOME  where runtimes built for other targets are kept\n"
    "           (default ~/.cache; in the daggercc folder there)\n"
    "  DAGGERCC_LOCK_TIMEOUT  seconds to wait for another daggercc building\n"
    "           the same runtime before giving up (default 600)\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

typedef struct cli {
  dgc_options o;
  const char *allow[MAX_RULES], *deny[MAX_RULES];
  const char *env[MAX_RULES + 1]; /* --env, NULL-terminated */
  size_t nenv;
  const char *extra_input;
  dgc_harness harness; /* --harness: source set, modules = inputs */
  const char *inputs[DGC_HARNESS_MAX_MODULES];
  size_t ninputs;
  bool print_policy;
  bool print_sdk_dir;
  bool print_features, print_runner;
  const char *build_runtime; /* --build-runtime DIR */
  const char *inspect;       /* --inspect PROGRAM */
  bool json;                 /* --json (with --inspect) */
  /* The words that shaped the program, for its note: "--opt=VALUE" joined
   * when given as two words (malloc'd, in joined[]). */
  const char *flags[MAX_FLAGS + 1];
  size_t nflags;
  char *joined[MAX_FLAGS];
  size_t njoined;
} cli;

/* ---- progress on a terminal ------------------------------------------- */

static int progress_width;

static void progress_clear(void) {
  if (progress_width > 0)
    fprintf(stderr, "\r%*s\r", progress_width, "");
  progress_width = 0;
}

static void progress(void *ctx, int n, int total, const char *what) {
  (void)ctx;
  progress_clear();
  progress_width = fprintf(stderr, "daggercc: [%d/%d] %s...", n, total, what);
  fflush(stderr);
}

/* A big module's units: a bar, the count, the time so far and an estimate
 * of what is left from the pace so far. */
static void unit_progress(void *ctx, size_t done, size_t total) {
  static struct timespec start;
  struct timespec now;
  char bar[21];
  double t, left;

  (void)ctx;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (start.tv_sec == 0 && start.tv_nsec == 0)
    start = now;
  t = (double)(now.tv_sec - start.tv_sec) +
      (double)(now.tv_nsec - start.tv_nsec) / 1e9;
  for (size_t i = 0; i < sizeof bar - 1; i++)
    bar[i] = i < done * (sizeof bar - 1) / total ? '=' : ' ';
  bar[sizeof bar - 1] = '\0';
  left =
      done > 0 && done < total ? t / (double)done * (double)(total - done) : 0;
  progress_clear();
  progress_width = fprintf(stderr,
                           "daggercc: [%s] %zu/%zu units, %d:%02d elapsed, "
                           "~%d:%02d left",
                           bar, done, total, (int)t / 60, (int)t % 60,
                           (int)left / 60, (int)left % 60);
  fflush(stderr);
}

/* ---- cleanup on signals ----------------------------------------------- */

static void on_signal(int sig) {
  dgc_kill_child(sig);
  dgc_tmp_cleanup();
  raise(sig); /* SA_RESETHAND: the default action now */
}

static void install_handlers(void) {
  struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction old;
    /* A signal ignored by whoever started us stays ignored (a background
     * job's SIGINT). */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(sigs[i], &sa, NULL);
  }
  atexit(dgc_tmp_cleanup);
}

/* ---- command line ----------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt,
                                                             ...) {
  char msg[4096];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dgc_print_error(stderr, "daggercc", "%s (try daggercc --help)", msg);
  return EXIT_USAGE;
}

/* The value of an option given as "--name VALUE" or "--name=VALUE";
 * NULL when this is not the option. */
static const char *value_of(const char *name, int argc, char **argv, int *i,
                            bool *missing) {
  size_t n = strlen(name);

  if (strncmp(argv[*i], name, n) != 0)
    return NULL;
  if (argv[*i][n] == '=')
    return argv[*i] + n + 1;
  if (argv[*i][n] != '\0')
    return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return NULL;
  }
  return argv[++*i];
}

/* An option's value, which must not be empty (a file name, a triple). */
static int non_empty(const char *opt, const char *v, const char **to) {
  if (!*v)
    return usage_error("%s needs a non-empty value", opt);
  *to = v;
  return 0;
}

static int add_rule(const char **rules, size_t *n, const char *opt,
                    const char *rule) {
  char msg[512];

  if (dagger_cli_rule_check(opt, rule, msg, sizeof msg) != 0)
    return usage_error("%s", msg);
  if (*n == MAX_RULES)
    return usage_error("too many %s rules", opt);
  rules[(*n)++] = rule;
  return 0;
}

/* -j N: how many compilers run at once (shards). */
static int parse_jobs(cli *c, const char *v) {
  char *end;
  unsigned long n = v ? strtoul(v, &end, 10) : 0;

  if (!v || !*v || *end || n < 1 || n > DGC_MAX_JOBS)
    return usage_error("-j needs a number of jobs from 1 to %d", DGC_MAX_JOBS);
  c->o.jobs = (unsigned)n;
  return 0;
}

/* DAGGER_SHARD_SIZE: bytes of C per translation unit (docs: big modules). */
static int shard_size(cli *c, const char *v) {
  char *end;
  unsigned long long n;

  if (!v)
    return 0;
  n = strtoull(v, &end, 10);
  if (!*v || *end || n < 1)
    return usage_error("DAGGER_SHARD_SIZE=%s: expected a number of bytes", v);
  c->o.shard_size = (size_t)n;
  return 0;
}

/* --max-memory SIZE, --timeout SECONDS, --cpu-time SECONDS (docs/limits.md):
 * parsed by the runtime's own parsers, as the environment's values are. */
static int limit_size(cli *c, const char *v) {
  if (dagger_limit_parse_size(v, &c->o.limits.max_pages) != 0)
    return usage_error("--max-memory %s: expected a size of at least 64KiB "
                       "(bytes, or with K, M or G: 64M, 1GiB)",
                       v);
  return 0;
}

static int limit_seconds(const char *opt, const char *v, uint64_t *ms) {
  if (dagger_limit_parse_seconds(v, ms) != 0)
    return usage_error("%s %s: expected a positive number of seconds (2, 0.5)",
                       opt, v);
  return 0;
}

/* DAGGER_CACHE_MAX: the cache's cap, a size as --max-memory takes it
 * (bytes, or with a binary unit: 64K, 512MiB, 2G); 0: no cap. */
static int cache_max(cli *c, const char *v) {
  uint64_t n;

  if (!v)
    return 0;
  if (dagger_parse_bytes(v, &n) != 0 || n > INT64_MAX)
    return usage_error("DAGGER_CACHE_MAX=%s: expected bytes (K, M or G)", v);
  c->o.cache_max = n ? n : ~0ULL;
  return 0;
}

static int take_input(cli *c, const char *arg) {
  if (c->ninputs < DGC_HARNESS_MAX_MODULES)
    c->inputs[c->ninputs] = arg;
  c->ninputs++;
  if (!c->o.input)
    c->o.input = arg;
  else if (!c->extra_input)
    c->extra_input = arg;
  return 0;
}

/* --env NAME or --env NAME=VALUE (WASI programs, docs/wasi.md). */
static int add_env(cli *c, const char *v) {
  char msg[512];

  if (dagger_cli_env_check(v, msg, sizeof msg) != 0)
    return usage_error("%s", msg);
  if (c->nenv == MAX_RULES)
    return usage_error("too many %s options", "--env");
  c->env[c->nenv++] = v;
  c->o.env = c->env;
  return 0;
}

/* One argument (and its value); 0, -1 to stop with status 0, or 2. */
static int parse_one(cli *c, int argc, char **argv, int *i) {
  const char *a = argv[*i], *v;
  bool missing = false;

  if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
    return printf("%s%s%s", usage_text, dgc_target_names(), usage_tail), -1;
  if (strcmp(a, "--version") == 0)
    return puts("daggercc " DGC_VERSION), -1;
  if (strcmp(a, "-v") == 0)
    return c->o.verbose = true, 0;
  if (strcmp(a, "--print-policy") == 0)
    return c->print_policy = true, 0;
  if (strcmp(a, "--print-sdk-dir") == 0)
    return c->print_sdk_dir = true, 0;
  if (strcmp(a, "--print-features") == 0)
    return c->print_features = true, 0;
  if (strcmp(a, "--print-runner") == 0)
    return c->print_runner = true, 0;
  if (strcmp(a, "--static") == 0)
    return c->o.static_link = true, 0;
  if (strcmp(a, "--no-cache") == 0)
    return c->o.no_cache = true, 0;
  if (a[0] == '-' && a[1] == 'O') {
    if (a[2] < '0' || a[2] > '3' || a[3])
      return usage_error("%s: expected -O0, -O1, -O2 or -O3", a);
    c->o.opt_level = a[2] - '0';
    return 0;
  }
  if (strncmp(a, "-j", 2) == 0)
    return parse_jobs(c, a[2] ? a + 2 : *i + 1 < argc ? argv[++*i] : NULL);
  if (strncmp(a, "-o", 2) == 0) {
    c->o.output = a[2] ? a + 2 : *i + 1 < argc ? argv[++*i] : NULL;
    return c->o.output && *c->o.output
               ? 0
               : usage_error("%s needs a file name", "-o");
  }
  if ((v = value_of("--emit-c", argc, argv, i, &missing)))
    return non_empty("--emit-c", v, &c->o.emit_c);
  if ((v = value_of("--target", argc, argv, i, &missing)))
    return non_empty("--target", v, &c->o.target);
  if ((v = value_of("--bounds", argc, argv, i, &missing)))
    return non_empty("--bounds", v, &c->o.memcheck);
  if ((v = value_of("--build-runtime", argc, argv, i, &missing)))
    return non_empty("--build-runtime", v, &c->build_runtime);
  if ((v = value_of("--allow", argc, argv, i, &missing)))
    return add_rule(c->allow, &c->o.policy.nallow, "--allow", v);
  if ((v = value_of("--deny", argc, argv, i, &missing)))
    return add_rule(c->deny, &c->o.policy.ndeny, "--deny", v);
  if ((v = value_of("--env", argc, argv, i, &missing)))
    return add_env(c, v);
  if ((v = value_of("--max-memory", argc, argv, i, &missing)))
    return limit_size(c, v);
  if ((v = value_of("--timeout", argc, argv, i, &missing)))
    return limit_seconds("--timeout", v, &c->o.limits.timeout_ms);
  if ((v = value_of("--cpu-time", argc, argv, i, &missing)))
    return limit_seconds("--cpu-time", v, &c->o.limits.cpu_ms);
  if ((v = value_of("--harness", argc, argv, i, &missing)))
    return c->harness.source = v, 0;
  if ((v = value_of("--inspect", argc, argv, i, &missing)))
    return non_empty("--inspect", v, &c->inspect);
  if (strcmp(a, "--json") == 0)
    return c->json = true, 0;
  if (missing)
    return usage_error("%s needs a value", a);
  if (a[0] == '-' && a[1] != '\0')
    return usage_error("unknown option %s", a);
  return take_input(c, a);
}

/* --target and --bounds name things that exist and fit together. */
static int check_target(cli *c) {
  const dgc_target *t = dgc_target_find(c->o.target);
  const dgc_memcheck *m;
  dgc_diag d;

  if (!t) {
    char msg[1024];
    snprintf(msg, sizeof msg, "unknown target %s; known targets: %s",
             c->o.target, dgc_target_names());
    return usage_error("%s", msg);
  }
  if (dgc_target_memcheck(t, c->o.memcheck, &m, &d) != 0)
    return usage_error("%s", d.msg);
  return 0;
}

/* Options that change nothing in the program, or name files (whose
 * paths would make the note, and the program, depend on where it was
 * built): left out of its note. */
static bool unrecorded(const char *a) {
  static const char *const prefixes[] = {"-o", "--emit-c", "-j", "--harness",
                                         "--inspect"};
  static const char *const words[] = {"-v", "--no-cache", "--json"};

  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strncmp(a, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(a, words[i]) == 0)
      return true;
  return a[0] != '-';
}

/* Records the option argv[from] (with its value argv[to] when given
 * apart) in the program's flags. Every option not left out above is
 * recorded, those added later (limits) included. */
static int record_flag(cli *c, char **argv, int from, int to) {
  const char *a = argv[from];
  char *j;

  if (unrecorded(a))
    return 0;
  if (c->nflags == MAX_FLAGS)
    return usage_error("too many options");
  if (to == from || strncmp(a, "--", 2) != 0) {
    c->flags[c->nflags++] = a;
    if (to != from && c->nflags < MAX_FLAGS)
      c->flags[c->nflags++] = argv[to];
    return 0;
  }
  j = malloc(strlen(a) + strlen(argv[to]) + 2);
  if (!j)
    return usage_error("out of memory");
  sprintf(j, "%s=%s", a, argv[to]);
  c->joined[c->njoined++] = j;
  c->flags[c->nflags++] = j;
  return 0;
}

static int parse(cli *c, int argc, char **argv) {
  bool options = true;

  for (int i = 1; i < argc; i++) {
    int rc, from = i;
    if (options && strcmp(argv[i], "--") == 0) {
      options = false;
      continue;
    }
    rc = options ? parse_one(c, argc, argv, &i) : take_input(c, argv[i]);
    if (rc == 0 && options)
      rc = record_flag(c, argv, from, i);
    if (rc != 0)
      return rc;
  }
  c->o.flags = c->flags;
  if (c->json && !c->inspect)
    return usage_error("--json goes with --inspect PROGRAM");
  if (c->inspect)
    return 0;
  if (c->print_policy || c->print_sdk_dir || c->print_features ||
      c->print_runner || c->build_runtime)
    return check_target(c);
  if (!c->o.input)
    return usage_error("%s", "no input file");
  if (c->harness.source) {
    if (c->ninputs > DGC_HARNESS_MAX_MODULES)
      return usage_error("--harness: too many modules");
    c->harness.modules = c->inputs;
    c->harness.nmodules = c->ninputs;
    c->o.harness = &c->harness;
  } else if (c->extra_input)
    return usage_error("more than one input file (%s)", c->extra_input);
  if (!c->o.output)
    return usage_error("%s", "no output file: use -o FILE");
  return check_target(c);
}

/* ---- the runtime next to daggercc ------------------------------------- */

/* <dir of /proc/self/exe>/REL, resolved; the same in the build tree and
 * the install tree. */
static char *resource_dir(const char *rel, bool required) {
  char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

  if (n < 0) {
    dgc_print_error(stderr, "daggercc", "cannot find myself: %s",
                    strerror(errno));
    return NULL;
  }
  exe[n] = '\0';
  slash = strrchr(exe, '/');
  if (slash)
    *slash = '\0';
  snprintf(path, sizeof path, "%s/%s", exe, rel);
  slash = realpath(path, NULL);
  if (!slash && required)
    dgc_print_error(stderr, "daggercc", "runtime not found: %s: %s", path,
                    strerror(errno));
  return slash;
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

/* $DAGGER_CACHE_DIR, else $XDG_CACHE_HOME/daggercc, else
 * ~/.cache/daggercc; NULL without any. */
static char *cache_dir(void) {
  const char *own = env("DAGGER_CACHE_DIR"), *xdg = env("XDG_CACHE_HOME");
  const char *home = env("HOME");
  char buf[PATH_MAX];

  if (own && own[0] == '/')
    snprintf(buf, sizeof buf, "%s", own);
  else if (xdg && xdg[0] == '/')
    snprintf(buf, sizeof buf, "%s/daggercc", xdg);
  else if (home)
    snprintf(buf, sizeof buf, "%s/.cache/daggercc", home);
  else
    return NULL;
  return strdup(buf);
}

/* The patched wasm2c in the library directory, when it was built
 * (cmake/Wasm2cLinear.cmake); NULL: Debian's runs. */
static char *patched_wasm2c(const char *libdir) {
  char path[PATH_MAX];

  if (!libdir)
    return NULL;
  snprintf(path, sizeof path, "%s/" DGC_WASM2C_DIR "/wasm2c", libdir);
  return access(path, X_OK) == 0 ? strdup(path) : NULL;
}

/* The runtime's directories next to daggercc; the sources are needed only
 * to build a runtime for another target. */
static bool find_paths(dgc_paths *p) {
  p->libdir = resource_dir(DGC_REL_LIBDIR, true);
  p->wasm2c = patched_wasm2c(p->libdir);
  p->incdir = resource_dir(DGC_REL_INCDIR, true);
  p->srcdir = resource_dir(DGC_REL_SRCDIR, false);
  p->cachedir = cache_dir();
  if (env("DAGGERCC_LOCK_TIMEOUT"))
    p->lock_wait = atoi(env("DAGGERCC_LOCK_TIMEOUT"));
  return p->libdir && p->incdir;
}

static void free_paths(dgc_paths *p) {
  free((char *)p->libdir);
  free((char *)p->incdir);
  free((char *)p->srcdir);
  free((char *)p->cachedir);
  free((char *)p->wasm2c);
}

static int compile(cli *c) {
  dgc_diag d;
  int rc = 1;

  if (!c->o.verbose && isatty(2)) {
    c->o.progress = progress;
    c->o.unit_progress = unit_progress;
  }
  rc = dgc_compile(&c->o, &d) == 0 ? 0 : 1;
  progress_clear();
  if (rc != 0)
    dgc_print_error(stderr, "daggercc", "%s", d.msg);
  return rc;
}

/* --inspect PROGRAM [--json]: what built it, from its note. */
static int inspect(cli *c) {
  char *desc;
  size_t len;
  dgc_diag d;

  if (dgc_note_read(c->inspect, &desc, &len, &d) != 0) {
    dgc_print_error(stderr, "daggercc", "%s", d.msg);
    return 1;
  }
  dgc_note_print(stdout, desc, len, c->json);
  free(desc);
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* --print-runner, --print-features, --build-runtime: about the target. */
static int about_target(cli *c) {
  const dgc_target *t = dgc_target_find(c->o.target);
  dgc_diag d;
  int rc;

  if (c->print_runner) {
    if (!t->host)
      puts(t->runner);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (c->print_features)
    rc = dgc_print_features(stdout, t, &c->o.paths, c->o.cc, &d);
  else
    rc = dgc_runtime_build(t, &c->o.paths, c->o.cc, c->build_runtime,
                           c->o.verbose, &d);
  if (rc != 0)
    dgc_print_error(stderr, "daggercc", "%s", d.msg);
  return rc != 0 || fflush(stdout) != 0 ? 1 : 0;
}

/* Everything but --inspect: print something about the target, or
 * compile. */
static int build(cli *c) {
  int rc;

  if (c->print_sdk_dir) {
    /* The C guest SDK (sdk/dagger.h), beside the runtime headers. */
    char *dir = resource_dir(DGC_REL_INCDIR "/sdk", true);
    if (!dir)
      return 1;
    puts(dir);
    free(dir);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (c->print_policy) {
    dgc_policy_print(stdout, &c->o.policy);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  c->o.cc = env("CC");
  c->o.cflags = env("CFLAGS");
  c->o.tmpdir = env("TMPDIR");
  if ((rc = shard_size(c, env("DAGGER_SHARD_SIZE"))) != 0 ||
      (rc = cache_max(c, env("DAGGER_CACHE_MAX"))) != 0)
    return rc;
  install_handlers();
  if (!find_paths(&c->o.paths))
    rc = 1;
  else if (c->print_runner || c->print_features || c->build_runtime)
    rc = about_target(c);
  else
    rc = compile(c);
  free_paths(&c->o.paths);
  return rc;
}

int main(int argc, char **argv) {
  static cli c;
  int rc;

  c.o.opt_level = 2;
  c.o.policy.allow = c.allow;
  c.o.policy.deny = c.deny;
  rc = parse(&c, argc, argv);
  if (rc == 0 && c.inspect)
    rc = inspect(&c);
  else if (rc == 0)
    rc = build(&c);
  for (size_t i = 0; i < c.njoined; i++)
    free(c.joined[i]);
  return rc < 0 ? 0 : rc;
}
