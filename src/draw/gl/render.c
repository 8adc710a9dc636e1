#include "draw/gl/render.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cglm/cam.h>

#include "base/fnum.h"
#include "core/cam.h"
#include "core/pal.h"
#include "core/presc.h"
#include "draw/gl/glctx.h"
#include "draw/gl/shaders.h"

/* One variant of the sprite program (shaders/sprite_*.glsl) and its uniforms. */
struct sprite_prog {
	GLuint id;
	struct {
		GLint proj, pitch, max_lod, page_base, cols, per_page, levels, use_cov, threshold, pre_grid, pre_slot,
		      inv_page, pre_inv, outline, dot_r, dot_a, img_a;
		/* TWEEN's */
		GLint cam_a, cam_b, tl, stagger, px_per_unit, centre, frame_size, side, hl_side, frame_border,
		      outline_border;
	} u;
};

/* A transition's instances of one draw: consecutive, of one texture array, border or
 * not, highlight or not, and one longer image side (so one scale a frame). */
struct tween_run {
	size_t first, count;
	uint32_t group, side;
	bool decor, hl;
	bool pre;                    /* this frame: drawn from the prescaled images */
};

/* Its buffers: positions (start, end, and end for t >= 1), ranks, instances. */
enum { TW_A, TW_B, TW_END, TW_RANK, TW_INST, TW_BUFS };

/* A transition resident: what its buffers hold, and for which tints and highlights. */
struct tween_state {
	struct render_tween plan;
	bool set, pos_ok, inst_ok;   /* a plan; its positions uploaded; its instances */
	GLuint vao, buf[TW_BUFS];
	double origin[3][2];    /* of a, b, end: each layout's box centre */
	size_t ninst;
	uint32_t *tint;         /* the instances' tints and highlights, as f gave them */
	size_t *hl, nhl;
	bool has_tint, frame, translucent;
	struct tween_run *runs;
	size_t nruns;
};

struct render {
	struct glctx *ctx;
	bool own_ctx;               /* render_open made it: render_free frees it */
	const struct glfn *gl;
	struct atlas atlas;
	int has_alpha;
	uint32_t pages_per_group, ngroups;
	GLuint *arrays;             /* one texture array per group */
	/* by POINTS, PRE, DECOR, ALPHA_MODE, DOTS: made when first used; TWEEN's by EASE first */
	struct sprite_prog prog[2][2][2][3][4];
	struct sprite_prog tprog[TWEEN_EASE_COUNT][2][2][2][3][4];
	float max_point;           /* the largest point side drawn as a point */
	GLint max_viewport[2];
	GLuint resolve;             /* the float frame to RGBA8 */
	GLuint vao, inst;           /* the instances: the scene's sprite records */
	GLuint empty_vao;           /* the resolve pass's: no attributes */
	size_t inst_cap;            /* bytes inst holds */
	GLuint cov_buf, cov_tex;    /* coverage scales, images × levels, a texture buffer */
	int use_cov;
	GLuint dot_buf, dot_tex;    /* per cell: its disc's colour (RGBA8), a texture buffer */
	float *c0;                  /* per cell: its image's share passing at full size */
	double cov_thr;
	/* Minified sprites of the frame's common scale: drawn from prescaled images, as the
	 * cpu backend draws them (presc.h), made on the CPU from a level read back once. */
	struct {
		struct presc_cache c;   /* the images, made on the CPU */
		uint8_t *level[ATLAS_MAX_LEVELS];   /* levels read back, all pages */
		uint8_t *layer;         /* one layer of the texture, being filled */
		GLuint tex, buf, cov;   /* the images in a texture array, slots in a grid; scales */
		uint32_t cols, rows, side, layers;
	} pre;
	/* The frame: RGBA8, drawn into straight when every source is opaque, else the
	 * resolve pass's target from the float frame (accum). */
	GLuint fbo, frame_tex, accum_fbo, accum_tex;
	int fw, fh, aw, ah;
	GLint max_size;
	struct tween_state tw;       /* a transition resident (render_tween_*) */
	/* Read-backs in flight (render_set_ring): frame k's pixels go into a pixel-pack
	 * buffer behind a fence while frame k+1 is drawn, and render_collect copies them
	 * out, oldest first. */
	struct {
		GLuint pbo[RENDER_MAX_RING];
		GLsync fence[RENDER_MAX_RING];
		uint8_t *dst[RENDER_MAX_RING];
		size_t bytes[RENDER_MAX_RING], cap[RENDER_MAX_RING];
		int n, head, count;
	} ring;
	size_t up_bytes, pre_bytes;  /* handed to the GL by the last frame */
};

static int gl_check(struct render *r, const char *what, struct ap_err *err)
{
	GLenum e = r->gl->GetError();
	if (e != GL_NO_ERROR)
		return ap_errf(err, "gl: %s failed (GL error 0x%04x)", what, e);
	return 0;
}

/* A shader of src, its #version line followed by defs (#define lines). */
static GLuint compile(struct render *r, GLenum kind, const char *src, unsigned len, const char *defs,
		      const char *what, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	GLuint sh = gl->CreateShader(kind);
	const char *body = strchr(src, '\n') + 1;
	const char *parts[3] = { "#version 430\n", defs, body };
	GLint n[3] = { (GLint)strlen(parts[0]), (GLint)strlen(defs), (GLint)(len - (unsigned)(body - src)) }, ok = 0;
	gl->ShaderSource(sh, 3, parts, n);
	gl->CompileShader(sh);
	gl->GetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char log[400];
		gl->GetShaderInfoLog(sh, sizeof log, NULL, log);
		gl->DeleteShader(sh);
		log[strcspn(log, "\n")] = 0;
		ap_errf(err, "gl: %s shader does not compile: %s", what, log);
		return 0;
	}
	return sh;
}

