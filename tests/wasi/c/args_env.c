/* The arguments reach the guest; only the variables the compile command
 * named with --env are visible (run.sh passes --env FIXED=one --env
 * FROM_HOST and sets FROM_HOST, NOT_NAMED and HOME). */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; i++)
    printf("argv[%d] %s\n", i, argv[i]);
  for (char **e = environ; *e; e++)
    printf("env %s\n", *e);
  printf("NOT_NAMED %s\n", getenv("NOT_NAMED") ? "visible" : "unset");
  printf("HOME %s\n", getenv("HOME") ? "visible" : "unset");
  return 0;
}
