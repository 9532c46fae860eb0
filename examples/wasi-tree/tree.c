/* tree: walks a directory of the jail (default its root) and prints every
 * entry, sorted, indented by depth, with the size of regular files and the
 * target of symbolic links; then the totals. Uses opendir/readdir, lstat,
 * readlink and qsort from wasi-libc. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long files, dirs;

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir but . and .., sorted; NULL on error. */
static char **entries(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  char **v = NULL;
  struct dirent *e;
  *n = 0;
  if (!d)
    return NULL;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    char **grown = realloc(v, (*n + 1) * sizeof *v);
    if (!grown)
      break;
    v = grown;
    v[(*n)++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(v, *n, sizeof *v, cmp);
  return v;
}

static void walk(const char *dir, int depth) {
  size_t n;
  char **names = entries(dir, &n);
  for (size_t i = 0; names && i < n; i++) {
    char path[1024], target[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    printf("%*s%s", depth * 2, "", names[i]);
    if (lstat(path, &st) != 0) {
      printf(" (cannot stat)\n");
    } else if (S_ISLNK(st.st_mode)) {
      ssize_t len = readlink(path, target, sizeof target - 1);
      target[len > 0 ? len : 0] = '\0';
      printf(" -> %s\n", target);
    } else if (S_ISDIR(st.st_mode)) {
      printf("/\n");
      dirs++;
      walk(path, depth + 1);
    } else {
      printf(" (%lld bytes)\n", (long long)st.st_size);
      files++;
    }
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  const char *top = argc > 1 ? argv[1] : ".";
  printf("%s\n", top);
  walk(top, 1);
  printf("%ld directories, %ld files\n", dirs, files);
  return 0;
}
