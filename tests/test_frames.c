/*
 * The frame loop and the animation driven as a library, without a command line: a
 * zero frames_desc means the defaults; stills land in files whose pixels are what
 * frames_draw draws; an animation hands raw frames to a sink, reports progress, stops
 * when its flag is set, and its first and last frames are stills of A and B.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/anim.h"
#include "app/frames.h"
#include "io/pngio.h"
#include "t.h"

#define W 64
#define H 48
#define FRAME_BYTES ((size_t)W * H * 4)

static char dir[64];

static void desc_init(struct frames_desc *d)
{
	memset(d, 0, sizeof *d);
	d->paths.images[0] = "tests/data/syn_gray.npy";
	d->paths.nimages = 1;
	d->paths.layout = "tests/data/syn_xy.npy";
	d->w = W;
	d->h = H;
	d->draw.backend = DRAW_CPU;
}

static void test_resolve(void)
{
	struct frames_desc d;
	memset(&d, 0, sizeof d);
	frames_resolve(&d);
	CHECK_EQ_INT(d.w, FRAMES_DEFAULT_W);
	CHECK_EQ_INT(d.h, FRAMES_DEFAULT_H);
	CHECK_NEAR(d.margin, CAM_DEFAULT_MARGIN, 0);
	CHECK_EQ_INT(d.ro.background, FRAMES_DEFAULT_BACKGROUND);
	CHECK_EQ_INT(d.max_memory, FRAMES_DEFAULT_MAX_MEMORY);
	CHECK_EQ_INT(d.encoders, frames_default_encoders());
	CHECK(d.encoders >= 1 && d.encoders <= FRAMES_DEFAULT_ENCODERS_CAP);
	CHECK(d.draw.coverage);                       /* discard keeps coverage by default */
	CHECK_NEAR(d.draw.threshold, DRAW_DEFAULT_THRESHOLD, 0);
	/* what was set stays, zero included where a flag says it was set */
	memset(&d, 0, sizeof d);
	d.w = 10, d.h = 20;
	d.margin_set = true;
	d.background_set = true;
	d.ro.alpha = DRAW_BLEND;
	d.ro.threshold_set = true;
	frames_resolve(&d);
	CHECK(d.w == 10 && d.h == 20);
	CHECK_NEAR(d.margin, 0, 0);
	CHECK_EQ_INT(d.ro.background, 0);
	CHECK(!d.draw.coverage);
	CHECK_NEAR(d.draw.threshold, 0, 0);
	struct frames_desc again = d;
	frames_resolve(&again);
	CHECK(!memcmp(&again, &d, sizeof d));         /* idempotent */
}

struct logged {
	int lines;
	bool stats, opened;
};

static void on_log(void *user, const char *line)
{
	struct logged *l = user;
	l->lines++;
	if (!strncmp(line, "stats frames=2 ", 15))
		l->stats = true;
	if (strstr(line, "64 images, atlas 1 page(s)"))
		l->opened = true;
}

