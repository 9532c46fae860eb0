/* Names the wasm functions on a trapped program's stack (see wasm2c.h).
 *
 * traps.c captured return addresses; here each is looked up in the
 * executable's own symbol table (.symtab of /proc/self/exe, mapped
 * read-only), which names the C function holding it; the glue's table maps
 * wasm2c's C names (w2c_..., Z_mZ_... for an export's wrapper, and the
 * glue's dagger_glue_entry) back to wasm names. A symbol table rather
 * than a table of function addresses compiled into the program, because
 * the C compiler splits and clones functions (w2c_f.cold, w2c_f.part.0,
 * w2c_f.constprop.0: the name before the first dot is the function) and
 * the symbol table has each piece's extent; and it costs nothing until a
 * trap. Frames of anything else (the runtime, the glue, libc) are skipped.
 *
 * Limits, said in docs/traps.md: a wasm function the C compiler inlined
 * into its caller shows as the caller; a program stripped of its symbols
 * names no function. Runs after the jump out of the guest, never in a
 * signal handler, so it may open files and map memory. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasm2c.h"

typedef struct image {
  const unsigned char *p;
  size_t size;
  const ElfW(Sym) * syms;
  size_t nsyms;
  const char *strs;
  size_t strsize;
  uintptr_t bias; /* load address minus link address (PIE) */
} image;

static int first_object(struct dl_phdr_info *info, size_t size, void *bias) {
  (void)size;
  *(uintptr_t *)bias = (uintptr_t)info->dlpi_addr;
  return 1; /* the first object is the executable itself */
}

/* Whether [off, off + n) lies inside the file. */
static int inside(const image *im, uint64_t off, uint64_t n) {
  return off <= im->size && n <= im->size - off;
}

static const char *find_symtab(image *im) {
  const ElfW(Ehdr) *eh = (const void *)im->p;
  const ElfW(Shdr) * sh;

  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_shentsize != sizeof *sh ||
      !inside(im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof *sh))
    return "its own file has no section headers";
  sh = (const void *)(im->p + eh->e_shoff);
  for (size_t i = 0; i < eh->e_shnum; i++) {
    const ElfW(Shdr) *s = &sh[i], *str;
    if (s->sh_type != SHT_SYMTAB || s->sh_link >= eh->e_shnum)
      continue;
    str = &sh[s->sh_link];
    if (!inside(im, s->sh_offset, s->sh_size) ||
        !inside(im, str->sh_offset, str->sh_size) ||
        s->sh_offset % sizeof(void *) != 0)
      return "its own symbol table is damaged";
    im->syms = (const void *)(im->p + s->sh_offset);
    im->nsyms = s->sh_size / sizeof *im->syms;
    im->strs = (const char *)im->p + str->sh_offset;
    im->strsize = str->sh_size;
    return NULL;
  }
  return "the program is stripped of its symbols";
}

static const char *open_image(image *im) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  struct stat st;
  void *p;

  if (fd < 0)
    return "cannot read its own file";
  if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(ElfW(Ehdr))) {
    close(fd);
    return "cannot read its own file";
  }
  p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED)
    return "cannot map its own file";
  im->p = p;
  im->size = (size_t)st.st_size;
  dl_iterate_phdr(first_object, &im->bias);
  return find_symtab(im);
}

/* The name of the function symbol whose extent holds pc, or NULL. */
static const char *symbol_at(const image *im, uintptr_t pc) {
  uintptr_t a = pc - im->bias;

  for (size_t i = 0; i < im->nsyms; i++) {
    const ElfW(Sym) *s = &im->syms[i];
    uintptr_t v = (uintptr_t)s->st_value;
#if defined(__arm__)
    v &= ~(uintptr_t)1; /* the Thumb bit */
#endif
    if ((s->st_info & 0xf) == STT_FUNC && s->st_shndx != SHN_UNDEF && a >= v &&
        a - v < s->st_size && s->st_name < im->strsize)
      return im->strs + s->st_name;
  }
  return NULL;
}

static int by_cname(const void *key, const void *elem) {
  return strcmp(key, ((const dagger_w2c_func *)elem)->cname);
}

/* The wasm name of the C symbol sym (a clone's suffix dropped), or NULL. */
static const char *wasm_name(const dagger_w2c_func *fns, size_t n,
                             const char *sym) {
  char base[512];
  size_t len = strcspn(sym, ".");
  const dagger_w2c_func *f;

  if (len >= sizeof base ||
      (strncmp(sym, "w2c_", 4) != 0 && strncmp(sym, "Z_", 2) != 0 &&
       strncmp(sym, "dagger_glue_", 12) != 0))
    return NULL;
  memcpy(base, sym, len);
  base[len] = '\0';
  f = bsearch(base, fns, n, sizeof *fns, by_cname);
  return f ? f->name : NULL;
}

size_t dagger_w2c_where(const dagger_w2c_func *fns, size_t n,
                        const char **names, size_t max, const char **why) {
  const dagger_w2c_trap_site *site = dagger_w2c_site();
  image im = {0};
  const char *problem = open_image(&im);
  size_t k = 0;

  for (size_t i = 0; !problem && i < site->npcs && k < max; i++) {
    const char *sym = symbol_at(&im, site->pcs[i]);
    const char *name = sym ? wasm_name(fns, n, sym) : NULL;
    /* An export's wrapper (Z_...) and the glue's entry call (dagger_...)
     * are called only from the host: after a frame of their function they
     * are the same call, not another. */
    if (name && sym[0] != 'w' && k > 0 && strcmp(names[k - 1], name) == 0)
      continue;
    if (name)
      names[k++] = name;
  }
  if (im.p)
    munmap((void *)im.p, im.size);
  if (!problem && k == 0)
    problem = site->npcs ? "no wasm function on its stack"
                         : "its stack could not be walked";
  if (why)
    *why = k ? NULL : problem;
  return k;
}
