/*
 * dsig: a data set's images known without reading them. The atlas cache keeps, beside
 * the atlas, what the image files were when it was built: each file's identity (st_dev,
 * st_ino, size, mtime and ctime in ns) and a hash of its bytes, and the set that the
 * files gave (count, slot size, channels, each image's size, which files were kept and
 * why the others were not). A later run states the same files before reading them: a
 * file whose identity is the one kept is taken to hold the same bytes, any other is
 * read and hashed (not decoded) and compared; when every file of a source passes, the
 * set's shape comes from the record and no image is read or decoded (a folder of
 * photos is listed and stat'ed, that is all). The atlas key takes dsig_content, a hash
 * of the files' hashes and the set, so an entry can only be found for those bytes.
 *
 * Why an identity vouches for the bytes: every write to a file sets its ctime to the
 * clock's time of the write, and no call sets ctime back (touch -d, utimes and rsync set
 * mtime only; a file put in place by rename or a copy is another inode, or one with a
 * new ctime). So a file whose ctime was already in the past when it was stated
 * cannot have been written since without its ctime moving. "In the past" means more
 * than DSIG_RACY_NS before the run began: a write within the clock's granularity of
 * the last one (a coarse clock ticks in milliseconds, FAT's in 2 s; an NFS server's
 * clock may run behind) could leave the ctime unchanged, so a file that new is
 * noted untrusted and read and hashed on every run that uses the record.
 * It falls back to hashing when the identity differs (a touched, copied or restored
 * file: the same bytes still match, without decoding), when the record is from
 * another machine (st_dev differs) and for untrusted files. A file's hash is taken
 * before it is decoded, so one that changes while a run reads it cannot leave its
 * new bytes' hash on the old set; dsig_unchanged states the files again after the
 * frames, and the caller writes no entry when one changed.
 *
 * A run reads its sources in order (the --images arguments, a manifest); each is one
 * batch here, matched against the record's batch of the same place.
 *
 *   dsig_new        an empty signature for this run, given the record kept (or none)
 *   dsig_match      before reading a source: known (shape from the record), or not
 *   dsig_matching, dsig_restart   a source missed: read them all
 *   dsig_skip       a file of the source left out (--on-bad-image skip), and why
 *   dsig_note       after reading a source: the set it gave
 *   dsig_known      every source was known: no image was read
 *   dsig_counts     files stated, files hashed
 *   dsig_complete   every source matched or noted
 *   dsig_content    the hash the atlas key takes
 *   dsig_unchanged  the files are still as they were stated
 *   dsig_bytes, dsig_save   the record to keep
 *   dsig_free
 */
#ifndef AP_DSIG_H
#define AP_DSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/imgset.h"

/* A file whose ctime or mtime is less than this before the run's start is not trusted. */
#define DSIG_RACY_NS 2000000000ll

struct dsig;

/* An empty signature; rec (bytes, may be NULL or 0) is the record dsig_save wrote
 * earlier: a record that does not parse is ignored (nothing is then known). NULL when
 * out of memory. */
struct dsig *dsig_new(const void *rec, size_t bytes);
/* The same for a run that began at t0_ns (CLOCK_REALTIME, ns): what "new" means (tests). */
struct dsig *dsig_new_at(const void *rec, size_t bytes, int64_t t0_ns);
void dsig_free(struct dsig *s);

/* A source's n files, read with options whose hash is opts (what else changes the set
 * from the same bytes: decoder versions, cell size, the bad-image rule, limits). 1: the
 * record holds this source for these bytes: *out gets its shape (n, w, h, c, and iw, ih
 * malloc'd when it has them; pix NULL), kept[0..n) (when not NULL) which files are in
 * it, and skipped(user, i, msg) is called for each file left out, in order. 0: not
 * known. While the record is being matched (dsig_matching) that is all: the caller
 * drops what it has and, after dsig_restart, reads every source; from then on each
 * source's files are hashed here, before the caller reads them, and the set it gives
 * is dsig_note'd. -1: out of memory (the signature is then incomplete: not kept). */
int dsig_match(struct dsig *s, const char *const *paths, size_t n, uint64_t opts, struct ap_imgset *out,
	       uint8_t *kept, void (*skipped)(void *user, size_t i, const char *msg), void *user);
/* Whether sources are still matched against a record (there is one, and no source has
 * missed it yet). */
bool dsig_matching(const struct dsig *s);
/* Forget the record and what was matched: every source is read and noted from now on. */
void dsig_restart(struct dsig *s);
/* File i of the source being read is left out, for msg (one line). */
void dsig_skip(struct dsig *s, size_t i, const char *msg);
/* The set the source being read gave (pixels not looked at) and which of its files are
 * in it (NULL: all). */
void dsig_note(struct dsig *s, const struct ap_imgset *set, const uint8_t *kept);

bool dsig_known(const struct dsig *s);
/* Files stated against the record, and files read and hashed, so far. */
void dsig_counts(const struct dsig *s, size_t *stated, size_t *hashed);
/* Whether every source was matched or hashed and noted (a file that could not be read,
 * or memory that ran out, leaves it incomplete: no content, no record). */
bool dsig_complete(const struct dsig *s);
uint64_t dsig_content(const struct dsig *s);
/* Whether every file noted still has the identity it had (false also when a source was
 * not noted completely: the record is then not to be kept). */
bool dsig_unchanged(const struct dsig *s);

size_t dsig_bytes(const struct dsig *s);
void dsig_save(const struct dsig *s, uint8_t *dst);

#endif
