#include "draw/gl/render.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pal.h"
#include "core/presc.h"
#include "draw/gl/glctx.h"
#include "draw/gl/shaders.h"

struct render {
	struct glctx *ctx;
	bool own_ctx;               /* render_open made it: render_free frees it */
	const struct glfn *gl;
	struct atlas atlas;
	int has_alpha;
	uint32_t pages_per_group, ngroups;
	GLuint *arrays;             /* one texture array per group */
	GLuint prog;
	GLuint buf[4];              /* sprites, offsets, index, coverage */
	int use_cov;
	float *c0;                  /* per cell: its image's share passing at full size */
	double cov_thr;
	/* Minified sprites of the frame's common scale: drawn from prescaled images, as the
	 * cpu backend draws them (presc.h), made on the CPU from a level read back once. */
	struct {
		struct presc_cache c;   /* the images, made on the CPU */
		uint8_t *level[ATLAS_MAX_LEVELS];   /* levels read back, all pages */
		uint8_t *layer;         /* one layer of the texture, being filled */
		GLuint tex, buf;        /* the images in a texture array, slots in a grid; scales */
		uint32_t cols, rows, side, layers;
	} pre;
	GLuint frame_tex, accum_tex;
	int fw, fh, aw, ah;
	GLint max_size;
	struct {
		GLint frame_size, tiles_x, off_base, page_base, alpha_mode, threshold, gray, has_alpha,
		      pitch, inv_page, max_lod, background, outline, first_batch, last_batch,
		      use_cov, cols, per_page, levels, pre_on, pre_scale, pre_step, pre_grid, pre_slot, pre_inv, pre_tex;
	} u;
};

static int gl_check(struct render *r, const char *what, struct ap_err *err)
{
	GLenum e = r->gl->GetError();
	if (e != GL_NO_ERROR)
		return ap_errf(err, "gl: %s failed (GL error 0x%04x)", what, e);
	return 0;
}

static int build_program(struct render *r, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	GLuint sh = gl->CreateShader(GL_COMPUTE_SHADER);
	const char *src = shader_composite;
	GLint len = (GLint)shader_composite_len, ok = 0;
	gl->ShaderSource(sh, 1, &src, &len);
	gl->CompileShader(sh);
	gl->GetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[400];
		gl->GetShaderInfoLog(sh, sizeof log, NULL, log);
		gl->DeleteShader(sh);
		log[strcspn(log, "\n")] = 0;
		return ap_errf(err, "gl: compute shader does not compile: %s", log);
	}
	r->prog = gl->CreateProgram();
	gl->AttachShader(r->prog, sh);
	gl->LinkProgram(r->prog);
	gl->DeleteShader(sh);
	gl->GetProgramiv(r->prog, GL_LINK_STATUS, &ok);
	if (!ok) {
		char log[400];
		gl->GetProgramInfoLog(r->prog, sizeof log, NULL, log);
		log[strcspn(log, "\n")] = 0;
		return ap_errf(err, "gl: compute program does not link: %s", log);
	}
#define LOC(name) r->u.name = gl->GetUniformLocation(r->prog, #name)
	LOC(frame_size); LOC(tiles_x); LOC(off_base); LOC(page_base); LOC(alpha_mode);
	LOC(threshold); LOC(gray); LOC(has_alpha); LOC(pitch); LOC(inv_page); LOC(max_lod);
	LOC(background); LOC(outline); LOC(first_batch); LOC(last_batch);
	LOC(use_cov); LOC(cols); LOC(per_page); LOC(levels);
	LOC(pre_on); LOC(pre_scale); LOC(pre_step); LOC(pre_grid); LOC(pre_slot); LOC(pre_inv); LOC(pre_tex);
#undef LOC
	return 0;
}