static GLuint link(struct render *r, const char *vs, unsigned vlen, const char *fs, unsigned flen, const char *defs,
		   const char *what, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	GLuint v = compile(r, GL_VERTEX_SHADER, vs, vlen, defs, what, err);
	GLuint f = v ? compile(r, GL_FRAGMENT_SHADER, fs, flen, defs, what, err) : 0;
	if (!f) {
		if (v)
			gl->DeleteShader(v);
		return 0;
	}
	GLuint prog = gl->CreateProgram();
	GLint ok = 0;
	gl->AttachShader(prog, v);
	gl->AttachShader(prog, f);
	gl->LinkProgram(prog);
	gl->DeleteShader(v);
	gl->DeleteShader(f);
	gl->GetProgramiv(prog, GL_LINK_STATUS, &ok);
	if (!ok) {
		char log[400];
		gl->GetProgramInfoLog(prog, sizeof log, NULL, log);
		gl->DeleteProgram(prog);
		log[strcspn(log, "\n")] = 0;
		ap_errf(err, "gl: %s program does not link: %s", what, log);
		return 0;
	}
	return prog;
}

/* The sprite program for (points, pre, decor, mode, dots), compiled the first time a
 * frame needs it. dots: 0 a plain image, 1 a disc, 2 a disc and its image cross-faded,
 * 3 the image with its share of alpha (scene_lod). ease >= 0: the TWEEN variant with
 * that curve. */
static struct sprite_prog *sprite_prog(struct render *r, int ease, int points, int pre, int decor, int mode, int dots,
				       struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	struct sprite_prog *p = ease < 0 ? &r->prog[points][pre][decor][mode][dots]
					 : &r->tprog[ease][points][pre][decor][mode][dots];
	if (p->id)
		return p;
	char defs[240];
	snprintf(defs, sizeof defs, "#define POINTS %d\n#define PRE %d\n#define DECOR %d\n#define ALPHA_MODE %d\n"
		 "#define CHANNELS %d\n#define DOTS %d\n#define TWEEN %d\n#define EASE %d\n", points, pre, decor, mode,
		 r->atlas.channels == 1 ? 1 : r->has_alpha ? 4 : 3, dots, ease >= 0, ease >= 0 ? ease : 0);
	if (!(p->id = link(r, shader_sprite_vert, shader_sprite_vert_len, shader_sprite_frag, shader_sprite_frag_len,
			   defs, "sprite", err)))
		return NULL;
#define LOC(name) p->u.name = gl->GetUniformLocation(p->id, #name)
	LOC(proj); LOC(pitch); LOC(max_lod); LOC(page_base); LOC(cols); LOC(per_page); LOC(levels); LOC(use_cov);
	LOC(threshold); LOC(pre_grid); LOC(pre_slot); LOC(inv_page); LOC(pre_inv); LOC(outline); LOC(dot_r);
	LOC(dot_a); LOC(img_a);
	LOC(cam_a); LOC(cam_b); LOC(tl); LOC(stagger); LOC(px_per_unit); LOC(centre); LOC(frame_size); LOC(side);
	LOC(hl_side); LOC(frame_border); LOC(outline_border);
#undef LOC
	return p;
}

static int build_programs(struct render *r, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	if (!(r->resolve = link(r, shader_resolve_vert, shader_resolve_vert_len, shader_resolve_frag,
				shader_resolve_frag_len, "", "resolve", err)))
		return -1;
	/* the instance records as they are in struct scene_sprite: no repacking on the CPU */
	gl->GenVertexArrays(1, &r->vao);
	gl->GenVertexArrays(1, &r->empty_vao);
	gl->GenBuffers(1, &r->inst);
	gl->BindVertexArray(r->vao);
	gl->BindBuffer(GL_ARRAY_BUFFER, r->inst);
	gl->EnableVertexAttribArray(0);
	gl->EnableVertexAttribArray(1);
	gl->VertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, sizeof(struct scene_sprite), (const void *)0);
	gl->VertexAttribIPointer(1, 4, GL_UNSIGNED_INT, sizeof(struct scene_sprite), (const void *)(4 * sizeof(float)));
	gl->VertexAttribDivisor(0, 1);
	gl->VertexAttribDivisor(1, 1);
	/* a transition's: each attribute from its own buffer, bound when uploaded */
	gl->GenVertexArrays(1, &r->tw.vao);
	gl->GenBuffers(TW_BUFS, r->tw.buf);
	gl->BindVertexArray(r->tw.vao);
	for (GLuint k = 0; k < 4; k++) {
		gl->EnableVertexAttribArray(k);
		gl->VertexAttribDivisor(k, 1);
	}
	gl->BindVertexArray(0);
	gl->GetIntegerv(GL_MAX_VIEWPORT_DIMS, r->max_viewport);
	/* sprites up to 64 px are points where the GL draws points that large */
	GLfloat range[2] = { 0, 0 };
	gl->GetFloatv(GL_POINT_SIZE_RANGE, range);
	r->max_point = range[1] < 64 ? 0 : 64;
	gl->Enable(GL_PROGRAM_POINT_SIZE);
	return gl_check(r, "building the shaders", err);
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
	gl->GenBuffers(1, &r->pre.buf);
	if (build_programs(r, err) || upload_atlas(r, s, err))
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
	GLuint fbos[] = { r->fbo, r->accum_fbo },
	       texs[] = { r->frame_tex, r->accum_tex, r->pre.tex, r->pre.cov, r->cov_tex, r->dot_tex },
	       bufs[] = { r->inst, r->pre.buf, r->cov_buf, r->dot_buf };
	for (int k = 0; k < RENDER_MAX_RING; k++) {
		if (r->ring.fence[k])
			gl->DeleteSync(r->ring.fence[k]);
		if (r->ring.pbo[k])
			gl->DeleteBuffers(1, &r->ring.pbo[k]);
	}
	if (r->tw.vao) {
		gl->DeleteVertexArrays(1, &r->tw.vao);
		gl->DeleteBuffers(TW_BUFS, r->tw.buf);
	}
	free(r->tw.tint);
	free(r->tw.hl);
	free(r->tw.runs);
	for (size_t i = 0; i < sizeof fbos / sizeof *fbos; i++)
		if (fbos[i])
			gl->DeleteFramebuffers(1, &fbos[i]);
	for (size_t i = 0; i < sizeof texs / sizeof *texs; i++)
		if (texs[i])
			gl->DeleteTextures(1, &texs[i]);
	for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
		if (bufs[i])
			gl->DeleteBuffers(1, &bufs[i]);
	if (r->vao)
		gl->DeleteVertexArrays(1, &r->vao);
	if (r->empty_vao)
		gl->DeleteVertexArrays(1, &r->empty_vao);
	free(r->pre.layer);
	presc_cache_free(&r->pre.c);
	for (int k = 0; k < ATLAS_MAX_LEVELS; k++)
		free(r->pre.level[k]);
	free(r->c0);
	struct sprite_prog *progs = &r->prog[0][0][0][0][0], *tprogs = &r->tprog[0][0][0][0][0][0];
	for (size_t i = 0; i < sizeof r->prog / sizeof *progs; i++)
		if (progs[i].id)
			gl->DeleteProgram(progs[i].id);
	for (size_t i = 0; i < sizeof r->tprog / sizeof *tprogs; i++)
		if (tprogs[i].id)
			gl->DeleteProgram(tprogs[i].id);
	if (r->resolve)
		gl->DeleteProgram(r->resolve);
	if (r->own_ctx)
		glctx_free(r->ctx);
	free(r);
}

