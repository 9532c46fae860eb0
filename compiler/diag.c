/* Error messages of the compiler library. Library code never prints: it
 * formats one line into a dgc_diag and returns -1, and the driver decides
 * where the line goes. */
#include "compiler.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dgc_fail(dgc_diag *d, const char *fmt, ...) {
  va_list ap;

  if (!d)
    return -1;
  va_start(ap, fmt);
  vsnprintf(d->msg, sizeof d->msg, fmt, ap);
  va_end(ap);
  return -1;
}

/* Names in a module are arbitrary UTF-8 and may hold control characters; a
 * message must stay one line on a terminal, so those are escaped. Long names
 * are cut so that the rest of the message survives. */
const char *dgc_printable(char *out, size_t size, const char *s) {
  size_t n = 0;

  if (size == 0)
    return out;
  for (; *s && n + 1 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c != 0x7f) {
      out[n++] = (char)c;
      continue;
    }
    if (n + 5 >= size)
      break;
    n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
  }
  if (*s && size >= 4) {
    n = n < size - 4 ? n : size - 4;
    /* Never cut a UTF-8 sequence in half: back up to its first byte. */
    while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
      n--;
    memcpy(out + n, "...", 4);
    return out;
  }
  out[n] = '\0';
  return out;
}
