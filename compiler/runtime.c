/* A target's runtime: the Dagger runtime (the rt/ sources) and one wasm2c
 * runtime library per bounds strategy the target may use (the wasm2c/ sources),
 * as static libraries in one directory.
 *
 * CMake builds the host's. For every other target daggercc builds them
 * itself, from the sources installed beside it (share/daggercc/runtime),
 * with the target's compiler, so that nobody builds anything by hand per
 * target and a cross compiler installed after daggercc just works:
 *   - at build time, CMake runs `daggercc --target=T --build-runtime
 *     lib/daggercc/T` for each target whose compiler it found;
 *   - at compile time, a runtime directory is used only when the key it
 *     records matches the key of what it would be built from now (a hash of
 *     every source and header, the flags and the compiler's name); without
 *     such a prebuilt one, daggercc builds one into the cache,
 *     $XDG_CACHE_HOME/daggercc/T-KEY (default ~/.cache/daggercc), once:
 *     under an flock() on T.lock, into a temporary directory renamed into
 *     place, so concurrent compiles wait for one build and never see half
 *     of one. A stale key (new sources, a new daggercc) just makes a new
 *     entry; old entries may be deleted whenever no daggercc runs.
 * Runtime directories are entries of cache.c, prebuilt ones included:
 * private, with every file's SHA-256 in a manifest, checked before each
 * use; a cache entry that fails the check is rebuilt. */
#include "compiler.h"
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#define MANIFEST "daggercc-runtime"

/* Headers in incdir that the runtime's sources include. */
static const char *const headers[] = {"wasm-rt.h", "wasm-rt-impl.h",
                                      "dagger/runtime.h", "dagger/wasm2c.h"};
static const char *const strategies[] = {"guard", "explicit"};
static const char *const rt_cflags[] = {DGC_RUNTIME_CFLAGS NULL};

/* One lookup or build of a target's runtime. */
typedef struct rtb {
  const dgc_target *t;
  const dgc_paths *p;
  const char *cc; /* what builds it: the target's compiler, else $CC */
  bool curl;      /* curl's headers are in incdir */
  bool verbose;
  char key[17];
  dgc_diag *d;
} rtb;

/* ---- small file helpers ------------------------------------------------ */

