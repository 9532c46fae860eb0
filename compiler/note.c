/* Self-describing programs: every program daggercc builds carries an ELF
 * note, section .note.daggercc, owner "daggercc", type 1, that says what
 * built it and how; `daggercc --inspect PROGRAM` reads it back.
 *
 * The note's descriptor is a list of NUL-terminated "key=value" strings
 * (format 1), in this order: format, version, target, bounds, static,
 * opt, module-sha256, policy-default, then the repeatable ones: allow,
 * deny, env, limit (itself "NAME=VALUE"), flag (a command-line word of
 * daggercc), and cc, cflags when set. Nothing in it depends on where or
 * when the program was built (no path, no time): the build stays
 * reproducible.
 *
 * Reading: the ELF section headers are parsed here, for ELF32 and ELF64 of
 * either byte order (a program built for s390x or 32-bit arm is inspected
 * on any host), every offset checked against the file's size; no libelf. */
#include "compiler.h"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOTE_SECTION ".note.daggercc"
#define NOTE_OWNER "daggercc"
#define NOTE_TYPE 1u
/* A descriptor bigger than this is no note of ours (rules are short). */
#define NOTE_MAX ((uint64_t)1 << 24)

/* ---- building ---------------------------------------------------------- */

/* One entry: key=value and its NUL. */
static void put(dgc_buf *b, const char *key, const char *value) {
  dgc_buf_put(b, key, strlen(key));
  dgc_buf_put(b, "=", 1);
  dgc_buf_put(b, value, strlen(value) + 1);
}

static void put_list(dgc_buf *b, const char *key, const char *const *list,
                     size_t n) {
  for (size_t i = 0; list && (n == SIZE_MAX ? list[i] != NULL : i < n); i++)
    put(b, key, list[i]);
}

int dgc_note_build(const dgc_note_info *in, char **desc, size_t *len,
                   dgc_diag *d) {
  dgc_buf b = {0};
  const dgc_policy *p = in->policy;

  put(&b, "format", "1");
  put(&b, "version", DGC_VERSION);
  put(&b, "target", in->target);
  put(&b, "bounds", in->bounds);
  put(&b, "static", in->static_link ? "yes" : "no");
  put(&b, "opt", (char[]){'-', 'O', (char)('0' + in->opt_level), '\0'});
  put(&b, "module-sha256", in->module_sha256);
  put(&b, "policy-default", dgc_policy_default_allow(p) ? "allow" : "deny");
  put_list(&b, "allow", p->allow, p->nallow);
  put_list(&b, "deny", p->deny, p->ndeny);
  put_list(&b, "env", in->env, SIZE_MAX);
  put_list(&b, "limit", in->limits, SIZE_MAX);
  put_list(&b, "flag", in->flags, SIZE_MAX);
  if (in->cc)
    put(&b, "cc", in->cc);
  if (in->cflags)
    put(&b, "cflags", in->cflags);
  if (b.oom) {
    free(b.p);
    return dgc_fail(d, "out of memory");
  }
  *desc = b.p;
  *len = b.n;
  return 0;
}

void dgc_note_emit(FILE *out, const char *desc, size_t len) {
  size_t padded = (len + 3) & ~(size_t)3;

  fprintf(out,
          "/* What built this program, for daggercc --inspect "
          "(compiler/note.c). */\n"
          "__attribute__((section(\"" NOTE_SECTION "\"), used, aligned(4)))\n"
          "static const struct {\n"
          "  uint32_t namesz, descsz, type;\n"
          "  char name[%zu];\n"
          "  unsigned char desc[%zu];\n"
          "} dagger_glue_note = {%zu, %zu, %u, \"" NOTE_OWNER "\", {",
          (sizeof NOTE_OWNER + 3) & ~(size_t)3, padded ? padded : 4,
          sizeof NOTE_OWNER, len, NOTE_TYPE);
  for (size_t i = 0; i < len; i++)
    fprintf(out, "%s%u,", i % 16 ? " " : "\n    ", (unsigned char)desc[i]);
  fputs("\n}};\n\n", out);
}

/* ---- reading ELF --------------------------------------------------------- */

typedef struct elf {
  int fd;
  uint64_t size;
  bool is64, big;
  dgc_diag *d;
  const char *path;
} elf;

static uint64_t get(const elf *e, const unsigned char *p, int n) {
  uint64_t v = 0;

  for (int i = 0; i < n; i++)
    v |= (uint64_t)p[e->big ? n - 1 - i : i] << (8 * i);
  return v;
}

static int damaged(elf *e, const char *why) {
  return dgc_fail(e->d, "%s: not a daggercc program (damaged ELF file: %s)",
                  e->path, why);
}

/* n bytes at off, all inside the file. */
static int read_at(elf *e, uint64_t off, void *to, size_t n) {
  ssize_t got;

  if (off > e->size || n > e->size - off)
    return damaged(e, "an offset past the end of the file");
  do
    got = pread(e->fd, to, n, (off_t)off);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    return dgc_fail(e->d, "%s: %s", e->path, strerror(errno));
  return (size_t)got == n ? 0 : damaged(e, "the file is shorter than it was");
}