struct render *render_open(enum glctx_backend backend, int gpu, const struct atlas *a, const struct ap_imgset *s,
			   uint32_t pages_per_group, struct ap_err *err)
{
	struct glctx *ctx = glctx_new_gpu(backend, gpu, err);
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

/* A texture buffer of fmt texels (floats, colours: the vertex stage reads them, and
 * GL 4.3 promises it no storage buffers), made or refilled. */
static void texbuf_of(const struct glfn *gl, GLuint *buf, GLuint *tex, GLenum fmt, const void *data, size_t bytes)
{
	if (!*buf)
		gl->GenBuffers(1, buf);
	if (!*tex)
		gl->GenTextures(1, tex);
	gl->BindBuffer(GL_TEXTURE_BUFFER, *buf);
	gl->BufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(bytes ? bytes : sizeof(float)), data, GL_STATIC_DRAW);
	gl->BindTexture(GL_TEXTURE_BUFFER, *tex);
	gl->TexBuffer(GL_TEXTURE_BUFFER, fmt, *buf);
}

static void texbuf(const struct glfn *gl, GLuint *buf, GLuint *tex, const float *data, size_t bytes)
{
	texbuf_of(gl, buf, tex, GL_R32F, data, bytes);
}

int render_dots(struct render *r, const uint32_t *cell_color, struct ap_err *err)
{
	/* RGBA8 as the bytes r, g, b, a: what pal_ packs on a little-endian machine */
	uint8_t *bytes = malloc(r->atlas.n * 4);
	if (!bytes)
		return ap_errf(err, "render: out of memory for %zu disc colours", r->atlas.n);
	for (size_t i = 0; i < r->atlas.n; i++)
		for (int k = 0; k < 4; k++)
			bytes[4 * i + (size_t)k] = (uint8_t)(cell_color[i] >> 8 * k);
	texbuf_of(r->gl, &r->dot_buf, &r->dot_tex, GL_RGBA8, bytes, r->atlas.n * 4);
	free(bytes);
	return gl_check(r, "uploading the disc colours", err);
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
	texbuf(gl, &r->cov_buf, &r->cov_tex, table, r->atlas.n * r->atlas.levels * sizeof *table);
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

bool render_software(const struct render *r)
{
	return glctx_software(r->ctx);
}

int render_devices(char *buf, size_t len, struct ap_err *err)
{
	return glctx_list(buf, len, err);
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

/* Make the prescaled image of the sprite record's cell (tex, size, page as scene_sprite
 * has them) under key, if it is not made; *made says one was. The level it averages
 * is read back from the texture arrays once. */
static int pre_make(struct render *r, const struct presc_key *key, uint32_t tex, uint32_t size, uint32_t page,
		    bool *made, struct ap_err *err)
{
	const struct atlas *a = &r->atlas;
	size_t per_page = (size_t)a->cols * a->rows;
	uint32_t ch = a->channels, cx = (tex & 0xffff) / a->pitch, cy = (tex >> 16) / a->pitch;
	struct presc_cache *pc = &r->pre.c;
	size_t cell = page * per_page + (size_t)cy * a->cols + cx;
	if (pc->state[cell] == ONCE_DONE)
		return 0;
	int k = key->k;
	size_t side = a->page_w >> k, layer = side * (a->page_h >> k) * ch;
	/* before the claim: a claimed cell must be made */
	if (!r->pre.level[k] && read_level(r, k, layer, err))
		return -1;
	if (!presc_cache_claim(pc, cell))
		return 0;
	const uint8_t *lv = r->pre.level[k] + page * layer + ((size_t)((cy * a->pitch) >> k) * side +
							      ((cx * a->pitch) >> k)) * ch;
	struct presc_src src = { .lv = lv, .side = (uint32_t)side, .ch = ch, .ox = (tex & 0xffff) - cx * a->pitch,
				 .oy = (tex >> 16) - cy * a->pitch, .iw = size & 0xffff, .ih = size >> 16 };
	presc_cache_done(pc, cell, presc_cache_image(pc, &src, r->use_cov ? r->c0[cell] : -1, r->cov_thr,
						     r->has_alpha, cell));
	*made = true;
	return 0;
}

/* Upload every prescaled image of key and their discard scales. */
static int pre_upload(struct render *r, const struct presc_key *key, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	size_t n = r->atlas.n;
	uint32_t ch = r->atlas.channels;
	struct presc_cache *pc = &r->pre.c;
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
		if (!(r->pre.layer = malloc((size_t)tside * tside * ch))) {
			presc_cache_reset(pc);
			return ap_errf(err, "render: out of memory for %zu prescaled images", n);
		}
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
	texbuf(gl, &r->pre.buf, &r->pre.cov, pc->scale, n * sizeof *pc->scale);
	r->pre_bytes += (size_t)layers * tside * tside * ch + n * sizeof *pc->scale;
	return gl_check(r, "uploading the prescaled images", err);
}

static int pre_begin(struct render *r, const struct presc_key *key, struct ap_err *err)
{
	if (presc_cache_use(&r->pre.c, key, r->cov_thr, r->atlas.n, 4) < 0)
		return ap_errf(err, "render: out of memory for %zu prescaled images", r->atlas.n);
	return 0;
}

/* Make the prescaled images the frame's sprites of the key's scale need, and upload
 * them. */
static int pre_update(struct render *r, const struct scene_out *sc, const struct presc_key *key,
		      struct ap_err *err)
{
	bool made = false;
	if (pre_begin(r, key, err))
		return -1;
	for (size_t i = 0; i < sc->nsprites; i++) {
		const struct scene_sprite *s = &sc->sprites[i];
		if (presc_match(key, scene_scale_x(s), scene_scale_y(s)) &&
		    pre_make(r, key, s->tex, s->size, s->page_flags & 0xffff, &made, err))
			return -1;
	}
	return made ? pre_upload(r, key, err) : 0;
}

/* A w×h colour target of format fmt and its framebuffer (surfaceless EGL has no default
 * one, and OSMesa's is 1×1). */
static int target(struct render *r, GLuint *fbo, GLuint *tex, GLenum fmt, int w, int h, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	texture_2d(r, tex, fmt, w, h);
	gl->TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	gl->TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	if (!*fbo)
		gl->GenFramebuffers(1, fbo);
	gl->BindFramebuffer(GL_FRAMEBUFFER, *fbo);
	gl->FramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, *tex, 0);
	GLenum st = gl->CheckFramebufferStatus(GL_FRAMEBUFFER);
	if (st != GL_FRAMEBUFFER_COMPLETE)
		return ap_errf(err, "gl: a %dx%d frame buffer is incomplete (0x%04x)", w, h, st);
	return gl_check(r, "making the frame buffer", err);
}

/* Whether every source of the frame is opaque over an opaque background: then sprites
 * are painted straight into the RGBA8 frame, later over earlier, with no blending and
 * no float frame (what the cpu backend's fast path does too). */
static bool all_opaque(const struct scene_out *sc, const struct draw_opts *o, const float *bg, const float *ol)
{
	if (o->alpha == DRAW_BLEND || bg[3] != 1.0f || sc->lod.on)
		return false;
	for (size_t i = 0; i < sc->nsprites; i++) {
		const struct scene_sprite *s = &sc->sprites[i];
		if (s->tint >> 24 != 0xff || (((s->page_flags >> 16) & SCENE_OUTLINE) && ol[3] != 1.0f))
			return false;
	}
	return true;
}

/* The frame's uniforms for program p: pixels to clip space through cglm's ortho (y not
 * flipped, so that the frame's row 0, its top, is the first row glReadPixels returns),
 * the rest as draw_opts and the atlas give them. */
static void set_uniforms(struct render *r, const struct sprite_prog *p, const struct scene_lod *lod,
			 const struct draw_opts *o, const float *ol, const struct presc_key *key, int w, int h, int pad)
{
	const struct glfn *gl = r->gl;
	const struct atlas *a = &r->atlas;
	mat4 proj;
	glm_ortho((float)-pad, (float)(w + pad), (float)-pad, (float)(h + pad), -1.0f, 1.0f, proj);
	gl->UniformMatrix4fv(p->u.proj, 1, GL_FALSE, (const GLfloat *)proj);
	gl->Uniform1f(p->u.pitch, (float)a->pitch);
	gl->Uniform1f(p->u.max_lod, (float)(a->levels - 1));
	gl->Uniform1ui(p->u.cols, a->cols);
	gl->Uniform1ui(p->u.per_page, a->cols * a->rows);
	gl->Uniform1ui(p->u.levels, a->levels);
	gl->Uniform1i(p->u.use_cov, r->use_cov && o->alpha == DRAW_DISCARD);
	gl->Uniform1f(p->u.threshold, (float)draw_opts_threshold(o));
	gl->Uniform2f(p->u.inv_page, 1.0f / (float)a->page_w, 1.0f / (float)a->page_h);
	gl->Uniform4f(p->u.outline, ol[0], ol[1], ol[2], ol[3]);
	gl->Uniform1f(p->u.dot_r, lod->radius);
	gl->Uniform1f(p->u.dot_a, lod->dot_alpha);
	gl->Uniform1f(p->u.img_a, lod->img_alpha);
	if (key) {
		gl->Uniform2i(p->u.pre_grid, (GLint)r->pre.cols, (GLint)r->pre.rows);
		gl->Uniform2i(p->u.pre_slot, (GLint)key->w, (GLint)key->h);
		gl->Uniform1f(p->u.pre_inv, 1.0f / (float)r->pre.side);
	}
}

/* A sprite's draw: its texture array, its disc and image (sprite_prog's dots), whether
 * it is a point (small and wholly inside the w×h frame: points are clipped by their
 * centre; a disc's square, the vertex stage's, counts), whether it is drawn from the
 * prescaled images (presc_match, the cpu backend's test), and whether it has a border. */
static uint32_t sprite_kind(const struct render *r, const struct scene_out *sc, const struct scene_sprite *s,
			    const struct presc_key *key, float w, float h)
{
	uint32_t g = (s->page_flags & 0xffff) / r->pages_per_group, dots = 0;
	float bx0 = s->x0, by0 = s->y0, bx1 = s->x1, by1 = s->y1;
	if ((s->page_flags >> 16) & SCENE_DOT) {
		const struct scene_lod *l = &sc->lod;
		dots = !(l->dot_alpha > 0) ? 3 : l->img_alpha > 0 ? 2 : 1;
		if (dots != 3) {
			float cx = 0.5f * (s->x0 + s->x1), cy = 0.5f * (s->y0 + s->y1), e = l->radius + 0.5f;
			bx0 = cx - e, by0 = cy - e, bx1 = cx + e, by1 = cy + e;
		}
	}
	float x0 = ceilf(bx0 - 0.5f), y0 = ceilf(by0 - 0.5f), x1 = ceilf(bx1 - 0.5f), y1 = ceilf(by1 - 0.5f);
	bool point = x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h && x1 - x0 <= r->max_point && y1 - y0 <= r->max_point;
	bool pre = dots != 1 && key && presc_match(key, scene_scale_x(s), scene_scale_y(s));
	bool decor = dots != 1 && ((s->page_flags >> 16) & (SCENE_OUTLINE | SCENE_FRAME));
	return g << 5 | dots << 3 | (uint32_t)point << 2 | (uint32_t)pre << 1 | (uint32_t)decor;
}

/* The sprites in order, one instanced draw per run of sprites of one kind: one texture
 * array (the atlas keeps each array's images together in draw order), one program. */
static int draw_sprites(struct render *r, const struct scene_out *sc, const struct draw_opts *o, const float *ol,
			const struct presc_key *key, int w, int h, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	const struct scene_sprite *sp = sc->sprites;
	size_t bytes = sc->nsprites * sizeof *sp;
	gl->BindBuffer(GL_ARRAY_BUFFER, r->inst);
	if (bytes > r->inst_cap) {
		gl->BufferData(GL_ARRAY_BUFFER, (GLsizeiptr)bytes, sp, GL_STREAM_DRAW);
		r->inst_cap = bytes;
	} else if (bytes) {
		/* orphan and refill: no stall on the previous frame's use */
		gl->BufferData(GL_ARRAY_BUFFER, (GLsizeiptr)r->inst_cap, NULL, GL_STREAM_DRAW);
		gl->BufferSubData(GL_ARRAY_BUFFER, 0, (GLsizeiptr)bytes, sp);
	}
	r->up_bytes += bytes;
	gl->BindVertexArray(r->vao);
	gl->ActiveTexture(GL_TEXTURE0);
	const struct sprite_prog *cur = NULL;
	for (size_t i = 0; i < sc->nsprites;) {
		uint32_t kind = sprite_kind(r, sc, &sp[i], key, (float)w, (float)h), g = kind >> 5;
		size_t j = i + 1;
		while (j < sc->nsprites && sprite_kind(r, sc, &sp[j], key, (float)w, (float)h) == kind)
			j++;
		int point = kind >> 2 & 1;
		const struct sprite_prog *p = sprite_prog(r, -1, point, kind >> 1 & 1, kind & 1, (int)o->alpha,
							  (int)(kind >> 3 & 3), err);
		if (!p)
			return -1;
		if (p != cur) {
			gl->UseProgram(p->id);
			set_uniforms(r, p, &sc->lod, o, ol, key, w, h, 0);
			cur = p;
		}
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->arrays[g < r->ngroups ? g : 0]);
		gl->Uniform1ui(p->u.page_base, g * r->pages_per_group);
		if (point)
			gl->DrawArraysInstancedBaseInstance(GL_POINTS, 0, 1, (GLsizei)(j - i), (GLuint)i);
		else
			gl->DrawArraysInstancedBaseInstance(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)(j - i), (GLuint)i);
		i = j;
	}
	return 0;
}