static bool exists(const char *dir, const char *name) {
  char *path = dgc_path_join(dir, name);
  bool ok = path && access(path, F_OK) == 0;

  free(path);
  return ok;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the regular files in dir not starting with '.', sorted;
 * NULL-terminated, malloc'd. NULL on error (errno set). */
static char **list_files(const char *dir, size_t *count) {
  DIR *dp = opendir(dir);
  struct dirent *e;
  char **v = NULL, **grown;
  size_t n = 0;

  if (!dp)
    return NULL;
  while ((e = readdir(dp))) {
    if (e->d_name[0] == '.')
      continue;
    grown = realloc(v, (n + 2) * sizeof *v);
    if (!grown || !(grown[n] = strdup(e->d_name))) {
      v = grown ? grown : v;
      break;
    }
    v = grown;
    v[++n] = NULL;
  }
  closedir(dp);
  if (v)
    qsort(v, n, sizeof *v, by_name);
  *count = n;
  return v ? v : calloc(1, sizeof *v);
}

static void free_list(char **v) {
  for (size_t i = 0; v && v[i]; i++)
    free(v[i]);
  free(v);
}

static bool has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int mkdir_p(const char *path, dgc_diag *d) {
  char buf[4096];
  size_t n = strlen(path);

  if (n >= sizeof buf)
    return dgc_fail(d, "%s: path too long", path);
  memcpy(buf, path, n + 1);
  for (char *s = buf + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return dgc_fail(d, "%s: cannot create: %s", buf, strerror(errno));
    *s = '/';
  }
  if (mkdir(buf, 0777) != 0 && errno != EEXIST)
    return dgc_fail(d, "%s: cannot create: %s", buf, strerror(errno));
  return 0;
}

/* ---- the key ------------------------------------------------------------ */

static void hash_str(dgc_sha256 *h, const char *s) {
  dgc_sha256_update(h, s, strlen(s) + 1);
}

static int hash_file(dgc_sha256 *h, const char *dir, const char *name,
                     dgc_diag *d) {
  char *path = dgc_path_join(dir, name), buf[8192];
  FILE *f = path ? fopen(path, "rb") : NULL;
  size_t n;

  if (!f) {
    dgc_fail(d, "%s/%s: %s", dir, name, strerror(path ? errno : ENOMEM));
    free(path);
    return -1;
  }
  hash_str(h, name);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    dgc_sha256_update(h, buf, n);
  fclose(f);
  free(path);
  return 0;
}

static int hash_dir(dgc_sha256 *h, const char *srcdir, const char *sub,
                    dgc_diag *d) {
  char *dir = dgc_path_join(srcdir, sub), **names;
  size_t n;
  int rc = 0;

  names = dir ? list_files(dir, &n) : NULL;
  if (!names)
    rc = dgc_fail(d, "%s/%s: %s", srcdir, sub, strerror(dir ? errno : ENOMEM));
  for (size_t i = 0; rc == 0 && i < n; i++)
    rc = hash_file(h, dir, names[i], d);
  free_list(names);
  free(dir);
  return rc;
}

/* Everything a build depends on, so a runtime is reused only while it is
 * exactly what a build now would make. */
static int make_key(rtb *b) {
  dgc_sha256 h;
  char hex[DGC_SHA256_HEX];

  dgc_sha256_init(&h);
  hash_str(&h, DGC_VERSION);
  hash_str(&h, b->t->triple);
  hash_str(&h, b->cc);
  for (size_t i = 0; rt_cflags[i]; i++)
    hash_str(&h, rt_cflags[i]);
  hash_str(&h, b->curl ? DGC_CURL_DEFINE : "-");
  hash_str(&h, b->t->big_endian ? DGC_BIG_ENDIAN_DEFINE : "-");
  for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++)
    hash_str(&h, dgc_memcheck_find(strategies[i])->defines);
  if (hash_dir(&h, b->p->srcdir, "rt", b->d) != 0 ||
      hash_dir(&h, b->p->srcdir, "wasm2c", b->d) != 0)
    return -1;
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
    if (hash_file(&h, b->p->incdir, headers[i], b->d) != 0)
      return -1;
  dgc_sha256_final(&h, hex);
  snprintf(b->key, sizeof b->key, "%.16s", hex);
  return 0;
}

/* Whether dir holds a complete runtime made with b's key, every file as
 * its entry manifest says (cache.c); root_ok: a prebuilt one may be
 * root's. */
static bool matches(const rtb *b, const char *dir, bool root_ok, bool *curl) {
  char *path, key[64] = "";
  FILE *f;
  int c = 0;
  bool ok = false;
  dgc_diag ignored;

  if (dgc_entry_verify(dir, root_ok, &ignored) != 0)
    return false;
  path = dgc_path_join(dir, MANIFEST);
  f = path ? fopen(path, "r") : NULL;
  if (f) {
    ok =
        fscanf(f, "key %63s curl %d", key, &c) == 2 && strcmp(key, b->key) == 0;
    fclose(f);
  }
  free(path);
  if (ok && curl)
    *curl = c != 0;
  return ok;
}

/* ---- building ---------------------------------------------------------- */

static int run_step(rtb *b, dgc_argv *a, const char *what) {
  dgc_diag inner;
  int rc;

  if (a->oom)
    return dgc_fail(b->d, "out of memory");
  rc = dgc_run(a->v, b->verbose, NULL, &inner);
  if (rc < 0)
    return dgc_fail(b->d, "building the runtime for %s: %s", b->t->triple,
                    inner.msg);
  if (rc > 0)
    return dgc_fail(b->d,
                    "building the runtime for %s: %s failed (exit status %d)",
                    b->t->triple, what, rc);
  return 0;
}

/* One library being built: the sources of srcdir/SUB, compiled into
 * objects PREFIX-NAME.o in dir and archived as dir/LIB. */
typedef struct lib_build {
  rtb *b;
  const char *dir, *src, *prefix;
  const dgc_memcheck *m; /* for the wasm2c/ sources */
  char **objs;
  size_t nobj;
} lib_build;