/* Build each page and its mip levels on the CPU, one page at a time, and upload. */
static int upload_atlas(struct render *r, const struct ap_imgset *s, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	const struct atlas *a = &r->atlas;
	GLenum ifmt = a->channels == 1 ? GL_R8 : GL_RGBA8, fmt = a->channels == 1 ? GL_RED : GL_RGBA;
	uint8_t *lv[2] = { malloc(atlas_level_bytes(a, 0)), malloc(atlas_level_bytes(a, 0)) };
	int rc = 0;
	if (!lv[0] || !lv[1]) {
		rc = ap_errf(err, "atlas: out of memory for a %ux%u page", a->page_w, a->page_h);
		goto out_free_levels;
	}
	gl->PixelStorei(GL_UNPACK_ALIGNMENT, 1);
	for (uint32_t g = 0; g < r->ngroups; g++) {
		uint32_t first = g * r->pages_per_group;
		uint32_t count = a->pages - first < r->pages_per_group ? a->pages - first : r->pages_per_group;
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->arrays[g]);
		gl->TexStorage3D(GL_TEXTURE_2D_ARRAY, (GLsizei)a->levels, ifmt, (GLsizei)a->page_w,
				 (GLsizei)a->page_h, (GLsizei)count);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAX_LEVEL, (GLint)a->levels - 1);
		if ((rc = gl_check(r, "allocating the atlas texture array", err)))
			goto out_free_levels;
		for (uint32_t p = 0; p < count; p++) {
			atlas_build_page(a, s, first + p, lv[0]);
			for (uint32_t k = 0; k < a->levels; k++) {
				if (k > 0)
					atlas_downsample(a, k - 1, lv[(k - 1) & 1], lv[k & 1]);
				gl->TexSubImage3D(GL_TEXTURE_2D_ARRAY, (GLint)k, 0, 0, (GLint)p,
						  (GLsizei)(a->page_w >> k), (GLsizei)(a->page_h >> k), 1, fmt,
						  GL_UNSIGNED_BYTE, lv[k & 1]);
			}
		}
		if ((rc = gl_check(r, "uploading the atlas", err)))
			goto out_free_levels;
	}
out_free_levels:
	free(lv[0]);
	free(lv[1]);
	return rc;
}

struct render *render_new(struct glctx *ctx, const struct atlas *a, const struct ap_imgset *s,
			  uint32_t pages_per_group, struct ap_err *err)
{
	struct render *r = calloc(1, sizeof *r);
	if (!r) {
		ap_errf(err, "render: out of memory");
		return NULL;
	}
	r->ctx = ctx;
	r->gl = glctx_gl(ctx);
	r->atlas = *a;
	r->has_alpha = s->c == 4;
	const struct glfn *gl = r->gl;
	GLint layers = 0, tex = 0;
	gl->GetIntegerv(GL_MAX_ARRAY_TEXTURE_LAYERS, &layers);
	gl->GetIntegerv(GL_MAX_TEXTURE_SIZE, &tex);
	r->max_size = tex;
	if ((GLint)a->page_w > tex || (GLint)a->page_h > tex) {
		ap_errf(err, "atlas: pages of %ux%u exceed the GL limit %d", a->page_w, a->page_h, tex);
		goto out_free;
	}
	r->pages_per_group = pages_per_group && (GLint)pages_per_group < layers ? pages_per_group : (uint32_t)layers;
	r->ngroups = (a->pages + r->pages_per_group - 1) / r->pages_per_group;
	r->arrays = calloc(r->ngroups, sizeof *r->arrays);
	if (!r->arrays) {
		ap_errf(err, "render: out of memory");
		goto out_free;
	}
	gl->GenTextures((GLsizei)r->ngroups, r->arrays);
	gl->GenBuffers(4, r->buf);
	gl->GenBuffers(1, &r->pre.buf);
	if (build_program(r, err) || upload_atlas(r, s, err))
		goto out_free;
	return r;
out_free:
	render_free(r);
	return NULL;
}

