/* cat: copies stdin:// to stdout:// in 64 KiB pieces until end of stream.
 * Exit status 0, or 1 with the error's name on stderr. */
#include <dagger.h>

static char buf[65536];

static int fail(const char *what, int err) {
  dg_eprint("cat: ");
  dg_eprint(what);
  dg_eprint(": ");
  dg_eprint(dg_strerror(err));
  dg_eprint("\n");
  return 1;
}

int dagger_main(void) {
  int in = dg_stdin(), out = dg_stdout();
  if (in < 0)
    return fail("stdin://", in);
  if (out < 0)
    return fail("stdout://", out);
  for (;;) {
    int n = dg_read(in, buf, sizeof buf);
    if (n < 0)
      return fail("read", n);
    if (n == 0)
      return 0;
    int err = dg_write_all(out, buf, (size_t)n);
    if (err < 0)
      return fail("write", err);
  }
}