static int compile_one(lib_build *l, const char *name) {
  const char *incdirs[] = {l->src, l->b->p->incdir, NULL};
  char obj[512], *in = dgc_path_join(l->src, name);
  dgc_rtcc_plan plan = {.target = l->b->t,
                        .cc = l->b->cc,
                        .memcheck = l->m,
                        .curl = l->b->curl && !l->m,
                        .incdirs = incdirs,
                        .source = in};
  dgc_argv a = {0};
  int rc;

  snprintf(obj, sizeof obj, "%s-%.*s.o", l->prefix, (int)strlen(name) - 2,
           name);
  plan.output = l->objs[l->nobj++] = dgc_tmp_path(l->dir, obj);
  if (!in || !plan.output)
    rc = dgc_fail(l->b->d, "out of memory");
  else if ((rc = dgc_plan_runtime_cc(&a, &plan, l->b->d)) == 0)
    rc = run_step(l->b, &a, name);
  dgc_argv_free(&a);
  free(in);
  return rc;
}

static int archive(lib_build *l, const char *lib) {
  char *out = dgc_tmp_path(l->dir, lib);
  dgc_argv a = {0};
  int rc = out ? dgc_plan_ar(&a, l->b->t, out, l->objs, l->nobj, l->b->d)
               : dgc_fail(l->b->d, "out of memory");

  if (rc == 0)
    rc = run_step(l->b, &a, l->b->t->ar);
  dgc_argv_free(&a);
  return rc;
}

/* Compiles every .c of srcdir/SUB and archives the objects as dir/LIB
 * (the objects are removed again). */
static int build_lib(rtb *b, const char *dir, const char *sub,
                     const dgc_memcheck *m, const char *prefix,
                     const char *lib) {
  lib_build l = {.b = b, .dir = dir, .prefix = prefix, .m = m};
  char *src = dgc_path_join(b->p->srcdir, sub), **names = NULL;
  size_t n = 0;
  int rc = 0;

  l.src = src;
  if (src)
    names = list_files(src, &n);
  if (names)
    l.objs = calloc(n + 1, sizeof *l.objs);
  if (!names || !l.objs)
    rc = dgc_fail(b->d, "%s/%s: cannot list: %s", b->p->srcdir, sub,
                  strerror(errno ? errno : ENOMEM));
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (has_suffix(names[i], ".c"))
      rc = compile_one(&l, names[i]);
  if (rc == 0)
    rc = archive(&l, lib);
  for (size_t i = 0; i < l.nobj; i++)
    if (l.objs[i])
      unlink(l.objs[i]);
  free(l.objs);
  free_list(names);
  free(src);
  return rc;
}

/* "-lfoo" -> "libfoo.a" */
static void archive_name(char *buf, size_t size, const char *lflag) {
  snprintf(buf, size, "lib%s.a", lflag + 2);
}

static int write_manifest(rtb *b, const char *dir) {
  char *path = dgc_tmp_path(dir, MANIFEST);
  FILE *f = path ? fopen(path, "w") : NULL;
  int bad;

  if (!f)
    return dgc_fail(b->d, "%s: cannot write: %s", path ? path : dir,
                    strerror(path ? errno : ENOMEM));
  fprintf(f, "key %s\ncurl %d\n", b->key, b->curl);
  bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return dgc_fail(b->d, "%s: cannot write", path);
  return 0;
}

/* Builds everything into the empty directory dir, manifest last. */
static int build_into(rtb *b, const char *dir) {
  char lib[256];
  dgc_diag ignored;

  archive_name(lib, sizeof lib, DGC_RUNTIME_LIB);
  if (build_lib(b, dir, "rt", NULL, "rt", lib) != 0)
    return -1;
  for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++) {
    const dgc_memcheck *m;
    if (dgc_target_memcheck(b->t, strategies[i], &m, &ignored) != 0)
      continue; /* not for this target */
    archive_name(lib, sizeof lib, m->lib);
    if (build_lib(b, dir, "wasm2c", m, m->name, lib) != 0)
      return -1;
  }
  return write_manifest(b, dir);
}

/* Builds into a fresh entry directory in parent, then publishes it as
 * dest (cache.c: replacing only an empty directory or an entry daggercc
 * made). */
static int build_entry(rtb *b, const char *parent, const char *dest,
                       mode_t mode) {
  char *tmp;

  if (dgc_entry_begin(parent, &tmp, b->d) != 0 || build_into(b, tmp) != 0)
    return -1;
  return dgc_entry_publish(tmp, dest, mode, b->d);
}

