/*
 * What the C harnesses (openssl/, gnutls/) share: a small JSON reader, enough for the
 * HarnessInput the tests write on stdin (test/differential/harness.ts), and the one-line
 * JSON outcome writer. Define HARNESS_NAME (a string literal) before including: it prefixes
 * die()'s messages.
 *
 * Outcome lines stay in stdout's buffer and are written at exit (or when it fills): a write
 * to the pipe wakes the reading process, which could take the harness's CPU between two
 * back-to-back calls (see openssl/harness.c keep_cpu).
 */
#ifndef TLS13SIM_HARNESS_JSON_H
#define TLS13SIM_HARNESS_JSON_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HARNESS_NAME
#error "define HARNESS_NAME before including json.h"
#endif

/* ---------------------------------------------------------------- tiny JSON reader */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
  enum jtype type;
  double num;           /* J_NUM, J_BOOL */
  char *str;            /* J_STR (NUL-terminated, UTF-8) */
  size_t len;           /* J_STR byte length; J_ARR/J_OBJ item count */
  struct jval **items;  /* J_ARR items; J_OBJ values */
  char **keys;          /* J_OBJ keys */
};

static const char *jp;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(HARNESS_NAME " harness: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (p == NULL) die("out of memory");
  return p;
}

static void jskip(void) {
  while (*jp == ' ' || *jp == '\t' || *jp == '\n' || *jp == '\r') jp++;
}

static void put_utf8(char *out, size_t *o, unsigned cp) {
  if (cp < 0x80) {
    out[(*o)++] = (char)cp;
  } else if (cp < 0x800) {
    out[(*o)++] = (char)(0xC0 | (cp >> 6));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out[(*o)++] = (char)(0xE0 | (cp >> 12));
    out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  } else {
    out[(*o)++] = (char)(0xF0 | (cp >> 18));
    out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  }
}

static unsigned hex4(void) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = *jp++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else die("bad \\u escape");
  }
  return v;
}

static char *jstring(size_t *len) {
  if (*jp != '"') die("expected a string");
  jp++;
  /* Output is never longer than the input (escapes shrink or stay equal). */
  char *out = xalloc(strlen(jp) + 1);
  size_t o = 0;
  for (;;) {
    char c = *jp++;
    if (c == '\0') die("unterminated string");
    if (c == '"') break;
    if (c != '\\') {
      out[o++] = c;
      continue;
    }
    c = *jp++;
    switch (c) {
      case '"': out[o++] = '"'; break;
      case '\\': out[o++] = '\\'; break;
      case '/': out[o++] = '/'; break;
      case 'b': out[o++] = '\b'; break;
      case 'f': out[o++] = '\f'; break;
      case 'n': out[o++] = '\n'; break;
      case 'r': out[o++] = '\r'; break;
      case 't': out[o++] = '\t'; break;
      case 'u': {
        unsigned cp = hex4();
        if (cp >= 0xD800 && cp < 0xDC00 && jp[0] == '\\' && jp[1] == 'u') {
          jp += 2;
          unsigned lo = hex4();
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        put_utf8(out, &o, cp);
        break;
      }
      default: die("bad escape");
    }
  }
  out[o] = '\0';
  if (len) *len = o;
  return out;
}

static struct jval *jvalue(void) {
  struct jval *v = xalloc(sizeof *v);
  jskip();
  if (*jp == '{' || *jp == '[') {
    int obj = *jp == '{';
    char close = obj ? '}' : ']';
    size_t cap = 8;
    v->type = obj ? J_OBJ : J_ARR;
    v->items = xalloc(cap * sizeof *v->items);
    v->keys = obj ? xalloc(cap * sizeof *v->keys) : NULL;
    jp++;
    jskip();
    if (*jp == close) {
      jp++;
      return v;
    }
    for (;;) {
      if (v->len == cap) {
        cap *= 2;
        v->items = realloc(v->items, cap * sizeof *v->items);
        if (obj) v->keys = realloc(v->keys, cap * sizeof *v->keys);
        if (v->items == NULL || (obj && v->keys == NULL)) die("out of memory");
      }
      if (obj) {
        jskip();
        v->keys[v->len] = jstring(NULL);
        jskip();
        if (*jp++ != ':') die("expected ':'");
      }
      v->items[v->len++] = jvalue();
      jskip();
      if (*jp == ',') {
        jp++;
        continue;
      }
      if (*jp == close) {
        jp++;
        return v;
      }
      die("expected ',' or '%c'", close);
    }
  }
  if (*jp == '"') {
    v->type = J_STR;
    v->str = jstring(&v->len);
    return v;
  }
  if (strncmp(jp, "true", 4) == 0) {
    v->type = J_BOOL, v->num = 1, jp += 4;
    return v;
  }
  if (strncmp(jp, "false", 5) == 0) {
    v->type = J_BOOL, v->num = 0, jp += 5;
    return v;
  }
  if (strncmp(jp, "null", 4) == 0) {
    v->type = J_NULL, jp += 4;
    return v;
  }
  char *end;
  v->type = J_NUM;
  v->num = strtod(jp, &end);
  if (end == jp) die("unexpected character '%c'", *jp);
  jp = end;
  return v;
}

static const struct jval *jget(const struct jval *obj, const char *key) {
  if (obj == NULL || obj->type != J_OBJ) return NULL;
  for (size_t i = 0; i < obj->len; i++)
    if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
  return NULL;
}

static const char *jstr(const struct jval *obj, const char *key) {
  const struct jval *v = jget(obj, key);
  return v && v->type == J_STR ? v->str : NULL;
}

static double jnum(const struct jval *obj, const char *key, double dflt) {
  const struct jval *v = jget(obj, key);
  return v && (v->type == J_NUM || v->type == J_BOOL) ? v->num : dflt;
}

/* ---------------------------------------------------------------- output */

static void json_str(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

static void emit(const char *call, const char *api, const char *outcome) {
  fputs("{\"call\":", stdout);
  json_str(call);
  fputs(",\"api\":", stdout);
  json_str(api);
  fputs(",\"outcome\":", stdout);
  json_str(outcome);
  fputs("}\n", stdout);
}

/* Parses one JSON value from `text` (NUL-terminated). */
static struct jval *jparse(const char *text) {
  jp = text;
  return jvalue();
}

/* Reads all of stdin, NUL-terminated. */
static char *read_all_stdin(void) {
  size_t cap = 4096, n = 0;
  char *text = xalloc(cap);
  for (;;) {
    if (n + 1 >= cap) {
      cap *= 2;
      text = realloc(text, cap);
      if (text == NULL) die("out of memory");
    }
    size_t r = fread(text + n, 1, cap - 1 - n, stdin);
    if (r == 0) break;
    n += r;
  }
  text[n] = '\0';
  return text;
}

#endif
