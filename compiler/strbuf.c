/* A growing byte buffer: the generated texts (shards, the data's
 * assembler, the note) are built in one. */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

bool dgc_buf_reserve(dgc_buf *b, size_t n) {
  if (b->oom || b->n + n + 1 <= b->cap)
    return !b->oom;
  /* Doubling for many small puts, the exact size for one big one. */
  size_t need = b->n + n + 1, cap = b->cap ? b->cap * 2 : 4096;
  if (cap < need)
    cap = need;
  char *p = realloc(b->p, cap);
  if (!p)
    return !(b->oom = true);
  b->p = p;
  b->cap = cap;
  return true;
}

void dgc_buf_put(dgc_buf *b, const void *s, size_t n) {
  if (n == 0 || !dgc_buf_reserve(b, n))
    return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