/* A runtime directory of a daggercc from before entries had manifests:
 * the files it made (the manifest and the archives) are removed, so that
 * the directory may be replaced. Nothing else is touched. */
static void clear_legacy(const char *dir) {
  const char *libs[] = {DGC_RUNTIME_LIB, NULL, NULL};
  char name[256], *path;
  struct stat st;

  if (exists(dir, DGC_ENTRY_MANIFEST) || !exists(dir, MANIFEST))
    return;
  for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++)
    libs[i + 1] = dgc_memcheck_find(strategies[i])->lib;
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    archive_name(name, sizeof name, libs[i]);
    path = dgc_path_join(dir, name);
    if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
      unlink(path);
    free(path);
  }
  path = dgc_path_join(dir, MANIFEST);
  if (path)
    unlink(path);
  free(path);
}

/* ---- finding ------------------------------------------------------------ */

static int init(rtb *b, const dgc_target *t, const dgc_paths *p, const char *cc,
                bool verbose, dgc_diag *d) {
  *b = (rtb){.t = t, .p = p, .verbose = verbose, .d = d};
  if (!p->srcdir)
    return dgc_fail(d,
                    "cannot build the runtime for %s: its sources are "
                    "not installed beside daggercc (" DGC_REL_SRCDIR ")",
                    t->triple);
  /* The target's own compiler when installed, so that the key (and so the
   * prebuilt runtime) does not depend on $CC. */
  b->cc = dgc_find_program(t->cc) ? t->cc : cc;
  if (!b->cc)
    return dgc_target_check_cc(t, NULL, d);
  b->curl = exists(p->incdir, "curl/curl.h");
  return make_key(b);
}

static int host(dgc_runtime *out, const dgc_paths *p) {
  snprintf(out->libdir, sizeof out->libdir, "%s", p->libdir);
  out->curl = DGC_HOST_HAVE_CURL;
  out->state = DGC_RT_HOST;
  return 0;
}

/* The cache entry of b's runtime: TRIPLE-KEY. */
static void entry_name(const rtb *b, char *buf, size_t size) {
  snprintf(buf, size, "%s-%s", b->t->triple, b->key);
}

/* The prebuilt or cached runtime, if one matches (checked, not changed);
 * else out->libdir is the cache entry to build. */
static bool lookup(rtb *b, dgc_runtime *out) {
  char name[128];

  snprintf(out->libdir, sizeof out->libdir, "%s/%s", b->p->libdir,
           b->t->triple);
  out->state = DGC_RT_PREBUILT;
  if (matches(b, out->libdir, true, &out->curl))
    return true;
  out->state = DGC_RT_MISSING;
  if (!b->p->cachedir) {
    out->libdir[0] = '\0';
    return false;
  }
  entry_name(b, name, sizeof name);
  snprintf(out->libdir, sizeof out->libdir, "%s/%s", b->p->cachedir, name);
  out->state = DGC_RT_CACHED;
  if (matches(b, out->libdir, false, &out->curl))
    return true;
  out->state = DGC_RT_MISSING;
  return false;
}

int dgc_runtime_probe(const dgc_target *t, const dgc_paths *p, const char *cc,
                      dgc_runtime *out, dgc_diag *d) {
  rtb b;

  if (t->host)
    return host(out, p);
  if (init(&b, t, p, cc, false, d) != 0)
    return -1;
  lookup(&b, out);
  out->curl = b.curl;
  return 0;
}

/* The runtime from the cache: 1 found (checked, in out), 0 absent (a bad
 * entry is removed by dgc_cache_find), -1 error. */
static int from_cache(rtb *b, dgc_cache *c, dgc_runtime *out) {
  char name[128], *path;
  int rc;

  entry_name(b, name, sizeof name);
  rc = dgc_cache_find(c, name, &path, b->d);
  if (rc <= 0)
    return rc;
  snprintf(out->libdir, sizeof out->libdir, "%s", path);
  free(path);
  out->state = DGC_RT_CACHED;
  return matches(b, out->libdir, false, &out->curl) ? 1 : 0;
}