void render_free(struct render *r)
{
	if (!r)
		return;
	const struct glfn *gl = r->gl;
	if (r->arrays) {
		gl->DeleteTextures((GLsizei)r->ngroups, r->arrays);
		free(r->arrays);
	}
	if (r->frame_tex)
		gl->DeleteTextures(1, &r->frame_tex);
	if (r->accum_tex)
		gl->DeleteTextures(1, &r->accum_tex);
	if (r->buf[0])
		gl->DeleteBuffers(4, r->buf);
	if (r->pre.buf)
		gl->DeleteBuffers(1, &r->pre.buf);
	if (r->pre.tex)
		gl->DeleteTextures(1, &r->pre.tex);
	free(r->pre.layer);
	presc_cache_free(&r->pre.c);
	for (int k = 0; k < ATLAS_MAX_LEVELS; k++)
		free(r->pre.level[k]);
	free(r->c0);
	if (r->prog)
		gl->DeleteProgram(r->prog);
	if (r->own_ctx)
		glctx_free(r->ctx);
	free(r);
}

struct render *render_open(enum glctx_backend backend, const struct atlas *a, const struct ap_imgset *s,
			   uint32_t pages_per_group, struct ap_err *err)
{
	struct glctx *ctx = glctx_new(backend, err);
	if (!ctx)
		return NULL;
	struct render *r = render_new(ctx, a, s, pages_per_group, err);
	if (!r) {
		glctx_free(ctx);
		return NULL;
	}
	r->own_ctx = true;
	return r;
}

struct cov_part {
	const struct atlas *a;
	const struct ap_imgset *imgs;
	double threshold;
	struct atlas_cov_rows job;
	int rc;
};

static void *cov_part(void *arg)
{
	struct cov_part *p = arg;
	p->rc = atlas_coverage_rows(p->a, p->imgs, p->threshold, &p->job);
	return NULL;
}

/* atlas_coverage_table, and each image's share passing (c0, n floats), on two
 * threads: 0.3 s of MNIST's start-up otherwise. */
static float *coverage_table(const struct atlas *a, const struct ap_imgset *imgs, double threshold, float *c0)
{
	float *tab = malloc(a->n * a->levels * sizeof *tab);
	if (!tab)
		return NULL;
	struct cov_part half[2] = {
		{ a, imgs, threshold, { 0, a->n / 2, tab, c0 }, 0 },
		{ a, imgs, threshold, { a->n / 2, a->n, tab, c0 }, 0 },
	};
	pthread_t th;
	bool started = pthread_create(&th, NULL, cov_part, &half[1]) == 0;
	cov_part(&half[0]);
	if (started)
		pthread_join(th, NULL);
	else
		cov_part(&half[1]);
	if (half[0].rc || half[1].rc) {
		free(tab);
		return NULL;
	}
	return tab;
}

int render_coverage(struct render *r, const struct ap_imgset *s, double threshold, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	presc_cache_reset(&r->pre.c);   /* their coverage scales change */
	free(r->c0);
	r->use_cov = 0;
	float *table = NULL;
	if (!(r->c0 = malloc(r->atlas.n * sizeof *r->c0)) || !(table = coverage_table(&r->atlas, s, threshold, r->c0)))
		return ap_errf(err, "atlas: out of memory for the coverage table");
	r->use_cov = 1;
	r->cov_thr = threshold;
	gl->BindBuffer(GL_SHADER_STORAGE_BUFFER, r->buf[3]);
	gl->BufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)(r->atlas.n * r->atlas.levels * sizeof *table), table,
		       GL_STATIC_DRAW);
	free(table);
	return gl_check(r, "uploading the coverage table", err);
}

uint32_t render_pages_per_group(const struct render *r)
{
	return r->pages_per_group;
}

int render_max_size(const struct render *r)
{
	return r->max_size;
}

static void describe(const struct glctx *ctx, char *buf, size_t len)
{
	const struct glfn *gl = glctx_gl(ctx);
	snprintf(buf, len, "%s: %s, %s", glctx_backend_name(ctx), (const char *)gl->GetString(GL_RENDERER),
		 (const char *)gl->GetString(GL_VERSION));
}

void render_describe(const struct render *r, char *buf, size_t len)
{
	describe(r->ctx, buf, len);
}

int render_probe(enum glctx_backend backend, char *buf, size_t len, struct ap_err *err)
{
	struct glctx *ctx = glctx_new(backend, err);
	if (!ctx)
		return -1;
	describe(ctx, buf, len);
	glctx_free(ctx);
	return 0;
}