typedef struct shdr {
  uint32_t name, link;
  uint64_t offset, size;
} shdr;

static int section(elf *e, uint64_t shoff, uint64_t entsize, uint64_t i,
                   shdr *s) {
  unsigned char h[64];
  size_t n = e->is64 ? 64 : 40;

  if (entsize < n)
    return damaged(e, "section headers too small");
  /* i < 2^32 and entsize < 2^16: no overflow */
  if (read_at(e, shoff + i * entsize, h, n) != 0)
    return -1;
  s->name = (uint32_t)get(e, h, 4);
  s->link = (uint32_t)get(e, h + (e->is64 ? 40 : 24), 4);
  s->offset = e->is64 ? get(e, h + 24, 8) : get(e, h + 16, 4);
  s->size = e->is64 ? get(e, h + 32, 8) : get(e, h + 20, 4);
  return 0;
}

/* The header's section table: offset, entry size, count and the index of
 * the section names (counts past 0xff00 live in section 0). */
static int table(elf *e, uint64_t *shoff, uint64_t *entsize, uint64_t *shnum,
                 uint64_t *shstrndx) {
  unsigned char h[64];
  shdr s0;

  if (read_at(e, 0, h, e->is64 ? 64 : 52) != 0)
    return -1;
  *shoff = e->is64 ? get(e, h + 40, 8) : get(e, h + 32, 4);
  *entsize = get(e, h + (e->is64 ? 58 : 46), 2);
  *shnum = get(e, h + (e->is64 ? 60 : 48), 2);
  *shstrndx = get(e, h + (e->is64 ? 62 : 50), 2);
  if (*shoff == 0)
    return damaged(e, "no section headers (stripped of them?)");
  if ((*shnum == 0 || *shstrndx == 0xffff) &&
      section(e, *shoff, *entsize, 0, &s0) != 0)
    return -1;
  if (*shnum == 0)
    *shnum = s0.size;
  if (*shstrndx == 0xffff)
    *shstrndx = s0.link;
  if (*shstrndx >= *shnum)
    return damaged(e, "no section names");
  return 0;
}

/* The note section's contents (malloc'd), or 1 when there is none. */
static int find_note(elf *e, unsigned char **data, uint64_t *len) {
  uint64_t shoff, entsize, shnum, shstrndx;
  char name[sizeof NOTE_SECTION];
  shdr names, s;

  if (table(e, &shoff, &entsize, &shnum, &shstrndx) != 0 ||
      section(e, shoff, entsize, shstrndx, &names) != 0)
    return -1;
  for (uint64_t i = 1; i < shnum; i++) {
    if (section(e, shoff, entsize, i, &s) != 0)
      return -1;
    if (s.name >= names.size || names.size - s.name < sizeof name ||
        read_at(e, names.offset + s.name, name, sizeof name) != 0 ||
        memcmp(name, NOTE_SECTION, sizeof name) != 0)
      continue;
    if (s.size > NOTE_MAX)
      return damaged(e, NOTE_SECTION " too big");
    *data = malloc(s.size ? s.size : 1);
    if (!*data)
      return dgc_fail(e->d, "out of memory");
    *len = s.size;
    if (read_at(e, s.offset, *data, s.size) == 0)
      return 0;
    free(*data);
    return -1;
  }
  return 1;
}

/* The descriptor of the first note owned by daggercc in data. */
static int find_desc(elf *e, const unsigned char *data, uint64_t len,
                     char **desc, size_t *dlen) {
  uint64_t at = 0;

  while (len - at >= 12) {
    uint64_t namesz = get(e, data + at, 4), descsz = get(e, data + at + 4, 4);
    uint64_t type = get(e, data + at + 8, 4);
    uint64_t name_at = at + 12, desc_at = name_at + ((namesz + 3) & ~3ull);
    if (desc_at > len || descsz > len - desc_at)
      return damaged(e, "a note runs past its section");
    if (type == NOTE_TYPE && namesz == sizeof NOTE_OWNER &&
        memcmp(data + name_at, NOTE_OWNER, namesz) == 0) {
      *desc = malloc(descsz + 1);
      if (!*desc)
        return dgc_fail(e->d, "out of memory");
      memcpy(*desc, data + desc_at, descsz);
      (*desc)[descsz] = '\0';
      *dlen = descsz;
      return 0;
    }
    at = desc_at + ((descsz + 3) & ~3ull);
  }
  return damaged(e, NOTE_SECTION " holds no daggercc note");
}

