/*
 * csv: one line of CSV cut into fields, in place, for the two CSV readers (lay:
 * layouts, manifest: image lists). One dialect: fields end at ',', spaces and tabs
 * around a field are trimmed, and a field that starts with '"' is quoted as in RFC 4180:
 * it may hold commas, "" stands for one quote, and only spaces may follow its closing
 * quote. Fields come back NUL-terminated, so strtod and strcmp can take them as they are.
 *
 * Not here: lines (txt_ cuts the file into them; a quoted field cannot span lines),
 * headers, numbers, error messages (each reader words its own, with csv_why's reason).
 *
 *   csv_max_fields   how many fields a line can hold at most (commas + 1)
 *   csv_split        cut a line into fields, in place
 *   csv_why          "unterminated quote" or "text after a closing quote"
 *   csv_quote        a field, cut short and made printable, for an error message
 */
#ifndef AP_CSV_H
#define AP_CSV_H

#include <stddef.h>

/* csv_split's errors */
enum csv_error {
	CSV_UNTERMINATED = -1,      /* a quoted field without its closing quote */
	CSV_AFTER_QUOTE = -2,       /* something other than spaces and ',' after one */
};

/* How much of a field csv_quote keeps; dst needs CSV_QUOTE_MAX + 4 bytes. */
#define CSV_QUOTE_MAX 40

/* An upper bound on the fields in [p, e): a quoted comma counts too. */
int csv_max_fields(const char *p, const char *e);

/* Split the line [p, e) into fields, in place: each trimmed, unquoted and
 * NUL-terminated, so *e must be writable (a NUL may be written there). Stores at most
 * maxf field pointers in f; returns how many fields the line has (which may be more
 * than maxf), or a negative enum csv_error. */
int csv_split(char *p, char *e, char **f, int maxf);

/* The reason for a csv_split error, for "<subject> line N: <reason>". */
const char *csv_why(int code);

/* s for a message, into dst (cap bytes, at least CSV_QUOTE_MAX + 4): at most
 * CSV_QUOTE_MAX bytes then "...", unprintable bytes as '?'. */
void csv_quote(char *dst, size_t cap, const char *s);

#endif