static void texture_2d(struct render *r, GLuint *tex, GLenum fmt, int w, int h)
{
	const struct glfn *gl = r->gl;
	if (*tex)
		gl->DeleteTextures(1, tex);
	gl->GenTextures(1, tex);
	gl->BindTexture(GL_TEXTURE_2D, *tex);
	gl->TexStorage2D(GL_TEXTURE_2D, 1, fmt, w, h);
}

static void upload(const struct glfn *gl, GLuint buf, GLuint binding, const void *data, size_t bytes)
{
	static const uint32_t zero[4];
	gl->BindBuffer(GL_SHADER_STORAGE_BUFFER, buf);
	/* orphan and refill: no stall on the previous frame's use */
	gl->BufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)(bytes ? bytes : sizeof zero),
		       bytes ? data : zero, GL_STREAM_DRAW);
	gl->BindBufferBase(GL_SHADER_STORAGE_BUFFER, binding, buf);
}

/* Level k of every page, read back from the texture arrays (layer bytes a page): what
 * prescaled images are averaged from, kept for later scales. */
static int read_level(struct render *r, int k, size_t layer, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	if (!(r->pre.level[k] = malloc(layer * r->atlas.pages)))
		return ap_errf(err, "render: out of memory for atlas level %d", k);
	gl->PixelStorei(GL_PACK_ALIGNMENT, 1);
	for (uint32_t g = 0; g < r->ngroups; g++) {
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->arrays[g]);
		gl->GetTexImage(GL_TEXTURE_2D_ARRAY, k, r->atlas.channels == 1 ? GL_RED : GL_RGBA, GL_UNSIGNED_BYTE,
				r->pre.level[k] + (size_t)g * r->pages_per_group * layer);
	}
	if (gl_check(r, "reading the atlas back", err)) {
		free(r->pre.level[k]);
		r->pre.level[k] = NULL;
		return -1;
	}
	return 0;
}

/* Make the prescaled images the frame's sprites of the key's scale need, and upload
 * them. The level they average is read back from the texture arrays once. */