/* Begin a w×h frame: its targets made at that size, the one drawn into (the RGBA8
 * frame when fast, else the float one) bound and cleared to bg, blending set, and the
 * coverage, (pre) prescaled images' and (lod's discs) disc colours' textures bound. */
static int frame_begin(struct render *r, int w, int h, bool fast, const float *bg, bool pre,
		       const struct scene_lod *lod, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	if ((w != r->fw || h != r->fh) && target(r, &r->fbo, &r->frame_tex, GL_RGBA8, w, h, err))
		return -1;
	r->fw = w;
	r->fh = h;
	if (!fast && (w != r->aw || h != r->ah)) {
		if (target(r, &r->accum_fbo, &r->accum_tex, GL_RGBA32F, w, h, err))
			return -1;
		r->aw = w;
		r->ah = h;
	}
	gl->BindFramebuffer(GL_FRAMEBUFFER, fast ? r->fbo : r->accum_fbo);
	gl->Viewport(0, 0, w, h);
	gl->ClearBufferfv(GL_COLOR, 0, bg);
	if (fast) {
		gl->Disable(GL_BLEND);
	} else {
		gl->Enable(GL_BLEND);
		gl->BlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);   /* premultiplied "over" */
	}
	if (r->use_cov) {
		gl->ActiveTexture(GL_TEXTURE2);
		gl->BindTexture(GL_TEXTURE_BUFFER, r->cov_tex);
	}
	if (lod->on && lod->dot_alpha > 0) {
		if (!r->dot_tex)
			return ap_errf(err, "gl: a frame with discs, but no disc colours");
		gl->ActiveTexture(GL_TEXTURE4);
		gl->BindTexture(GL_TEXTURE_BUFFER, r->dot_tex);
	}
	if (pre) {
		gl->ActiveTexture(GL_TEXTURE1);
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->pre.tex);
		gl->ActiveTexture(GL_TEXTURE3);
		gl->BindTexture(GL_TEXTURE_BUFFER, r->pre.cov);
	}
	return 0;
}

