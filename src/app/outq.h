/*
 * outq: encode and write frames on worker threads while the next frame renders.
 * The producer takes a free frame buffer (blocking while all are in flight), fills
 * it, and submits it with its path; a worker encodes it with pngio_write (atomic)
 * and returns the buffer. An error stops further submits; outq_close reports the
 * earliest frame's (in submission order, not in the order the threads finished).
 * Buffers are reused, so memory stays at depth frames.
 */
#ifndef AP_OUTQ_H
#define AP_OUTQ_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "io/pngio.h"

#define OUTQ_MAX_TEXT 4

struct outq;

/* threads >= 1 encoders, depth >= threads + 1 buffers of frame_bytes each. */
struct outq *outq_new(int threads, int depth, size_t frame_bytes, struct ap_err *err);

/* A free buffer of frame_bytes; NULL once a write has failed. */
uint8_t *outq_buffer(struct outq *q);

/* Queue buf (from outq_buffer) for writing to path. Text pairs are copied. Returns -1
 * once a write has failed (buf is taken back either way). */
int outq_submit(struct outq *q, uint8_t *buf, const char *path, uint32_t w, uint32_t h,
		const struct pngio_wopts *o);

/* Give back a buffer without writing it. */
void outq_release(struct outq *q, uint8_t *buf);

/* Wait until every queued frame is written (the queue stays open). */
void outq_drain(struct outq *q);

/* Frames written so far and the seconds the encoders spent on them (for -v and bench). */
void outq_stats(struct outq *q, size_t *frames, double *encode_s);

/* Wait for every queued write, stop the workers, free everything. Returns 0, or -1
 * with the earliest frame's write error in err. */
int outq_close(struct outq *q, struct ap_err *err);

#endif
