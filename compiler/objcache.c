/* The object cache: compiled translation units (the glue and a big
 * module's shards) kept in the private cache (cache.c) under a content
 * key, so that compiling an unchanged unit again is a look-up.
 *
 * The key is the SHA-256 of everything that decides the object:
 *   - daggercc's version and the compiler's identity (`CC -v`);
 *   - the compile command, less its source and output paths;
 *   - the headers every unit includes from the runtime's include folder;
 *   - the texts the unit is made of (the unit's C, the module's header,
 *     and for the glue the main unit it includes).
 * An entry is the folder shard-KEY holding unit.o; cache.c checks its
 * manifest (size and SHA-256) on every look-up, so a damaged object is
 * rebuilt, never linked. */
#include "compiler.h"
#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The runtime headers the glue and every unit include (incdir-relative). */
static const char *const headers[] = {"dagger/runtime.h", "dagger/wasm2c.h",
                                      "wasm-rt-impl.h", "wasm-rt.h", NULL};

static void hash_str(dgc_sha256 *s, const char *text) {
  /* With its NUL, so that consecutive strings cannot run together. */
  dgc_sha256_update(s, text, strlen(text) + 1);
}

static int hash_file(dgc_sha256 *s, const char *path, dgc_diag *d) {
  uint8_t *buf;
  size_t len;

  if (dgc_read_input(path, &buf, &len, d) != 0)
    return -1;
  dgc_sha256_update(s, buf, len);
  free(buf);
  return 0;
}

int dgc_objcache_open(dgc_objcache *oc, const char *root, char *const *cc_argv,
                      const char *incdir, bool verbose, dgc_diag *d) {
  char *version = NULL, path[4096];
  dgc_argv a = {0};
  dgc_sha256 s;
  int rc;

  *oc = (dgc_objcache){0};
  dgc_argv_push(&a, cc_argv[0]);
  dgc_argv_push(&a, "-v"); /* on stderr, which dgc_run captures */
  rc =
      a.oom ? dgc_fail(d, "out of memory") : dgc_run(a.v, verbose, &version, d);
  dgc_argv_free(&a);
  if (rc != 0) {
    free(version);
    return rc < 0 ? -1 : dgc_fail(d, "%s -v failed", cc_argv[0]);
  }
  dgc_sha256_init(&s);
  hash_str(&s, "daggercc object cache 1");
  hash_str(&s, DGC_VERSION);
  hash_str(&s, version);
  free(version);
  for (const char *const *h = headers; *h; h++) {
    snprintf(path, sizeof path, "%s/%s", incdir, *h);
    if (hash_file(&s, path, d) != 0)
      return -1;
  }
  dgc_sha256_final(&s, oc->base);
  if (dgc_cache_open(&oc->cache, root, 0, d) != 0)
    return -1;
  oc->on = true;
  return 0;
}

void dgc_objcache_close(dgc_objcache *oc) {
  if (oc->on)
    dgc_cache_close(&oc->cache);
  oc->on = false;
}

void dgc_objcache_key(const dgc_objcache *oc, char *const *argv,
                      const char *source, const char *output,
                      const char *const *texts, char key[DGC_OBJ_KEY]) {
  dgc_sha256 s;
  char hex[DGC_SHA256_HEX];

  dgc_sha256_init(&s);
  hash_str(&s, oc->base);
  /* The paths of this build's temporary folder are no part of the key:
   * the source, the output, and the prefix map that keeps the folder's
   * name out of the object (plan.c). */
  for (char *const *w = argv; *w; w++)
    hash_str(&s, strcmp(*w, source) == 0   ? "<source>"
                 : strcmp(*w, output) == 0 ? "<output>"
                 : strncmp(*w, "-ffile-prefix-map=", 18) == 0
                     ? "-ffile-prefix-map=<dir>=."
                     : *w);
  hash_str(&s, "");
  for (const char *const *t = texts; *t; t++)
    hash_str(&s, *t);
  dgc_sha256_final(&s, hex);
  snprintf(key, DGC_OBJ_KEY, "shard-%s", hex);
}

char *dgc_objcache_find_file(dgc_objcache *oc, const char *key,
                             const char *name) {
  char *dir = NULL, *file = NULL;
  dgc_diag ignored;

  if (!oc->on || dgc_cache_find(&oc->cache, key, &dir, &ignored) != 1)
    return NULL;
  file = malloc(strlen(dir) + strlen(name) + 2);
  if (file)
    sprintf(file, "%s/%s", dir, name);
  free(dir);
  return file;
}