/* The float frame resolved into the RGBA8 one (unless fast), read into t. */
static int frame_end(struct render *r, bool fast, const struct draw_target *t, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	if (!fast) {
		gl->Disable(GL_BLEND);
		gl->BindFramebuffer(GL_FRAMEBUFFER, r->fbo);
		gl->Viewport(0, 0, t->w, t->h);
		gl->UseProgram(r->resolve);
		gl->ActiveTexture(GL_TEXTURE0);
		gl->BindTexture(GL_TEXTURE_2D, r->accum_tex);
		gl->BindVertexArray(r->empty_vao);
		gl->DrawArrays(GL_TRIANGLES, 0, 3);
	}
	gl->BindFramebuffer(GL_READ_FRAMEBUFFER, r->fbo);
	gl->PixelStorei(GL_PACK_ALIGNMENT, 1);
	if (!t->defer || r->ring.n < 2) {
		gl->ReadPixels(0, 0, t->w, t->h, GL_RGBA, GL_UNSIGNED_BYTE, t->rgba);
		return gl_check(r, "drawing the frame", err);
	}
	if (r->ring.count == r->ring.n)
		return ap_errf(err, "gl: %d frames in flight already (render_collect one first)", r->ring.n);
	int k = (r->ring.head + r->ring.count) % r->ring.n;
	size_t bytes = (size_t)t->w * (size_t)t->h * 4;
	if (!r->ring.pbo[k])
		gl->GenBuffers(1, &r->ring.pbo[k]);
	gl->BindBuffer(GL_PIXEL_PACK_BUFFER, r->ring.pbo[k]);
	if (r->ring.cap[k] < bytes) {
		gl->BufferData(GL_PIXEL_PACK_BUFFER, (GLsizeiptr)bytes, NULL, GL_STREAM_READ);
		r->ring.cap[k] = bytes;
	}
	gl->ReadPixels(0, 0, t->w, t->h, GL_RGBA, GL_UNSIGNED_BYTE, (void *)0);
	gl->BindBuffer(GL_PIXEL_PACK_BUFFER, 0);
	r->ring.fence[k] = gl->FenceSync(GL_SYNC_GPU_COMMANDS_COMPLETE, 0);
	/* start the GPU now: the next frame's CPU work overlaps this one's drawing */
	gl->Flush();
	if (gl_check(r, "drawing the frame", err)) {
		if (r->ring.fence[k])
			gl->DeleteSync(r->ring.fence[k]);
		r->ring.fence[k] = NULL;
		return -1;
	}
	r->ring.dst[k] = t->rgba;
	r->ring.bytes[k] = bytes;
	r->ring.count++;
	return 0;
}

