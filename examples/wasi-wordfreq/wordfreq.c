/* wordfreq: counts the words of standard input and prints the N most
 * frequent (default 5), most frequent first, ties in alphabetical order.
 * Plain C with wasi-libc: stdio, malloc, a hash table, qsort. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct word {
  char *text;
  long count;
  struct word *next;
} word;

#define BUCKETS 4096
static word *table[BUCKETS];
static size_t nwords;

static unsigned hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h % BUCKETS;
}

static int add(const char *text) {
  unsigned h = hash(text);
  for (word *w = table[h]; w; w = w->next)
    if (strcmp(w->text, text) == 0)
      return (int)++w->count;
  word *w = malloc(sizeof *w);
  if (!w || !(w->text = strdup(text)))
    return -1;
  w->count = 1;
  w->next = table[h];
  table[h] = w;
  nwords++;
  return 1;
}

static int by_count(const void *a, const void *b) {
  const word *x = *(word *const *)a, *y = *(word *const *)b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp(x->text, y->text);
}

int main(int argc, char **argv) {
  long top = argc > 1 ? atol(argv[1]) : 5;
  char buf[256];
  size_t n = 0;
  int c;
  do {
    c = getchar();
    if (c != EOF && (isalnum(c) || c == '\'') && n < sizeof buf - 1) {
      buf[n++] = (char)tolower(c);
    } else if (n > 0) {
      buf[n] = '\0';
      n = 0;
      if (add(buf) < 0) {
        fprintf(stderr, "wordfreq: out of memory\n");
        return 1;
      }
    }
  } while (c != EOF);
  word **all = malloc((nwords ? nwords : 1) * sizeof *all);
  size_t k = 0;
  for (size_t i = 0; all && i < BUCKETS; i++)
    for (word *w = table[i]; w; w = w->next)
      all[k++] = w;
  qsort(all, k, sizeof *all, by_count);
  for (size_t i = 0; i < k && (long)i < top; i++)
    printf("%5ld %s\n", all[i]->count, all[i]->text);
  return 0;
}