static int pre_update(struct render *r, const struct scene_out *sc, const struct presc_key *key,
		      struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	const struct atlas *a = &r->atlas;
	size_t n = a->n, per_page = (size_t)a->cols * a->rows;
	uint32_t ch = a->channels;
	struct presc_cache *pc = &r->pre.c;
	if (presc_cache_use(pc, key, r->cov_thr, n, 4) < 0)
		goto oom;
	int k = key->k;
	size_t side = a->page_w >> k, layer = side * (a->page_h >> k) * ch;
	bool made = false;
	for (size_t i = 0; i < sc->nsprites; i++) {
		const struct scene_sprite *s = &sc->sprites[i];
		uint32_t page = s->page_flags & 0xffff, cx = (s->tex & 0xffff) / a->pitch, cy = (s->tex >> 16) / a->pitch;
		size_t cell = page * per_page + (size_t)cy * a->cols + cx;
		if (!presc_match(key, scene_scale_x(s), scene_scale_y(s)) || pc->state[cell] == ONCE_DONE)
			continue;
		/* before the claim: a claimed cell must be made */
		if (!r->pre.level[k] && read_level(r, k, layer, err))
			return -1;
		if (!presc_cache_claim(pc, cell))
			continue;
		const uint8_t *lv = r->pre.level[k] + page * layer + ((size_t)((cy * a->pitch) >> k) * side +
								      ((cx * a->pitch) >> k)) * ch;
		struct presc_src src = { .lv = lv, .side = (uint32_t)side, .ch = ch, .ox = (s->tex & 0xffff) - cx * a->pitch,
					 .oy = (s->tex >> 16) - cy * a->pitch, .iw = s->size & 0xffff, .ih = s->size >> 16 };
		presc_cache_done(pc, cell, presc_image(key, &src, r->use_cov ? r->c0[cell] : -1, r->cov_thr,
						       r->has_alpha, presc_cache_slot(pc, cell)));
		made = true;
	}
	if (!made)
		return 0;
	/* into a texture array, slot i at column i % cols, row i / cols % rows, layer
	 * i / (cols rows), for the texture units' bilinear filtering: buffer loads are what
	 * llvmpipe runs slowest */
	uint32_t tside = r->max_size < 4096 ? (uint32_t)r->max_size : 4096;
	uint32_t cols = tside / key->w, rows = tside / key->h, layers = (uint32_t)((n + (size_t)cols * rows - 1) / ((size_t)cols * rows));
	GLenum ifmt = ch == 1 ? GL_R8 : GL_RGBA8, fmt = ch == 1 ? GL_RED : GL_RGBA;
	if (!r->pre.tex || cols != r->pre.cols || rows != r->pre.rows || tside != r->pre.side || layers != r->pre.layers) {
		if (r->pre.tex)
			gl->DeleteTextures(1, &r->pre.tex);
		gl->GenTextures(1, &r->pre.tex);
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->pre.tex);
		gl->TexStorage3D(GL_TEXTURE_2D_ARRAY, 1, ifmt, (GLsizei)tside, (GLsizei)tside, (GLsizei)layers);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
		gl->TexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
		free(r->pre.layer);
		if (!(r->pre.layer = malloc((size_t)tside * tside * ch)))
			goto oom;
		r->pre.cols = cols;
		r->pre.rows = rows;
		r->pre.side = tside;
		r->pre.layers = layers;
		if (gl_check(r, "allocating the prescaled images' texture", err))
			return -1;
	}
	gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->pre.tex);
	gl->PixelStorei(GL_UNPACK_ALIGNMENT, 1);
	size_t per_layer = (size_t)cols * rows, row = (size_t)key->w * ch;
	for (uint32_t l = 0; l < layers; l++) {
		memset(r->pre.layer, 0, (size_t)tside * tside * ch);
		for (size_t i = l * per_layer; i < n && i < (l + 1) * per_layer; i++) {
			size_t j = i - l * per_layer, x = j % cols * key->w, y = j / cols * key->h;
			for (uint32_t t = 0; t < key->h; t++)
				memcpy(r->pre.layer + ((y + t) * tside + x) * ch, presc_cache_slot(pc, i) + t * row, row);
		}
		gl->TexSubImage3D(GL_TEXTURE_2D_ARRAY, 0, 0, 0, (GLint)l, (GLsizei)tside, (GLsizei)tside, 1, fmt,
				  GL_UNSIGNED_BYTE, r->pre.layer);
	}
	gl->BindBuffer(GL_SHADER_STORAGE_BUFFER, r->pre.buf);
	gl->BufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)(n * sizeof *pc->scale), pc->scale, GL_STATIC_DRAW);
	return gl_check(r, "uploading the prescaled images", err);
oom:
	presc_cache_reset(pc);
	return ap_errf(err, "render: out of memory for %zu prescaled images", n);
}

