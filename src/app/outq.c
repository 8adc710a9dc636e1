#include "app/outq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct job {
	uint8_t *buf;
	char *path;
	uint32_t w, h;
	size_t seq;                 /* submission order */
	struct pngio_wopts o;
	struct pngio_text text[OUTQ_MAX_TEXT];
	char *strs[2 * OUTQ_MAX_TEXT];
};

struct outq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t *threads;
	int nthreads;
	int depth;
	uint8_t **free_bufs;
	int nfree;
	struct job *jobs;           /* ring of depth */
	int head, count;
	int closing;
	int failed;
	size_t failed_seq;          /* the earliest failed frame's, so the error does not depend on thread timing */
	struct ap_err err;
	size_t submitted;
	uint8_t **all;
	int busy;                   /* jobs taken by a worker, not yet done */
	size_t written;
	double encode_s;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void job_clear(struct job *j)
{
	free(j->path);
	for (int i = 0; i < 2 * OUTQ_MAX_TEXT; i++)
		free(j->strs[i]);
	memset(j, 0, sizeof *j);
}

static void *worker(void *arg)
{
	struct outq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->count && !q->closing)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->count)
			break;
		struct job j = q->jobs[q->head];
		memset(&q->jobs[q->head], 0, sizeof j);
		q->head = (q->head + 1) % q->depth;
		q->count--;
		q->busy++;
		int skip = q->failed;
		pthread_mutex_unlock(&q->mu);
		struct ap_err err;
		j.o.text = j.text;
		double t0 = now_s();
		int rc = skip ? 0 : pngio_write(j.path, j.buf, j.w, j.h, &j.o, &err);
		double dt = now_s() - t0;
		pthread_mutex_lock(&q->mu);
		q->busy--;
		if (!skip && !rc) {
			q->written++;
			q->encode_s += dt;
		}
		if (rc && (!q->failed || j.seq < q->failed_seq)) {
			q->failed = 1;
			q->failed_seq = j.seq;
			q->err = err;
		}
		q->free_bufs[q->nfree++] = j.buf;
		j.buf = NULL;
		job_clear(&j);
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct outq *outq_new(int threads, int depth, size_t frame_bytes, struct ap_err *err)
{
	struct outq *q = calloc(1, sizeof *q);
	if (!q)
		goto out_oom;
	if (threads < 1)
		threads = 1;
	if (depth < threads + 1)
		depth = threads + 1;
	q->depth = depth;
	q->free_bufs = calloc((size_t)depth, sizeof *q->free_bufs);
	q->all = calloc((size_t)depth, sizeof *q->all);
	q->jobs = calloc((size_t)depth, sizeof *q->jobs);
	q->threads = calloc((size_t)threads, sizeof *q->threads);
	if (!q->free_bufs || !q->all || !q->jobs || !q->threads)
		goto out_oom;
	for (int i = 0; i < depth; i++) {
		if (!(q->all[i] = malloc(frame_bytes)))
			goto out_oom;
		q->free_bufs[q->nfree++] = q->all[i];
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&q->threads[i], NULL, worker, q))
			break;
		q->nthreads++;
	}
	if (!q->nthreads) {
		ap_errf(err, "output: cannot start an encoder thread");
		outq_close(q, NULL);
		return NULL;
	}
	return q;
out_oom:
	ap_errf(err, "output: out of memory for %d frame buffers of %zu bytes", depth, frame_bytes);
	if (q) {
		for (int i = 0; q->all && i < depth; i++)
			free(q->all[i]);
		free(q->all);
		free(q->free_bufs);
		free(q->jobs);
		free(q->threads);
		free(q);
	}
	return NULL;
}

uint8_t *outq_buffer(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->nfree && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	uint8_t *b = q->failed ? NULL : q->free_bufs[--q->nfree];
	pthread_mutex_unlock(&q->mu);
	return b;
}

void outq_release(struct outq *q, uint8_t *buf)
{
	pthread_mutex_lock(&q->mu);
	q->free_bufs[q->nfree++] = buf;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static char *dup_or_null(const char *s, int *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = 1;
	return d;
}

int outq_submit(struct outq *q, uint8_t *buf, const char *path, uint32_t w, uint32_t h,
		const struct pngio_wopts *o)
{
	struct job j = { .buf = buf, .w = w, .h = h };
	int oom = 0;
	if (o)
		j.o = *o;
	j.path = dup_or_null(path, &oom);
	j.o.ntext = o && o->ntext < OUTQ_MAX_TEXT ? o->ntext : (o ? OUTQ_MAX_TEXT : 0);
	for (size_t i = 0; i < j.o.ntext; i++) {
		j.text[i].key = j.strs[2 * i] = dup_or_null(o->text[i].key, &oom);
		j.text[i].value = j.strs[2 * i + 1] = dup_or_null(o->text[i].value, &oom);
	}
	pthread_mutex_lock(&q->mu);
	j.seq = q->submitted++;
	if (oom && !q->failed) {
		q->failed = 1;
		q->failed_seq = j.seq;
		ap_errf(&q->err, "output '%s': out of memory", path);
	}
	if (q->failed) {
		q->free_bufs[q->nfree++] = buf;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		j.buf = NULL;
		job_clear(&j);
		return -1;
	}
	/* a free slot exists: at most depth buffers, so at most depth jobs */
	q->jobs[(q->head + q->count) % q->depth] = j;
	q->count++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

void outq_drain(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->count || q->busy)
		pthread_cond_wait(&q->cv, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

void outq_stats(struct outq *q, size_t *frames, double *encode_s)
{
	pthread_mutex_lock(&q->mu);
	*frames = q->written;
	*encode_s = q->encode_s;
	pthread_mutex_unlock(&q->mu);
}

int outq_close(struct outq *q, struct ap_err *err)
{
	pthread_mutex_lock(&q->mu);
	q->closing = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	int rc = 0;
	if (q->failed) {
		if (err)
			*err = q->err;
		rc = -1;
	}
	for (int i = 0; i < q->depth; i++) {
		job_clear(&q->jobs[i]);
		free(q->all[i]);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->all);
	free(q->free_bufs);
	free(q->jobs);
	free(q->threads);
	free(q);
	return rc;
}
