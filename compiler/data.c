/* Data segments as binary, never as C the compiler must parse.
 *
 * wasm2c 1.0.32 writes each data segment as a C array literal,
 *
 *   static const u8 data_segment_data_w2c_d0[] = {
 *     0x68, 0x65, 0x6c, ...
 *   };
 *
 * six bytes of C per byte of data: a 16 MiB segment is about 100 MB of C,
 * which cost gcc -O2 minutes and gigabytes. This stage takes the bytes out
 * of the module's C into one binary file and leaves a declaration of a
 * hidden symbol in place of each array; an assembler file defines the
 * symbols with `.incbin` of the binary, which the assembler copies without
 * parsing. The bytes are the segment's bytes as the module holds them on
 * every target (wasm2c's load_data reverses them on a big-endian host at
 * run time, after the copy), so the binary is the same for every target.
 *
 * wasm2c writes no array for an empty segment. An array this stage does
 * not recognise stays in the C as it is: slower to compile, never wrong. */
#define _GNU_SOURCE /* memmem */
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

#define ARRAY_HEAD "static const u8 data_segment_data_"

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Parses the array's body, from s (after "{\n") up to the line "};": the
 * bytes go to bytes, *end past the "};\n". False when the body is not a
 * list of 0xHH items. Each item takes at least 5 bytes of text ("0xHH,"),
 * which bounds the room the bytes need. */
static bool parse_body(const char *s, const char *limit, dgc_buf *bytes,
                       const char **end) {
  const char *close = memmem(s, (size_t)(limit - s), "};\n", 3);
  uint8_t *out;

  if (!close || !dgc_buf_reserve(bytes, (size_t)(close - s) / 5 + 1))
    return false;
  limit = close + 3;
  out = (uint8_t *)bytes->p + bytes->n;
  while (s < limit) {
    if (*s == ' ' || *s == ',' || *s == '\n') {
      s++;
      continue;
    }
    if (*s == '}' || limit - s < 4 || s[0] != '0' || s[1] != 'x')
      break;
    int hi = hex_digit(s[2]), lo = hex_digit(s[3]);
    if (hi < 0 || lo < 0)
      return false;
    *out++ = (uint8_t)(hi << 4 | lo);
    s += 4;
  }
  if (limit - s < 3 || memcmp(s, "};\n", 3) != 0)
    return false;
  bytes->n = (size_t)((char *)out - bytes->p);
  *end = s + 3;
  return true;
}

/* The array whose head line starts at s (ARRAY_HEAD NAME[] = {): its name's
 * length and the start of its body, or 0. */
static size_t array_name(const char *s, const char *limit, const char **body) {
  const char *name = s + strlen("static const u8 "), *p = name;

  while (p < limit && *p != '[' && *p != '\n')
    p++;
  if (limit - p < 7 || memcmp(p, "[] = {\n", 7) != 0)
    return 0;
  *body = p + 7;
  return (size_t)(p - name);
}

void dgc_data_symbol(size_t index, size_t k, char *out, size_t size) {
  snprintf(out, size, "daggercc_data_%zu_%zu", index, k);
}

static int add_segment(dgc_data *data, size_t len) {
  size_t *v = realloc(data->sizes, (data->nsegs + 1) * sizeof *v);

  if (!v)
    return -1;
  data->sizes = v;
  data->sizes[data->nsegs++] = len;
  return 0;
}

/* One array replaced: its declaration to out, its bytes to bytes. */
static bool take_array(const char *s, const char *limit, size_t index,
                       dgc_data *data, dgc_buf *out, dgc_buf *bytes,
                       const char **end) {
  const char *body;
  size_t name = array_name(s, limit, &body), before = bytes->n;
  char sym[64], line[256];

  if (name == 0 || name > 128 || !parse_body(body, limit, bytes, end)) {
    bytes->n = before;
    return false;
  }
  dgc_data_symbol(index, data->nsegs, sym, sizeof sym);
  if (add_segment(data, bytes->n - before) != 0) {
    out->oom = true;
    return true;
  }
  /* Hidden: the symbol is defined in another object of the same program. */
  int n = snprintf(line, sizeof line,
                   "extern const u8 %.*s[] __asm__(\"%s\") "
                   "__attribute__((visibility(\"hidden\")));\n",
                   (int)name, s + strlen("static const u8 "), sym);
  dgc_buf_put(out, line, (size_t)n);
  return true;
}