int render_set_ring(struct render *r, int n, struct ap_err *err)
{
	if (n < 1 || n > RENDER_MAX_RING)
		return ap_errf(err, "gl: %d frames in flight: expected 1 to %d", n, RENDER_MAX_RING);
	if (r->ring.count)
		return ap_errf(err, "gl: %d frames still in flight", r->ring.count);
	r->ring.n = n;
	r->ring.head = 0;
	return 0;
}

int render_inflight(const struct render *r)
{
	return r->ring.count;
}

int render_collect(struct render *r, uint8_t **rgba, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	*rgba = NULL;
	if (!r->ring.count)
		return ap_errf(err, "gl: no frame in flight");
	int k = r->ring.head;
	r->ring.head = (k + 1) % r->ring.n;
	r->ring.count--;
	GLsync f = r->ring.fence[k];
	r->ring.fence[k] = NULL;
	/* a bounded wait, so that a hung GPU is an error rather than a hang */
	GLenum st = GL_TIMEOUT_EXPIRED;
	for (int tries = 0; tries < RENDER_COLLECT_TRIES && st == GL_TIMEOUT_EXPIRED; tries++)
		st = gl->ClientWaitSync(f, GL_SYNC_FLUSH_COMMANDS_BIT, 1000000000ull);
	gl->DeleteSync(f);
	if (st == GL_TIMEOUT_EXPIRED)
		return ap_errf(err, "gl: a frame's read-back did not finish in %d s", RENDER_COLLECT_TRIES);
	if (st != GL_ALREADY_SIGNALED && st != GL_CONDITION_SATISFIED)
		return ap_errf(err, "gl: waiting for a frame's read-back failed (GL error 0x%04x)", gl->GetError());
	gl->BindBuffer(GL_PIXEL_PACK_BUFFER, r->ring.pbo[k]);
	const void *src = gl->MapBufferRange(GL_PIXEL_PACK_BUFFER, 0, (GLsizeiptr)r->ring.bytes[k], GL_MAP_READ_BIT);
	if (src)
		memcpy(r->ring.dst[k], src, r->ring.bytes[k]);
	if (src && !gl->UnmapBuffer(GL_PIXEL_PACK_BUFFER))
		src = NULL;    /* the store was lost (GL 4.5 §6.3.1): the copy may be torn */
	gl->BindBuffer(GL_PIXEL_PACK_BUFFER, 0);
	if (!src) {
		gl->GetError();
		return ap_errf(err, "gl: cannot map a frame's read-back buffer");
	}
	*rgba = r->ring.dst[k];
	return gl_check(r, "reading the frame back", err);
}

int render_frame(struct render *r, const struct scene_out *sc, const struct draw_opts *o,
		 const struct draw_target *t, struct ap_err *err)
{
	int w = t->w, h = t->h;
	r->up_bytes = r->pre_bytes = 0;
	if (w <= 0 || h <= 0 || w > r->max_size || h > r->max_size)
		return ap_errf(err, "frame %dx%d: outside 1..%d, the GL limit", w, h, r->max_size);
	float bg[4], ol[4];
	pal_premul(o->background, bg);
	pal_premul(pal_outline(o->outline, o->background), ol);
	bool fast = all_opaque(sc, o, bg, ol);
	struct presc_key key;
	bool pre = scene_prescale_key(sc, &r->atlas, &key);
	if (pre && pre_update(r, sc, &key, err))
		return -1;
	if (frame_begin(r, w, h, fast, bg, pre, &sc->lod, err) ||
	    draw_sprites(r, sc, o, ol, pre ? &key : NULL, w, h, err))
		return -1;
	return frame_end(r, fast, t, err);
}

void render_stats(const struct render *r, size_t *upload, size_t *presc)
{
	*upload = r->up_bytes;
	*presc = r->pre_bytes;
}

void render_tween_set(struct render *r, const struct render_tween *tw)
{
	r->tw.set = tw != NULL;
	if (tw)
		r->tw.plan = *tw;
	r->tw.pos_ok = false;
}

static void upload(struct render *r, int which, const void *data, size_t bytes)
{
	const struct glfn *gl = r->gl;
	gl->BindBuffer(GL_ARRAY_BUFFER, r->tw.buf[which]);
	gl->BufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(bytes ? bytes : 16), data, GL_STATIC_DRAW);
	r->up_bytes += bytes;
}