/* Under the cache's lock for the target: nobody built it while we waited,
 * so build it. */
static int build_cached(rtb *b, dgc_cache *c, dgc_runtime *out) {
  char name[128], what[160];
  int fd, rc;

  snprintf(what, sizeof what, "building the runtime for %s", b->t->triple);
  if ((fd = dgc_cache_lock(c, b->t->triple, what, b->d)) < 0)
    return -1;
  rc = from_cache(b, c, out);
  if (rc == 0) {
    entry_name(b, name, sizeof name);
    snprintf(out->libdir, sizeof out->libdir, "%s/%s", c->root, name);
    dgc_print_error(stderr, "daggercc",
                    "building the runtime for %s (once) in %s", b->t->triple,
                    out->libdir);
    rc = build_entry(b, c->root, out->libdir, 0700);
    out->curl = b->curl;
    out->state = DGC_RT_CACHED;
  }
  dgc_cache_unlock(fd);
  return rc < 0 ? -1 : 0;
}

int dgc_runtime_get(const dgc_target *t, const dgc_paths *p, const char *cc,
                    bool verbose, dgc_runtime *out, dgc_diag *d) {
  dgc_cache c;
  rtb b;
  int rc;

  if (t->host)
    return host(out, p);
  if (init(&b, t, p, cc, verbose, d) != 0)
    return -1;
  if (lookup(&b, out) && out->state == DGC_RT_PREBUILT)
    return 0;
  /* A cached one only through dgc_cache_open, which checks the root. */
  if (!p->cachedir)
    return dgc_fail(d,
                    "no runtime for %s, and no cache to build one in: "
                    "set XDG_CACHE_HOME or HOME",
                    t->triple);
  if (dgc_cache_open(&c, p->cachedir, p->lock_wait, d) != 0)
    return -1;
  rc = from_cache(&b, &c, out);
  if (rc == 0)
    rc = build_cached(&b, &c, out);
  dgc_cache_close(&c);
  return rc < 0 ? -1 : 0;
}

int dgc_runtime_build(const dgc_target *t, const dgc_paths *p, const char *cc,
                      const char *dir, bool verbose, dgc_diag *d) {
  char parent[4096], *slash, *manifest;
  rtb b;

  if (t->host)
    return dgc_fail(d, "%s is the host: CMake builds its runtime", t->triple);
  if (init(&b, t, p, cc, verbose, d) != 0)
    return -1;
  if (!matches(&b, dir, true, NULL)) {
    clear_legacy(dir);
    if (dgc_entry_replaceable(dir, d) != 0)
      return -1;
    snprintf(parent, sizeof parent, "%s", dir);
    slash = strrchr(parent, '/');
    if (slash && slash > parent)
      *slash = '\0';
    else
      snprintf(parent, sizeof parent, "%s", slash ? "/" : ".");
    if (mkdir_p(parent, d) != 0)
      return -1;
    return build_entry(&b, parent, dir, 0755);
  }
  /* Up to date: tell make so. */
  manifest = dgc_path_join(dir, MANIFEST);
  if (manifest)
    utime(manifest, NULL);
  free(manifest);
  return 0;
}

/* ---- static HTTPS ---------------------------------------------------------
 */

bool dgc_static_https(const dgc_target *t, const dgc_paths *p, bool curl,
                      char *dir, size_t size) {
  static const char *const libs[] = {DGC_STATIC_HTTPS_LIBS NULL};
  int n = snprintf(dir, size, "%s/" DGC_STATIC_HTTPS_DIR "/%s", p->libdir,
                   t->triple);

  if (!curl || n < 0 || (size_t)n >= size)
    return false;
  for (size_t i = 0; libs[i]; i++)
    if (!exists(dir, libs[i]))
      return false;
  return true;
}

/* ---- --print-features ---------------------------------------------------- */

/* The scheme list without http and https when they are not built. */
static void print_schemes(FILE *out, bool curl) {
  char list[] = DGC_SCHEMES, *save = NULL;

  fputs("schemes:", out);
  for (char *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save))
    if (curl || (strcmp(w, "http") != 0 && strcmp(w, "https") != 0))
      fprintf(out, " %s", w);
  fputc('\n', out);
}