/* The still of positions xy at camera cam (NULL: the fitted default), drawn directly. */
static uint8_t *draw_still(const char *layout, const struct cam *cam)
{
	struct frames_desc d;
	desc_init(&d);
	d.paths.layout = layout;
	struct frames_engine e;
	struct ap_err err;
	uint8_t *px = malloc(FRAME_BYTES);
	if (!px || frames_open(&e, &d, NULL, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		free(px);
		return NULL;
	}
	struct cam def;
	cam_default(&e.box, &def);
	if (frames_draw(&e, e.d.lay.xy, cam ? cam : &def, px, &err)) {
		free(px);
		px = NULL;
	}
	frames_close(&e, 0, &err);
	return px;
}

/* Pixels brighter than the black background: a frame that shows something. */
static size_t lit(const uint8_t *px)
{
	size_t n = 0;
	for (size_t i = 0; px && i < FRAME_BYTES; i += 4)
		n += px[i] > 0;
	return n;
}

static void test_stills(void)
{
	struct frames_desc d;
	desc_init(&d);
	struct logged lg = { 0 };
	d.log = on_log;
	d.user = &lg;
	char out[128];
	snprintf(out, sizeof out, "%s/f_%%d.png", dir);
	struct cam cams[2] = { { 36, 36, 1 }, { 20, 50, 3 } };
	struct frames_stills job = { .out = out, .cams = cams, .ncams = 2 };
	struct ap_err err;
	CHECK_EQ_INT(frames_render_stills(&d, &job, &err), 0);
	CHECK(lg.opened && lg.stats);
	for (int k = 0; k < 2; k++) {
		char path[128];
		snprintf(path, sizeof path, "%s/f_%d.png", dir, k);
		uint8_t *png = NULL, *ref = draw_still("tests/data/syn_xy.npy", &cams[k]);
		uint32_t w = 0, h = 0;
		int ch;
		CHECK(pngio_read(path, &png, &w, &h, &ch, &err) == 0);
		CHECK(w == W && h == H);
		CHECK(png && ref && !memcmp(png, ref, FRAME_BYTES));
		CHECK(lit(ref) > 50);
		free(png);
		free(ref);
		unlink(path);
	}
	/* quiet without a log; errors come back in the record, named */
	desc_init(&d);
	d.paths.images[0] = "tests/data/nope.npy";
	CHECK_EQ_INT(frames_render_stills(&d, &job, &err), -1);
	CHECK_STR(err.msg, "images 'tests/data/nope.npy': cannot open: no such file or directory");
}

struct sink {
	int frames;
	uint8_t *first, *last;
	int stop_after;
	volatile sig_atomic_t *stop;
	int finals;
	long done, todo;
};

static int on_raw(void *user, const uint8_t *rgba, size_t bytes, struct ap_err *err)
{
	struct sink *s = user;
	if (bytes != FRAME_BYTES)
		return ap_errf(err, "frame of %zu bytes", bytes);
	uint8_t **keep = s->frames == 0 ? &s->first : &s->last;
	if (!*keep)
		*keep = malloc(bytes);
	memcpy(*keep, rgba, bytes);
	s->frames++;
	if (s->stop_after && s->frames == s->stop_after)
		*s->stop = 1;
	return 0;
}

static void on_progress(void *user, const struct anim_progress *p)
{
	struct sink *s = user;
	if (p->final) {
		s->finals++;
		s->done = p->done;
		s->todo = p->todo;
	}
}

static void test_anim(void)
{
	struct frames_desc d;
	desc_init(&d);
	volatile sig_atomic_t stop = 0;
	struct sink s = { .stop = &stop };
	struct anim_desc a = { .to = "tests/data/syn_xy_b.npy", .frames = 5, .raw = on_raw,
			       .progress = on_progress, .user = &s, .stop = &stop };
	struct ap_err err;
	CHECK_EQ_INT(anim_run(&a, &d, NULL, &err), 0);
	CHECK_EQ_INT(s.frames, 5);
	CHECK(s.finals == 1 && s.done == 5 && s.todo == 5);
	/* the ends are stills of A and of B, with the fitted camera */
	uint8_t *ra = draw_still("tests/data/syn_xy.npy", NULL), *rb = draw_still("tests/data/syn_xy_b.npy", NULL);
	CHECK(ra && s.first && !memcmp(ra, s.first, FRAME_BYTES));
	CHECK(rb && s.last && !memcmp(rb, s.last, FRAME_BYTES));
	CHECK(memcmp(ra, rb, FRAME_BYTES) != 0 && lit(ra) > 50 && lit(rb) > 50);
	free(ra);
	free(rb);

	/* the stop flag ends the run after the frame in hand, without an error */
	desc_init(&d);
	s.frames = 0;
	s.stop_after = 2;
	a.frames = 50;
	CHECK_EQ_INT(anim_run(&a, &d, NULL, &err), 0);
	CHECK_EQ_INT(s.frames, 2);
	free(s.first);
	free(s.last);

	/* counts and their errors, before anything is loaded */
	struct anim_desc c = { .out = "x.png", .frames = 3 };
	long total = 0;
	CHECK_EQ_INT(anim_count(&c, &total, &err), -1);
	CHECK_STR(err.msg, "output 'x.png': several frames need a pattern with %d, e.g. frame_%04d.png");
	c = (struct anim_desc){ .fps = 10, .hold_start = 1, .hold_end = 0.5 };
	anim_resolve(&c);
	CHECK_EQ_INT(anim_count(&c, &total, &err), 0);
	CHECK_EQ_INT(total, 21 + 10 + 5);              /* 2 s at 10 fps, and the holds */
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/ap_frames_XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_resolve();
	test_stills();
	test_anim();
	rmdir(dir);
	return t_done();
}
