/* Files in the jail through wasi-libc: create, write, read back, rename,
 * list, stat, remove; and the jail's refusals: "..", an absolute symbolic
 * link, a link leading out. A link that stays inside works. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir) {
  char *names[32];
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d)) && n < 32)
    if (e->d_name[0] != '.')
      names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("%s:", dir);
  for (int i = 0; i < n; i++)
    printf(" %s", names[i]);
  printf("\n");
}

static void try_open(const char *path) {
  int fd = open(path, O_RDONLY);
  printf("open %s: %s\n", path, fd >= 0 ? "ok" : strerror(errno));
  if (fd >= 0)
    close(fd);
}

int main(void) {
  char buf[64] = {0};
  struct stat st;
  mkdir("sub", 0777);
  FILE *f = fopen("sub/a.txt", "w");
  fputs("hello, jail\n", f);
  fclose(f);
  rename("sub/a.txt", "sub/b.txt");
  f = fopen("/sub/b.txt", "r");
  fgets(buf, sizeof buf, f);
  fclose(f);
  printf("read back: %s", buf);
  stat("sub/b.txt", &st);
  printf("size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  symlink("b.txt", "sub/inside");
  symlink("/etc/passwd", "sub/absolute");
  symlink("../../outside", "sub/out");
  list("sub");
  try_open("sub/inside");
  try_open("sub/absolute");
  try_open("sub/out");
  try_open("../escape");
  try_open("sub/../sub/b.txt");
  unlink("sub/inside");
  unlink("sub/out");
  unlink("sub/b.txt");
  printf("rmdir: %s\n", rmdir("sub") == 0 ? "ok" : strerror(errno));
  list(".");
  return 0;
}