/* What a --static program's http(s) opens do. */
static const char *static_http(const dgc_target *t, const dgc_paths *p,
                               bool curl) {
  char dir[4096];

  if (dgc_static_https(t, p, curl, dir, sizeof dir))
    return "static libcurl with OpenSSL (HTTP/1.1, HTTPS) in --static "
           "programs";
  return "-UNSUPPORTED in --static programs (no static libcurl for this "
         "target)";
}

static void print_libraries(FILE *out, const dgc_target *t, const dgc_paths *p,
                            bool curl) {
  if (!curl)
    fputs("http: not built (no curl headers when the runtime was built): "
          "http(s) opens answer -UNSUPPORTED\n",
          out);
  else if (t->debian)
    fprintf(out,
            "http: libcurl.so.4 loaded on first use where installed (Debian "
            "package libcurl4:%s), else -UNSUPPORTED; %s\n",
            t->arch, static_http(t, p, curl));
  else
    fprintf(out,
            "http: libcurl.so.4 loaded on first use where installed, else "
            "-UNSUPPORTED; %s\n",
            static_http(t, p, curl));
  if (t->debian)
    fprintf(out,
            "random: libsodium.so.23 loaded on first use where installed "
            "(Debian package libsodium23:%s), else getrandom(2); "
            "getrandom(2) in --static programs\n",
            t->arch);
  else
    fputs("random: libsodium.so.23 loaded on first use where installed, "
          "else getrandom(2); getrandom(2) in --static programs\n",
          out);
}

/* Which wasm2c translates modules (the same for every target). */
static void print_wasm2c(FILE *out, const dgc_paths *p) {
  if (p->wasm2c)
    fprintf(out,
            "wasm2c: %s (wabt 1.0.32, patched: linear in the number of "
            "functions)\n",
            p->wasm2c);
  else
    fprintf(out,
            "wasm2c: %s (Debian's wabt 1.0.32: quadratic in the number "
            "of functions)\n",
            dgc_wasm2c(p));
}

static void print_bounds(FILE *out, const dgc_target *t) {
  const dgc_memcheck *m, *def;
  dgc_diag ignored;

  fputs("bounds:", out);
  for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++)
    if (dgc_target_memcheck(t, strategies[i], &m, &ignored) == 0)
      fprintf(out, " %s", m->name);
  dgc_target_memcheck(t, NULL, &def, &ignored);
  fprintf(out, " (default %s)\n", def->name);
}

static const char *const states[] = {
    [DGC_RT_HOST] = "built with daggercc",
    [DGC_RT_PREBUILT] = "prebuilt",
    [DGC_RT_CACHED] = "cached",
    [DGC_RT_MISSING] = "built on first use",
};

int dgc_print_features(FILE *out, const dgc_target *t, const dgc_paths *p,
                       const char *cc, dgc_diag *d) {
  bool have_cc = cc || dgc_find_program(t->cc);
  dgc_runtime rt = {0};

  fprintf(out, "target: %s%s\n", t->triple, t->host ? " (host)" : "");
  fprintf(out, "compiler: %s", cc ? cc : t->cc);
  if (!have_cc)
    fprintf(out, " (missing: install the Debian package %s)", t->package);
  fprintf(out, "\nrunner: %s\n", t->host ? "(native)" : t->runner);
  fprintf(out, "byte-order: %s-endian\n", t->big_endian ? "big" : "little");
  fprintf(out, "pointer-size: %d-bit\n", t->is64 ? 64 : 32);
  print_wasm2c(out, p);
  print_bounds(out, t);
  fprintf(out, "static: %s\n",
          dgc_target_check_static(t, d) == 0 ? "yes" : "no (sanitizers)");
  if (have_cc && dgc_runtime_probe(t, p, cc, &rt, d) != 0)
    return -1;
  if (!have_cc)
    rt.curl = t->host ? DGC_HOST_HAVE_CURL : exists(p->incdir, "curl/curl.h");
  print_schemes(out, rt.curl);
  print_libraries(out, t, p, rt.curl);
  if (!have_cc)
    fputs("runtime: built on first use, once the compiler is installed\n", out);
  else
    fprintf(out, "runtime: %s%s%s\n", states[rt.state],
            rt.libdir[0] ? " in " : "", rt.libdir);
  return 0;
}
