/* Text files: "/text/NAME" answers file:///NAME from the jail (gopherd's
 * -J directory) as a Gopher text: CRLF line ends, a line starting with '.'
 * gets another '.', and a lone '.' line ends it. A file that cannot be
 * opened (missing, or outside the jail) answers an error item. */
#include "route.h"

static char buf[16384], line[4096];

int dagger_main(void) {
  request req;
  if (!read_request(&req) || !dg_starts_with(req.selector, "/text/"))
    return 1;
  char url[1200];
  size_t n = dg_strcopy(url, sizeof url, "file:///");
  dg_strcopy(url + n, sizeof url - n, req.selector + 6);
  int fd = dg_open(url);
  if (fd < 0) {
    dg_print("3");
    dg_print(req.selector);
    dg_print(": ");
    dg_print(dg_strerror(fd));
    dg_print("\t\terror.host\t1\r\n");
    end_of_response();
    return 0;
  }
  dg_reader r;
  dg_reader_init(&r, fd, buf, sizeof buf);
  while (dg_read_line(&r, line, sizeof line) >= 0) {
    if (line[0] == '.')
      dg_print(".");
    dg_print(line);
    dg_print("\r\n");
  }
  if (r.error < 0)
    return 1; /* a read error: better no answer than half of one */
  end_of_response();
  return 0;
}
