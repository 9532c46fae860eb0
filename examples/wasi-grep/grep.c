/* grep: prints the lines of the named files (inside the jail) that contain
 * a fixed string, as "FILE:LINE: text"; -i ignores case. Exit status 0 when
 * a line matched, 1 when none did, 2 on an error (a file that cannot be
 * opened, for instance outside the jail). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int ignore_case;

static int contains(const char *line, const char *pat) {
  size_t n = strlen(pat);
  for (; *line; line++) {
    size_t i = 0;
    while (i < n && line[i] &&
           (ignore_case ? tolower((unsigned char)line[i]) ==
                              tolower((unsigned char)pat[i])
                        : line[i] == pat[i]))
      i++;
    if (i == n)
      return 1;
  }
  return n == 0;
}

static int grep_file(const char *pat, const char *path, int *matched) {
  char line[4096];
  long number = 0;
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "grep: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    number++;
    if (contains(line, pat)) {
      printf("%s:%ld: %s", path, number, line);
      if (line[strlen(line) - 1] != '\n')
        putchar('\n');
      *matched = 1;
    }
  }
  fclose(f);
  return 0;
}

int main(int argc, char **argv) {
  int i = 1, matched = 0, errors = 0;
  if (i < argc && strcmp(argv[i], "-i") == 0)
    ignore_case = 1, i++;
  if (i >= argc) {
    fprintf(stderr, "usage: grep [-i] PATTERN FILE...\n");
    return 2;
  }
  const char *pat = argv[i++];
  for (; i < argc; i++)
    errors += grep_file(pat, argv[i], &matched) < 0;
  return errors ? 2 : matched ? 0 : 1;
}