static int read_elf(elf *e, char **desc, size_t *len) {
  unsigned char id[16], *data = NULL;
  uint64_t n = 0;
  int rc;

  if (e->size < 16 || read_at(e, 0, id, 16) != 0 ||
      memcmp(id, "\177ELF", 4) != 0)
    return dgc_fail(e->d, "%s: not a daggercc program (not an ELF file)",
                    e->path);
  if ((id[4] != 1 && id[4] != 2) || (id[5] != 1 && id[5] != 2))
    return damaged(e, "unknown class or byte order");
  e->is64 = id[4] == 2;
  e->big = id[5] == 2;
  if (e->size < (e->is64 ? 64u : 52u))
    return damaged(e, "header cut short");
  rc = find_note(e, &data, &n);
  if (rc == 1)
    return dgc_fail(e->d,
                    "%s: not a daggercc program (an ELF file without a "
                    "daggercc note: no " NOTE_SECTION " section)",
                    e->path);
  if (rc == 0)
    rc = find_desc(e, data, n, desc, len);
  free(data);
  return rc;
}

int dgc_note_read(const char *path, char **desc, size_t *len, dgc_diag *d) {
  elf e = {.d = d, .path = path};
  struct stat st;
  int rc;

  e.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (e.fd < 0)
    return dgc_fail(d, "%s: %s", path, strerror(errno));
  if (fstat(e.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(e.fd);
    return dgc_fail(d, "%s: not a daggercc program (not a regular file)", path);
  }
  e.size = (uint64_t)st.st_size;
  rc = read_elf(&e, desc, len);
  close(e.fd);
  return rc;
}

/* ---- printing -------------------------------------------------------- */

/* Calls each(ctx, key, value) for every entry of desc. */
static void entries(const char *desc, size_t len,
                    void (*each)(void *ctx, const char *key, size_t klen,
                                 const char *value),
                    void *ctx) {
  for (size_t at = 0; at < len; at += strlen(desc + at) + 1) {
    const char *e = desc + at, *eq = strchr(e, '=');
    if (eq)
      each(ctx, e, (size_t)(eq - e), eq + 1);
  }
}

static void print_text(void *ctx, const char *key, size_t klen,
                       const char *value) {
  FILE *out = ctx;

  fprintf(out, "%.*s:%*s", (int)klen, key, klen < 14 ? (int)(14 - klen) : 1,
          "");
  dgc_put_escaped(out, value);
  fputc('\n', out);
}

/* A JSON string of n bytes of s; key: '-' written as '_'. */
static void json_string(FILE *out, const char *s, size_t n, bool key) {
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (key && c == '-')
      fputc('_', out);
    else if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

/* The JSON object, one member per line: scalars first, then each list. */
typedef struct json {
  FILE *out;
  const char *list; /* NULL: scalars; else the key of the list printed */
  bool first;
} json;

static bool is_list(const char *key, size_t n) {
  static const char *const lists[] = {"allow", "deny", "env", "flag", "limit"};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if (strlen(lists[i]) == n && memcmp(lists[i], key, n) == 0)
      return true;
  return false;
}

static void json_member(void *ctx, const char *key, size_t klen,
                        const char *value) {
  json *j = ctx;

  if (!j->list && !is_list(key, klen)) {
    fputs(",\n  ", j->out);
    json_string(j->out, key, klen, true);
    fputs(": ", j->out);
    if (klen == 6 && memcmp(key, "static", 6) == 0)
      fputs(strcmp(value, "yes") == 0 ? "true" : "false", j->out);
    else if (klen == 6 && memcmp(key, "format", 6) == 0 &&
             strspn(value, "0123456789") == strlen(value) && *value)
      fputs(value, j->out);
    else
      json_string(j->out, value, strlen(value), false);
    return;
  }
  if (!j->list || strlen(j->list) != klen || memcmp(j->list, key, klen) != 0)
    return;
  fputs(j->first ? "" : ", ", j->out);
  j->first = false;
  if (strcmp(j->list, "limit") == 0) { /* NAME=VALUE: a member */
    const char *eq = strchr(value, '=');
    size_t n = eq ? (size_t)(eq - value) : strlen(value);
    json_string(j->out, value, n, false);
    fputs(": ", j->out);
    value = eq ? eq + 1 : "";
  }
  json_string(j->out, value, strlen(value), false);
}

static void print_json(FILE *out, const char *desc, size_t len) {
  static const struct {
    const char *key, *name, *open, *close;
  } lists[] = {{"allow", "allow", "[", "]"},
               {"deny", "deny", "[", "]"},
               {"env", "env", "[", "]"},
               {"limit", "limits", "{", "}"},
               {"flag", "flags", "[", "]"}};
  json j = {.out = out};

  fputs("{\n  \"daggercc_note\": true", out);
  entries(desc, len, json_member, &j);
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    j.list = lists[i].key;
    j.first = true;
    fprintf(out, ",\n  \"%s\": %s", lists[i].name, lists[i].open);
    entries(desc, len, json_member, &j);
    fputs(lists[i].close, out);
  }
  fputs("\n}\n", out);
}

void dgc_note_print(FILE *out, const char *desc, size_t len, bool as_json) {
  if (as_json)
    print_json(out, desc, len);
  else
    entries(desc, len, print_text, out);
}