int render_frame(struct render *r, const struct scene_out *sc, const struct draw_opts *o,
		 const struct draw_target *t, struct ap_err *err)
{
	int w = t->w, h = t->h;
	uint8_t *rgba = t->rgba;
	const struct glfn *gl = r->gl;
	const struct atlas *a = &r->atlas;
	if (w <= 0 || h <= 0 || w > r->max_size || h > r->max_size)
		return ap_errf(err, "frame %dx%d: outside 1..%d, the GL limit", w, h, r->max_size);
	if (w != r->fw || h != r->fh) {
		texture_2d(r, &r->frame_tex, GL_RGBA8, w, h);
		r->fw = w;
		r->fh = h;
	}
	if (sc->nbatches > 1 && (w != r->aw || h != r->ah)) {
		texture_2d(r, &r->accum_tex, GL_RGBA32F, w, h);
		r->aw = w;
		r->ah = h;
	}
	gl->UseProgram(r->prog);
	upload(gl, r->buf[0], 0, sc->sprites, sc->nsprites * sizeof *sc->sprites);
	size_t tiles = (size_t)sc->tiles_x * sc->tiles_y;
	upload(gl, r->buf[1], 1, sc->offsets, sc->nbatches * (tiles + 1) * sizeof *sc->offsets);
	upload(gl, r->buf[2], 2, sc->index, sc->nindex * sizeof *sc->index);

	float bg[4], ol[4];
	pal_premul(o->background, bg);
	pal_premul(pal_outline(o->outline, o->background), ol);
	gl->Uniform2i(r->u.frame_size, w, h);
	gl->Uniform1ui(r->u.tiles_x, sc->tiles_x);
	gl->Uniform1i(r->u.alpha_mode, (int)o->alpha);
	gl->Uniform1f(r->u.threshold, (float)draw_opts_threshold(o));
	gl->Uniform1i(r->u.gray, a->channels == 1);
	gl->Uniform1i(r->u.has_alpha, r->has_alpha);
	gl->Uniform1f(r->u.pitch, (float)a->pitch);
	gl->Uniform2f(r->u.inv_page, 1.0f / (float)a->page_w, 1.0f / (float)a->page_h);
	gl->Uniform4f(r->u.background, bg[0], bg[1], bg[2], bg[3]);
	gl->Uniform4f(r->u.outline, ol[0], ol[1], ol[2], ol[3]);
	gl->Uniform1f(r->u.max_lod, (float)(a->levels - 1));
	gl->Uniform1i(r->u.use_cov, r->use_cov && o->alpha == DRAW_DISCARD);
	gl->Uniform1ui(r->u.cols, a->cols);
	gl->Uniform1ui(r->u.per_page, a->cols * a->rows);
	gl->Uniform1ui(r->u.levels, a->levels);
	if (r->use_cov)
		gl->BindBufferBase(GL_SHADER_STORAGE_BUFFER, 3, r->buf[3]);
	struct presc_key key;
	bool pre = scene_prescale_key(sc, a, &key);
	if (pre && pre_update(r, sc, &key, err))
		return -1;
	gl->Uniform1i(r->u.pre_on, pre);
	gl->Uniform1i(r->u.pre_tex, 1);
	if (pre) {
		gl->BindBufferBase(GL_SHADER_STORAGE_BUFFER, 5, r->pre.buf);
		gl->ActiveTexture(GL_TEXTURE1);
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->pre.tex);
		gl->Uniform2f(r->u.pre_scale, key.sx, key.sy);
		gl->Uniform1f(r->u.pre_step, PRESC_STEP);
		gl->Uniform2i(r->u.pre_grid, (GLint)r->pre.cols, (GLint)r->pre.rows);
		gl->Uniform2i(r->u.pre_slot, (GLint)key.w, (GLint)key.h);
		gl->Uniform1f(r->u.pre_inv, 1.0f / (float)r->pre.side);
	}
	gl->BindImageTexture(0, r->frame_tex, 0, GL_FALSE, 0, GL_WRITE_ONLY, GL_RGBA8);
	if (sc->nbatches > 1)
		gl->BindImageTexture(1, r->accum_tex, 0, GL_FALSE, 0, GL_READ_WRITE, GL_RGBA32F);
	gl->ActiveTexture(GL_TEXTURE0);
	/* topmost batch first: compositing runs front to back */
	for (size_t bi = sc->nbatches; bi-- > 0;) {
		const struct scene_batch *b = &sc->batches[bi];
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->arrays[b->group < r->ngroups ? b->group : 0]);
		gl->Uniform1ui(r->u.off_base, (GLuint)b->off);
		gl->Uniform1ui(r->u.page_base, b->group * r->pages_per_group);
		gl->Uniform1i(r->u.first_batch, bi == sc->nbatches - 1);
		gl->Uniform1i(r->u.last_batch, bi == 0);
		gl->DispatchCompute(sc->tiles_x, sc->tiles_y, 1);
		gl->MemoryBarrier(GL_SHADER_IMAGE_ACCESS_BARRIER_BIT | GL_TEXTURE_UPDATE_BARRIER_BIT);
	}
	gl->BindTexture(GL_TEXTURE_2D, r->frame_tex);
	gl->PixelStorei(GL_PACK_ALIGNMENT, 1);
	gl->GetTexImage(GL_TEXTURE_2D, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
	return gl_check(r, "drawing the frame", err);
}
