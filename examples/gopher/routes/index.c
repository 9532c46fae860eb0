/* The menu, for the empty selector: items pointing back to this server,
 * whose host and port gopherd passes on stdin. */
#include "route.h"

int dagger_main(void) {
  request req;
  if (!read_request(&req))
    return 1;
  menu_info("Welcome to the daggercc Gopher server.");
  menu_info("Every route here is a WebAssembly module compiled by daggercc.");
  menu_item('0', "About this server", "/text/about.txt", req.host, req.port);
  menu_item('0', "A poem", "/text/poem.txt", req.host, req.port);
  menu_item('0', "A route that traps", "/trap", req.host, req.port);
  menu_item('0', "A route that never ends", "/loop", req.host, req.port);
  end_of_response();
  return 0;
}