/* Whether the instances hold f's tints and highlights. */
static bool tw_same(const struct render *r, const struct scene_frame *f, size_t n)
{
	const struct tween_state *tw = &r->tw;
	return tw->inst_ok && tw->has_tint == (f->tint != NULL) && tw->frame == (f->tint && f->tint_as_frame) &&
	       (!f->tint || !memcmp(tw->tint, f->tint, n * sizeof *f->tint)) && tw->nhl == f->nhighlight &&
	       (!tw->nhl || !memcmp(tw->hl, f->highlight, tw->nhl * sizeof *tw->hl));
}

/* The instances of f (scene_inst_build) uploaded, unless they are there, and their runs. */
static int tw_instances(struct render *r, const struct scene_src *src, const struct scene_frame *f,
			struct ap_err *err)
{
	size_t n = src->n, ninst = scene_inst_count(src, f);
	if (tw_same(r, f, n))
		return 0;
	r->tw.inst_ok = false;
	r->tw.pos_ok = false;        /* the highlights' positions follow the instances */
	free(r->tw.tint);
	free(r->tw.hl);
	free(r->tw.runs);
	r->tw.tint = f->tint ? malloc(n * sizeof *f->tint) : NULL;
	r->tw.hl = f->nhighlight ? malloc(f->nhighlight * sizeof *f->highlight) : NULL;
	r->tw.runs = malloc(ninst * sizeof *r->tw.runs);
	struct scene_inst *inst = malloc(ninst * sizeof *inst);
	if ((f->tint && !r->tw.tint) || (f->nhighlight && !r->tw.hl) || !r->tw.runs || !inst) {
		free(inst);
		return ap_errf(err, "render: out of memory for a transition of %zu sprites", ninst);
	}
	if (f->tint)
		memcpy(r->tw.tint, f->tint, n * sizeof *f->tint);
	if (f->nhighlight)
		memcpy(r->tw.hl, f->highlight, f->nhighlight * sizeof *f->highlight);
	r->tw.nhl = f->nhighlight;
	r->tw.has_tint = f->tint != NULL;
	r->tw.frame = f->tint && f->tint_as_frame;
	scene_inst_build(src, f, inst);
	r->tw.translucent = false;
	r->tw.nruns = 0;
	for (size_t k = 0; k < ninst; k++) {
		uint32_t flags = inst[k].page_flags >> 16, iw = inst[k].size & 0xffff, ih = inst[k].size >> 16;
		struct tween_run run = { .first = k, .count = 1, .group = (inst[k].page_flags & 0xffff) / r->pages_per_group,
					 .side = iw > ih ? iw : ih, .decor = (flags & (SCENE_OUTLINE | SCENE_FRAME)) != 0,
					 .hl = (flags & SCENE_OUTLINE) != 0 };
		struct tween_run *last = r->tw.nruns ? &r->tw.runs[r->tw.nruns - 1] : NULL;
		if (last && last->group == run.group && last->side == run.side && last->decor == run.decor &&
		    last->hl == run.hl)
			last->count++;
		else
			r->tw.runs[r->tw.nruns++] = run;
		r->tw.translucent |= inst[k].tint >> 24 != 0xff;
	}
	struct tween_run *fit = realloc(r->tw.runs, r->tw.nruns * sizeof *fit);
	if (fit)
		r->tw.runs = fit;
	upload(r, TW_INST, inst, ninst * sizeof *inst);
	free(inst);
	r->tw.ninst = ninst;
	r->tw.inst_ok = true;
	return gl_check(r, "uploading a transition's sprites", err);
}

/* Point i of xy relative to origin o as a float's high part and what it leaves. */
static void split(const double *xy, size_t i, const double *o, float *out)
{
	double x = xy[2 * i] - o[0], y = xy[2 * i + 1] - o[1];
	out[0] = (float)x;
	out[1] = (float)y;
	out[2] = (float)(x - out[0]);
	out[3] = (float)(y - out[1]);
}

/* The plan's positions and ranks for each instance, uploaded unless they are there. */
static int tw_positions(struct render *r, struct ap_err *err)
{
	const struct render_tween *p = &r->tw.plan;
	if (r->tw.pos_ok)
		return 0;
	size_t n = p->n, ninst = r->tw.ninst;
	float *v = malloc(ninst * 4 * sizeof *v);
	if (!v)
		return ap_errf(err, "render: out of memory for a transition of %zu sprites", ninst);
	const double *lay[3] = { p->a, p->b, p->end };
	for (int l = 0; l < 3; l++) {
		if (!lay[l])
			continue;
		struct cam_box box;
		cam_bounds(lay[l], n, &box);
		/* halved before adding, as tween_normalize does: no overflow */
		double *o = r->tw.origin[l];
		o[0] = box.x0 / 2 + box.x1 / 2;
		o[1] = box.y0 / 2 + box.y1 / 2;
		for (size_t k = 0; k < ninst; k++)
			split(lay[l], k < n ? k : r->tw.hl[k - n], o, v + 4 * k);
		upload(r, TW_A + l, v, ninst * 4 * sizeof *v);
	}
	for (size_t k = 0; k < ninst; k++) {
		size_t i = k < n ? k : r->tw.hl[k - n];
		v[k] = p->rank ? (float)p->rank[i] : 0.0f;
	}
	upload(r, TW_RANK, v, ninst * sizeof *v);
	free(v);
	r->tw.pos_ok = true;
	return gl_check(r, "uploading a transition's positions", err);
}

/* The camera centre relative to origin o, as split makes positions. */
static void cam_rel(const struct cam *c, const double *o, float *out)
{
	double xy[2] = { c->cx, c->cy };
	split(xy, 0, o, out);
}

static void tween_uniforms(struct render *r, const struct sprite_prog *p, double t, const struct scene_frame *f,
			   int end)
{
	const struct glfn *gl = r->gl;
	float ca[4], cb[4];
	cam_rel(&f->cam, r->tw.origin[TW_A], ca);
	cam_rel(&f->cam, r->tw.origin[end], cb);
	gl->Uniform4f(p->u.cam_a, ca[0], ca[1], ca[2], ca[3]);
	gl->Uniform4f(p->u.cam_b, cb[0], cb[1], cb[2], cb[3]);
	gl->Uniform1f(p->u.tl, (float)t);
	gl->Uniform1f(p->u.stagger, (float)r->tw.plan.stagger);
	gl->Uniform1f(p->u.px_per_unit, (float)(f->s0 * f->cam.zoom));
	gl->Uniform2f(p->u.centre, (float)(f->w / 2.0), (float)(f->h / 2.0));
	gl->Uniform2f(p->u.frame_size, (float)f->w, (float)f->h);
	gl->Uniform1f(p->u.side, (float)fnum_clamp(f->sprite, 0, CAM_SPRITE_LIMIT));
	gl->Uniform1f(p->u.hl_side, (float)scene_highlight_side(f));
	gl->Uniform1ui(p->u.frame_border, scene_border(f->sprite));
	gl->Uniform1ui(p->u.outline_border, scene_border(scene_highlight_side(f)));
}

