/* dice: rolls dice with bytes from random://.
 *
 * Each line of stdin is a roll "NdM" (N dice of M faces, 1 <= N <= 100,
 * 2 <= M <= 1000); no line at all means "5d6". Prints one line per roll:
 * "NdM: a b c = total". A die is a 32-bit random number reduced without
 * bias: numbers at or above the largest multiple of M below 2^32 are drawn
 * again. Exit status 0, or 2 for a roll that is not NdM. */
#include <dagger.h>

static int rnd = -1;

/* A uniform number in 1..faces, or a negated error. */
static int64_t roll(uint32_t faces) {
  uint32_t limit = (uint32_t)(((uint64_t)1 << 32) / faces * faces - 1);
  for (;;) {
    uint32_t v;
    long n = dg_read_all(rnd, &v, sizeof v);
    if (n != (long)sizeof v)
      return n < 0 ? n : -DAGGER_IO;
    if (v <= limit)
      return 1 + v % faces;
  }
}

/* Parses "NdM" into *count and *faces. */
static bool parse_spec(const char *s, size_t len, uint64_t *count,
                       uint64_t *faces) {
  size_t n = dg_parse_uint(s, len, count);
  if (!n || n >= len || (s[n] != 'd' && s[n] != 'D'))
    return false;
  size_t m = dg_parse_uint(s + n + 1, len - n - 1, faces);
  return m && n + 1 + m == len && *count >= 1 && *count <= 100 && *faces >= 2 &&
         *faces <= 1000;
}

static int throw_dice(const char *spec, size_t len) {
  uint64_t count, faces, total = 0;
  if (!parse_spec(spec, len, &count, &faces)) {
    dg_eprint("dice: not a roll like 3d6: ");
    dg_eprint(spec);
    dg_eprint("\n");
    return 2;
  }
  dg_print(spec);
  dg_print(":");
  for (uint64_t i = 0; i < count; i++) {
    int64_t v = roll((uint32_t)faces);
    if (v < 0) {
      dg_eprint("dice: random://: ");
      dg_eprint(dg_strerror((int)v));
      dg_eprint("\n");
      return 1;
    }
    dg_print(" ");
    dg_print_int(v);
    total += (uint64_t)v;
  }
  dg_print(" = ");
  dg_print_uint(total);
  dg_puts("");
  return 0;
}

int dagger_main(void) {
  static char buf[256], line[64];
  rnd = dg_open("random://");
  if (rnd < 0) {
    dg_eprint("dice: cannot open random://\n");
    return 1;
  }
  dg_reader in;
  dg_reader_init(&in, dg_stdin(), buf, sizeof buf);
  long len;
  int rolls = 0;
  while ((len = dg_read_line(&in, line, sizeof line)) >= 0) {
    if (len == 0)
      continue;
    int status = throw_dice(line, (size_t)len);
    if (status)
      return status;
    rolls++;
  }
  return rolls ? 0 : throw_dice("5d6", 3);
}
