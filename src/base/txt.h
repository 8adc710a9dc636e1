/*
 * txt: the one line reader: the lines of a text file held in memory, as its readers
 * (layouts, manifests, --path keyframes, --shots lists) take them: a UTF-8 byte order
 * mark skipped, lines ended by "\n" or "\r\n", leading blanks (space, tab, stray "\r")
 * trimmed, blank lines skipped, and each counted so that an error can name its line.
 * Positions are offsets into the buffer, so a reader that cuts fields in place keeps
 * its own writable pointer.
 *
 *   txt_nul_line   the line of the first NUL byte (0: none), to refuse binary files
 *   txt_init       start at the beginning
 *   txt_next       the next non-blank line
 */
#ifndef AP_TXT_H
#define AP_TXT_H

#include <stdbool.h>
#include <stddef.h>

struct txt_lines {
	const char *buf;
	size_t pos, len;
	size_t line;                 /* the number of the line txt_next returned last */
};

size_t txt_nul_line(const char *buf, size_t len);
void txt_init(struct txt_lines *t, const char *buf, size_t len);

/* The next non-blank line as buf[*s, *e), without its end of line; false after the last. */
bool txt_next(struct txt_lines *t, size_t *s, size_t *e);

#endif
