/*
 * names: the tables between an enum and its names (--alpha discard|blend|opaque, the
 * backends, easings): an enum's value is the index of its name, so one array of
 * strings serves parsing, printing and the list of choices in an error.
 */
#ifndef AP_NAMES_H
#define AP_NAMES_H

#include <stddef.h>

#define NAMES_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The index of s in names[0 .. n), or -1. */
int names_find(const char *const *names, size_t n, const char *s);

/* "a, b or c" into buf (cut to len, NUL-terminated); returns buf. */
const char *names_list(const char *const *names, size_t n, char *buf, size_t len);

#endif