char *dgc_objcache_find(dgc_objcache *oc, const char *key) {
  return dgc_objcache_find_file(oc, key, "unit.o");
}

int dgc_objcache_put_file(dgc_objcache *oc, const char *key, const char *name,
                          const char *path, dgc_diag *d) {
  char *tmp = NULL, *dest, *copy;
  uint8_t *buf;
  size_t len;
  FILE *f;
  int rc;

  if (!oc->on)
    return 0;
  if (dgc_read_input(path, &buf, &len, d) != 0)
    return -1;
  rc = dgc_entry_begin(oc->cache.root, &tmp, d);
  copy = rc == 0 ? malloc(strlen(tmp) + strlen(name) + 2) : NULL;
  dest = rc == 0 ? malloc(strlen(oc->cache.root) + strlen(key) + 2) : NULL;
  if (rc == 0 && (!copy || !dest))
    rc = dgc_fail(d, "out of memory");
  if (rc == 0) {
    sprintf(copy, "%s/%s", tmp, name);
    sprintf(dest, "%s/%s", oc->cache.root, key);
    f = fopen(copy, "wbx");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    if ((f && fclose(f) != 0) || !ok)
      rc = dgc_fail(d, "%s: cannot write", copy);
  }
  if (rc == 0)
    rc = dgc_entry_publish(tmp, dest, 0700, d);
  free(buf);
  free(copy);
  free(dest);
  return rc;
}

int dgc_objcache_put(dgc_objcache *oc, const char *key, const char *obj,
                     dgc_diag *d) {
  return dgc_objcache_put_file(oc, key, "unit.o", obj, d);
}

/* ---- the program cache ----------------------------------------------------
 * A whole module's executable, keyed by what decides it before wasm2c
 * runs, so that compiling an unchanged module again skips every stage
 * after reading it: the object cache's base (daggercc, the compiler's
 * identity, the runtime headers), wasm2c's executable, the module's bytes,
 * the glue (which holds the policy, the environment and every other
 * option that reaches the program's C) written with the memory field left
 * out (it comes from wasm2c's header), the final command (optimisation,
 * flags, target, bounds, link mode), the shard size, and the bytes of the
 * runtime libraries linked in. */

static int hash_libdir(dgc_sha256 *s, const char *libdir, dgc_diag *d) {
  struct dirent **names;
  int n = scandir(libdir, &names, NULL, alphasort), rc = 0;

  if (n < 0)
    return dgc_fail(d, "%s: cannot list", libdir);
  for (int i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", libdir, names[i]->d_name);
    if (rc == 0 && names[i]->d_name[0] != '.' && lstat(path, &st) == 0 &&
        S_ISREG(st.st_mode)) {
      hash_str(s, names[i]->d_name);
      rc = hash_file(s, path, d);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int dgc_progcache_key(const dgc_objcache *oc, const dgc_progkey *k,
                      char key[DGC_OBJ_KEY], dgc_diag *d) {
  char hex[DGC_SHA256_HEX], size[32];
  dgc_sha256 s;

  dgc_sha256_init(&s);
  hash_str(&s, "daggercc program cache 1");
  hash_str(&s, oc->base);
  /* The wasm2c that runs, so that a new wabt package (or a rebuilt
   * patched wasm2c) makes new programs. */
  hash_str(&s, k->wasm2c);
  if (k->wasm2c[0] == '/' && hash_file(&s, k->wasm2c, d) != 0)
    return -1;
  snprintf(size, sizeof size, "%zu", k->module_len);
  hash_str(&s, size);
  dgc_sha256_update(&s, k->module, k->module_len);
  hash_str(&s, k->glue);
  for (char *const *w = k->link; *w; w++)
    hash_str(&s, *w);
  snprintf(size, sizeof size, "%zu", k->shard_size);
  hash_str(&s, size);
  if (hash_libdir(&s, k->libdir, d) != 0)
    return -1;
  hash_str(&s, k->static_https ? "static-https" : "");
  if (k->static_https && hash_libdir(&s, k->static_https, d) != 0)
    return -1;
  dgc_sha256_final(&s, hex);
  snprintf(key, DGC_OBJ_KEY, "progr-%s", hex);
  return 0;
}
