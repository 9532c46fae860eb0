/* log: writes log lines through log://?prefix=NAME streams.
 *
 * Each write on a log:// stream becomes one line on the process's stderr:
 * a UTC timestamp, "NAME: ", the bytes. Two streams with different
 * prefixes tell two parts of a program apart. stdout gets a summary. */
#include <dagger.h>

int dagger_main(void) {
  int main_log = dg_open("log://?prefix=demo");
  int worker_log = dg_open("log://?prefix=demo.worker");
  if (main_log < 0 || worker_log < 0) {
    dg_eprint("log: cannot open log://\n");
    return 1;
  }
  dg_write_str(main_log, "starting 3 jobs");
  for (int job = 1; job <= 3; job++) {
    char msg[64];
    size_t n = dg_strcopy(msg, sizeof msg, "job ");
    n += dg_fmt_int(msg + n, job);
    dg_strcopy(msg + n, sizeof msg - n, " done\n"); /* one newline, not two */
    dg_write_str(worker_log, msg);
  }
  dg_write_str(main_log, "all jobs done");
  dg_close(worker_log);
  dg_close(main_log);
  dg_puts("wrote 5 log lines to stderr");
  return 0;
}