int dgc_data_extract(const char *text, size_t len, size_t index, char **c,
                     size_t *c_len, dgc_data *data, dgc_diag *d) {
  dgc_buf out = {0}, bytes = {0};
  const char *s = text, *limit = text + len;

  *data = (dgc_data){0};
  *c = NULL;
  while (s < limit) {
    const char *hit = memmem(s, (size_t)(limit - s), ARRAY_HEAD,
                             strlen(ARRAY_HEAD)),
               *end;
    if (!hit)
      break;
    if (hit > text && hit[-1] != '\n') {
      dgc_buf_put(&out, s, (size_t)(hit - s) + 1);
      s = hit + 1;
      continue;
    }
    dgc_buf_put(&out, s, (size_t)(hit - s));
    if (take_array(hit, limit, index, data, &out, &bytes, &end))
      s = end;
    else {
      dgc_buf_put(&out, hit, 1);
      s = hit + 1;
    }
  }
  dgc_buf_put(&out, s, (size_t)(limit - s));
  if (out.oom || bytes.oom || !out.p) {
    free(out.p);
    free(bytes.p);
    dgc_data_free(data);
    return dgc_fail(d, "out of memory");
  }
  data->bytes = (uint8_t *)bytes.p;
  data->len = bytes.n;
  data->index = index;
  *c = out.p;
  *c_len = out.n;
  return 0;
}

void dgc_data_free(dgc_data *data) {
  free(data->bytes);
  free(data->sizes);
  *data = (dgc_data){0};
}

/* path as a string of the GNU assembler: quotes and backslashes escaped. */
static void put_quoted(dgc_buf *g, const char *path) {
  dgc_buf_put(g, "\"", 1);
  for (const char *p = path; *p; p++) {
    if (*p == '"' || *p == '\\')
      dgc_buf_put(g, "\\", 1);
    dgc_buf_put(g, p, 1);
  }
  dgc_buf_put(g, "\"", 1);
}

/* `%object` and `%progbits` rather than `@...`: `@` starts a comment in
 * the ARM assembler, and every ELF assembler accepts the `%` spelling. */
char *dgc_data_asm(const dgc_data *data, const char *bin_path) {
  dgc_buf g = {0};
  char line[256], sym[64];
  size_t off = 0;

  dgc_buf_put(&g,
              "/* daggercc: the module's data segments (compiler/data.c) */\n",
              strlen("/* daggercc: the module's data segments "
                     "(compiler/data.c) */\n"));
  dgc_buf_put(&g, "\t.section .rodata\n", strlen("\t.section .rodata\n"));
  for (size_t k = 0; k < data->nsegs; k++) {
    dgc_data_symbol(data->index, k, sym, sizeof sym);
    int n = snprintf(line, sizeof line,
                     "\t.globl %s\n\t.hidden %s\n\t.type %s, %%object\n"
                     "\t.size %s, %zu\n%s:\n\t.incbin ",
                     sym, sym, sym, sym, data->sizes[k], sym);
    dgc_buf_put(&g, line, (size_t)n);
    put_quoted(&g, bin_path);
    n = snprintf(line, sizeof line, ", %zu, %zu\n", off, data->sizes[k]);
    dgc_buf_put(&g, line, (size_t)n);
    off += data->sizes[k];
  }
  /* No executable stack: an object without this note asks for one. */
  dgc_buf_put(&g, "\t.section .note.GNU-stack,\"\",%progbits\n",
              strlen("\t.section .note.GNU-stack,\"\",%progbits\n"));
  if (g.oom) {
    free(g.p);
    return NULL;
  }
  return g.p;
}
