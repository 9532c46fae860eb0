/* Stream throughput guest: copies up to LIMIT bytes from one URL to another
 * in 64 KiB pieces. Standard input holds three lines: source URL,
 * destination URL, LIMIT (0: until the end of the source). An http(s)
 * source is first sent a GET for its path; the copy then includes the
 * response's head. Prints the bytes copied. Used by bench/streams.sh. */
#include "dagger.h"

static char buf[64 << 10];

/* Reads one line of standard input into line (NUL-terminated). */
static bool read_line(dg_reader *r, char *line, size_t cap) {
  long n = dg_read_line(r, line, cap);
  return n > 0;
}

/* Sends "GET <path of url> HTTP/1.1" on an http(s) stream. */
static int get(int fd, const char *url) {
  const char *path = dg_strchr(dg_strchr(url, ':') + 3, '/');
  if (dg_write_str(fd, "GET ") < 0 || dg_write_str(fd, path ? path : "/") < 0 ||
      dg_write_str(fd, " HTTP/1.1\r\n\r\n") < 0)
    return -1;
  return dg_flush(fd);
}

int dagger_main(void) {
  static char inbuf[4096], src[1024], dst[1024], lim[32];
  dg_reader r;
  dg_reader_init(&r, dg_stdin(), inbuf, sizeof inbuf);
  if (!read_line(&r, src, sizeof src) || !read_line(&r, dst, sizeof dst) ||
      !read_line(&r, lim, sizeof lim)) {
    dg_eprint("copy: expected source, destination and limit lines\n");
    return 2;
  }
  uint64_t limit = 0, done = 0;
  dg_parse_uint(lim, dg_strlen(lim), &limit);
  int in = dg_open(src), out = dg_open(dst);
  if (in < 0 || out < 0 || (dg_starts_with(src, "http") && get(in, src) < 0)) {
    dg_eprint("copy: open failed\n");
    return 1;
  }
  while (limit == 0 || done < limit) {
    size_t want = sizeof buf;
    if (limit && limit - done < want)
      want = (size_t)(limit - done);
    int n = dg_read(in, buf, want);
    if (n < 0)
      return dg_eprint(dg_strerror(n)), 1;
    if (n == 0)
      break;
    if (dg_write_all(out, buf, (size_t)n) < 0)
      return 1;
    done += (uint64_t)n;
  }
  dg_print_uint(done);
  dg_puts("");
  return 0;
}
