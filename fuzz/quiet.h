/* What the fuzz targets whose code under test prints on stderr share.
 *
 * A denied open prints a line on stderr; so that millions of them do not
 * drown libFuzzer's own output, such a target calls quiet_stderr() from
 * LLVMFuzzerInitialize: it adds -close_fd_mask=2 to the command line
 * (unless the user chose a mask), and libFuzzer and the sanitizers then
 * report on a duplicate of stderr, as fail() does. Included once, by the
 * target's own source. */
#ifndef DAGGER_FUZZ_QUIET_H
#define DAGGER_FUZZ_QUIET_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int report_fd = 2;

/* The target's own failure: a line on the reporting descriptor, abort. */
__attribute__((format(printf, 1, 2), noreturn)) static void
fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdprintf(report_fd, fmt, ap);
  va_end(ap);
  dprintf(report_fd, "\n");
  abort();
}

static void quiet_stderr(int *argc, char ***argv) {
  static char *args[256];
  static char quiet[] = "-close_fd_mask=2";
  int n = *argc < 254 ? *argc : 254;

  report_fd = dup(2);
  if (report_fd < 0)
    report_fd = 2;
  for (int i = 0; i < n; i++) {
    args[i] = (*argv)[i];
    if (strncmp(args[i], "-close_fd_mask=", 15) == 0)
      return; /* the user chose */
  }
  args[n] = quiet;
  args[n + 1] = NULL;
  *argc = n + 1;
  *argv = args;
}

#endif
