/* What every route of the Gopher example shares: reading the request that
 * gopherd writes on stdin (the selector line, then "HOST<TAB>PORT") and
 * writing Gopher lines (each ends in CRLF). */
#ifndef ROUTE_H
#define ROUTE_H

#include <dagger.h>

typedef struct request {
  char selector[1100];
  char host[256];
  char port[8];
} request;

/* Reads the request from stdin; false when it is not there. */
static inline bool read_request(request *req) {
  static char buf[2048];
  char where[300];
  dg_reader in;
  dg_reader_init(&in, dg_stdin(), buf, sizeof buf);
  if (dg_read_line(&in, req->selector, sizeof req->selector) < 0 ||
      dg_read_line(&in, where, sizeof where) < 0)
    return false;
  char *tab = dg_strchr(where, '\t');
  if (!tab)
    return false;
  *tab = '\0';
  dg_strcopy(req->host, sizeof req->host, where);
  dg_strcopy(req->port, sizeof req->port, tab + 1);
  return true;
}

/* Writes a menu item: type, display text, selector, host, port. */
static inline void menu_item(char type, const char *text, const char *selector,
                             const char *host, const char *port) {
  char t[2] = {type, '\0'};
  dg_print(t);
  dg_print(text);
  dg_print("\t");
  dg_print(selector);
  dg_print("\t");
  dg_print(host);
  dg_print("\t");
  dg_print(port);
  dg_print("\r\n");
}

/* An informational line of a menu (type i, selects nothing). */
static inline void menu_info(const char *text) {
  menu_item('i', text, "", "error.host", "1");
}

/* The end of a menu or a text. */
static inline void end_of_response(void) {
  dg_print(".\r\n");
}

#endif
