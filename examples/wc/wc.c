/* wc: counts the lines, words and bytes of stdin:// and prints them as
 * "LINES WORDS BYTES". A word is a maximal run of bytes that are not
 * white space; a line is a "\n". */
#include <dagger.h>

static char buf[65536];

int dagger_main(void) {
  int in = dg_stdin();
  if (in < 0) {
    dg_eprint("wc: cannot open stdin://\n");
    return 1;
  }
  uint64_t lines = 0, words = 0, bytes = 0;
  bool in_word = false;
  for (;;) {
    int n = dg_read(in, buf, sizeof buf);
    if (n < 0) {
      dg_eprint("wc: read: ");
      dg_eprint(dg_strerror(n));
      dg_eprint("\n");
      return 1;
    }
    if (n == 0)
      break;
    bytes += (uint64_t)n;
    for (int i = 0; i < n; i++) {
      int c = (unsigned char)buf[i];
      lines += c == '\n';
      if (dg_isspace(c))
        in_word = false;
      else if (!in_word)
        in_word = true, words++;
    }
  }
  dg_print_uint(lines);
  dg_print(" ");
  dg_print_uint(words);
  dg_print(" ");
  dg_print_uint(bytes);
  return dg_puts("") < 0;
}
