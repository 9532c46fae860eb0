/* sock_accept, sock_recv, sock_send, sock_shutdown.
 *
 * Preview1 creates no sockets: a program only gets the ones its host
 * preopened, and daggercc preopens none (network access is http:// and
 * https:// streams, under the policy). So no descriptor is ever a socket:
 * these answer EBADF for a closed descriptor and ENOTSOCK otherwise, which
 * is what a host gives for a descriptor that is not a socket. */
#include "wasi.h"

static int32_t not_a_socket(dagger_rt *rt, uint64_t fd) {
  return wasi_stream(rt, (uint32_t)fd) ? WASI_ENOTSOCK : WASI_EBADF;
}

int32_t wasi_sock_accept(dagger_rt *rt, const uint64_t *a) {
  return not_a_socket(rt, a[0]);
}

int32_t wasi_sock_recv(dagger_rt *rt, const uint64_t *a) {
  return not_a_socket(rt, a[0]);
}

int32_t wasi_sock_send(dagger_rt *rt, const uint64_t *a) {
  return not_a_socket(rt, a[0]);
}

int32_t wasi_sock_shutdown(dagger_rt *rt, const uint64_t *a) {
  return not_a_socket(rt, a[0]);
}