/* Which runs are of the key's scale (a run's sprites share one: scene_scale_x of each
 * is its longer image side over its side), their images made and uploaded. */
static int tw_prescale(struct render *r, const struct scene_src *src, const struct presc_key *key, double S,
		       double HS, struct ap_err *err)
{
	bool made = false;
	if (key && pre_begin(r, key, err))
		return -1;
	for (size_t j = 0; j < r->tw.nruns; j++) {
		struct tween_run *run = &r->tw.runs[j];
		float sc = (float)run->side / (float)(run->hl ? HS : S);
		run->pre = key && presc_match(key, sc, sc);
		for (size_t k = run->first; run->pre && k < run->first + run->count; k++) {
			uint32_t i = (uint32_t)(k < src->n ? k : r->tw.hl[k - src->n]);
			if (pre_make(r, key, src->tex[i], src->size[i], src->page[i], &made, err))
				return -1;
		}
	}
	return made ? pre_upload(r, key, err) : 0;
}

/* The tween VAO's attributes from the plan's buffers, the end layout's for b when end. */
static void tw_bind(struct render *r, int end)
{
	const struct glfn *gl = r->gl;
	gl->BindVertexArray(r->tw.vao);
	gl->BindBuffer(GL_ARRAY_BUFFER, r->tw.buf[TW_A]);
	gl->VertexAttribPointer(0, 4, GL_FLOAT, GL_FALSE, 0, (const void *)0);
	gl->BindBuffer(GL_ARRAY_BUFFER, r->tw.buf[TW_INST]);
	gl->VertexAttribIPointer(1, 4, GL_UNSIGNED_INT, 0, (const void *)0);
	gl->BindBuffer(GL_ARRAY_BUFFER, r->tw.buf[end]);
	gl->VertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, 0, (const void *)0);
	gl->BindBuffer(GL_ARRAY_BUFFER, r->tw.buf[TW_RANK]);
	gl->VertexAttribPointer(3, 1, GL_FLOAT, GL_FALSE, 0, (const void *)0);
}

int render_tween_frame(struct render *r, const struct scene_src *src, double t, const struct scene_frame *f,
		       const struct scene_lod *lod, const struct presc_key *key, const struct draw_opts *o,
		       const struct draw_target *tg, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	int w = tg->w, h = tg->h;
	r->up_bytes = r->pre_bytes = 0;
	if (w <= 0 || h <= 0 || w > r->max_size || h > r->max_size)
		return ap_errf(err, "frame %dx%d: outside 1..%d, the GL limit", w, h, r->max_size);
	if (!r->tw.set)
		return ap_errf(err, "render: no transition set");
	double S = fnum_clamp(f->sprite, 0, CAM_SPRITE_LIMIT), HS = scene_highlight_side(f);
	if (tw_instances(r, src, f, err) || tw_positions(r, err) || tw_prescale(r, src, key, S, HS, err))
		return -1;
	float bg[4], ol[4];
	pal_premul(o->background, bg);
	pal_premul(pal_outline(o->outline, o->background), ol);
	bool fast = o->alpha != DRAW_BLEND && bg[3] == 1.0f && !lod->on && !r->tw.translucent &&
		    (!r->tw.nhl || ol[3] == 1.0f);
	if (frame_begin(r, w, h, fast, bg, key != NULL, lod, err))
		return -1;
	/* points where the padded viewport fits the GL's limit */
	int pad = r->max_point > 0 && w + (int)r->max_point + 2 <= r->max_viewport[0] &&
		  h + (int)r->max_point + 2 <= r->max_viewport[1] ? (int)r->max_point / 2 + 1 : 0;
	int end = t >= 1 && r->tw.plan.end ? TW_END : TW_B;
	gl->Viewport(-pad, -pad, w + 2 * pad, h + 2 * pad);
	tw_bind(r, end);
	gl->ActiveTexture(GL_TEXTURE0);
	const struct sprite_prog *cur = NULL;
	for (size_t j = 0; j < r->tw.nruns; j++) {
		const struct tween_run *run = &r->tw.runs[j];
		/* sprite_kind's choices: the frame's discs for all but the highlights */
		int dots = !run->hl && lod->on ? !(lod->dot_alpha > 0) ? 3 : lod->img_alpha > 0 ? 2 : 1 : 0;
		double box = (run->hl ? HS : S) + (dots == 1 || dots == 2);
		int point = pad && box + 1 <= r->max_point;
		const struct sprite_prog *p = sprite_prog(r, (int)r->tw.plan.ease, point, dots != 1 && run->pre,
							  dots != 1 && run->decor, (int)o->alpha, dots, err);
		if (!p)
			return -1;
		if (p != cur) {
			gl->UseProgram(p->id);
			set_uniforms(r, p, lod, o, ol, key, w, h, pad);
			tween_uniforms(r, p, t, f, end);
			cur = p;
		}
		gl->BindTexture(GL_TEXTURE_2D_ARRAY, r->arrays[run->group < r->ngroups ? run->group : 0]);
		gl->Uniform1ui(p->u.page_base, run->group * r->pages_per_group);
		if (point)
			gl->DrawArraysInstancedBaseInstance(GL_POINTS, 0, 1, (GLsizei)run->count, (GLuint)run->first);
		else
			gl->DrawArraysInstancedBaseInstance(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)run->count,
							    (GLuint)run->first);
	}
	return frame_end(r, fast, tg, err);
}
