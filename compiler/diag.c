/* Error messages of the compiler library. Library code never prints: it
 * formats one line into a dgc_diag and returns -1, and the driver decides
 * where the line goes. */
#include "compiler.h"

#include <stdarg.h>
#include <stdbool.h>
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

/* Names in a module, file names and arguments are arbitrary bytes and may
 * hold control characters (a newline, ESC); a message must stay one line
 * on a terminal, so those are escaped as \xNN: the one rule for every
 * message of both drivers. */
static bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

/* Long names are cut so that the rest of the message survives. */
const char *dgc_printable(char *out, size_t size, const char *s) {
  size_t n = 0;

  if (size == 0)
    return out;
  for (; *s && n + 1 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (!is_control(c)) {
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

void dgc_put_escaped(FILE *out, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (is_control(c))
      fprintf(out, "\\x%02x", c);
    else
      fputc(c, out);
  }
}

void dgc_print_error(FILE *out, const char *tool, const char *fmt, ...) {
  char line[8192];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(out, "%s: ", tool);
  dgc_put_escaped(out, line);
  fputc('\n', out);
}
