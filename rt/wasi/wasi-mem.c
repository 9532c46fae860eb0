/* WASI values in guest memory, and errno values.
 *
 * WASI structures are little-endian in guest memory on every host; they are
 * assembled in host buffers byte by byte and moved with the runtime's
 * bounds-checked accessors, which also hide the byte-reversed layout of
 * big-endian targets. */
#include <errno.h>
#include <string.h>

#include "wasi.h"

int wasi_store32(dagger_rt *rt, uint32_t ptr, uint32_t v) {
  uint8_t b[4];
  if (!rt->mem.reversed && dagger_mem_in_range(&rt->mem, ptr, 4)) {
    wasi_put32(dagger_mem_span_checked(&rt->mem, ptr), v);
    return 0;
  }
  wasi_put32(b, v);
  return dagger_mem_store(&rt->mem, ptr, b, 4) ? WASI_EFAULT : 0;
}

int wasi_store64(dagger_rt *rt, uint32_t ptr, uint64_t v) {
  uint8_t b[8];
  wasi_put64(b, v);
  return dagger_mem_store(&rt->mem, ptr, b, 8) ? WASI_EFAULT : 0;
}

int wasi_load_path(dagger_rt *rt, uint32_t ptr, uint32_t len, char *buf,
                   size_t size) {
  if (dagger_mem_check(&rt->mem, ptr, len) != DAGGER_OK)
    return WASI_EFAULT;
  if (len >= size)
    return WASI_ENAMETOOLONG;
  dagger_mem_load(&rt->mem, ptr, buf, len);
  buf[len] = '\0';
  return memchr(buf, '\0', len) ? WASI_EINVAL : 0;
}

int wasi_load_iovs(dagger_rt *rt, uint32_t iovs, uint32_t n, wasi_iov *out) {
  uint8_t raw[8];
  if (n > WASI_IOV_MAX)
    return WASI_EINVAL;
  if (!dagger_mem_in_range(&rt->mem, iovs, (uint64_t)n * 8))
    return WASI_EFAULT;
  const uint8_t *direct =
      rt->mem.reversed ? NULL : dagger_mem_span_checked(&rt->mem, iovs);
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *p = direct ? direct + i * 8 : raw;
    if (!direct)
      dagger_mem_load(&rt->mem, iovs + i * 8, raw, 8);
    out[i].buf = wasi_get32(p);
    out[i].len = wasi_get32(p + 4);
    if (!dagger_mem_in_range(&rt->mem, out[i].buf, out[i].len))
      return WASI_EFAULT;
  }
  return 0;
}

int wasi_errno(int e) {
  switch (e) {
  case 0:
    return WASI_ESUCCESS;
  case E2BIG:
    return WASI_E2BIG;
  case EACCES:
    return WASI_EACCES;
  case EAGAIN:
    return WASI_EAGAIN;
  case EBADF:
    return WASI_EBADF;
  case EBUSY:
    return WASI_EBUSY;
  case EEXIST:
    return WASI_EEXIST;
  case EFAULT:
    return WASI_EFAULT;
  case EFBIG:
    return WASI_EFBIG;
  case EINTR:
    return WASI_EINTR;
  case EINVAL:
    return WASI_EINVAL;
  case EISDIR:
    return WASI_EISDIR;
  case ELOOP:
    return WASI_ELOOP;
  case EMFILE:
    return WASI_EMFILE;
  case EMLINK:
    return WASI_EMLINK;
  case ENAMETOOLONG:
    return WASI_ENAMETOOLONG;
  case ENFILE:
    return WASI_ENFILE;
  case ENODEV:
    return WASI_ENODEV;
  case ENOENT:
    return WASI_ENOENT;
  case ENOMEM:
    return WASI_ENOMEM;
  case ENOSPC:
    return WASI_ENOSPC;
  case ENOSYS:
    return WASI_ENOSYS;
  case ENOTDIR:
    return WASI_ENOTDIR;
  case ENOTEMPTY:
    return WASI_ENOTEMPTY;
  case ENOTSOCK:
    return WASI_ENOTSOCK;
  case EOPNOTSUPP:
    return WASI_ENOTSUP;
  case ENOTTY:
    return WASI_ENOTTY;
  case ENXIO:
    return WASI_ENXIO;
  case EOVERFLOW:
    return WASI_EOVERFLOW;
  case EPERM:
    return WASI_EPERM;
  case EPIPE:
    return WASI_EPIPE;
  case ERANGE:
    return WASI_ERANGE;
  case EROFS:
    return WASI_EROFS;
  case ESPIPE:
    return WASI_ESPIPE;
  case ETXTBSY:
    return WASI_ETXTBSY;
  case EXDEV:
    return WASI_EXDEV;
  default:
    return WASI_EIO;
  }
}

int wasi_from_dagger(int err) {
  switch (err < 0 ? -err : err) {
  case DAGGER_OK:
    return WASI_ESUCCESS;
  case DAGGER_BAD_DESCRIPTOR:
    return WASI_EBADF;
  case DAGGER_BAD_POINTER:
    return WASI_EFAULT;
  case DAGGER_NOT_PERMITTED:
    return WASI_EPERM;
  case DAGGER_NOT_FOUND:
    return WASI_ENOENT;
  case DAGGER_TOO_MANY_OPEN:
    return WASI_EMFILE;
  case DAGGER_UNSUPPORTED:
    return WASI_EBADF; /* read from a write-only stream, and the reverse */
  case DAGGER_BAD_URL:
  case DAGGER_BAD_URL_INPUT:
    return WASI_EINVAL;
  default:
    return WASI_EIO;
  }
}
