#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pal.h"
#include "shaders.h"

struct render {
	struct glctx *ctx;
	const struct glfn *gl;
	struct atlas atlas;
	int has_alpha;
	uint32_t pages_per_group, ngroups;
	GLuint *arrays;             /* one texture array per group */
	GLuint prog;
	GLuint buf[4];              /* sprites, offsets, index, coverage */
	int use_cov;
	GLuint frame_tex, accum_tex;
	int fw, fh, aw, ah;
	GLint max_size;
	struct {
		GLint frame_size, tiles_x, off_base, page_base, alpha_mode, threshold, gray, has_alpha,
		      pitch, inv_page, max_lod, background, outline, first_batch, last_batch,
		      use_cov, cols, per_page, levels;
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
	if (r->prog)
		gl->DeleteProgram(r->prog);
	free(r);
}

int render_set_coverage(struct render *r, const float *table, struct ap_err *err)
{
	const struct glfn *gl = r->gl;
	r->use_cov = table != NULL;
	if (!table)
		return 0;
	gl->BindBuffer(GL_SHADER_STORAGE_BUFFER, r->buf[3]);
	gl->BufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)(r->atlas.n * r->atlas.levels * sizeof *table), table,
		       GL_STATIC_DRAW);
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

void render_gl_strings(const struct render *r, const char **renderer, const char **version)
{
	*renderer = (const char *)r->gl->GetString(GL_RENDERER);
	*version = (const char *)r->gl->GetString(GL_VERSION);
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

int render_frame(struct render *r, const struct scene_out *sc, int w, int h,
		 const struct render_opts *o, uint8_t *rgba, struct ap_err *err)
{
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
	gl->Uniform1f(r->u.threshold, (float)(o->threshold_set ? o->threshold : RENDER_DEFAULT_THRESHOLD));
	gl->Uniform1i(r->u.gray, a->channels == 1);
	gl->Uniform1i(r->u.has_alpha, r->has_alpha);
	gl->Uniform1f(r->u.pitch, (float)a->pitch);
	gl->Uniform2f(r->u.inv_page, 1.0f / (float)a->page_w, 1.0f / (float)a->page_h);
	gl->Uniform4f(r->u.background, bg[0], bg[1], bg[2], bg[3]);
	gl->Uniform4f(r->u.outline, ol[0], ol[1], ol[2], ol[3]);
	gl->Uniform1f(r->u.max_lod, (float)(a->levels - 1));
	gl->Uniform1i(r->u.use_cov, r->use_cov && o->alpha == RENDER_DISCARD);
	gl->Uniform1ui(r->u.cols, a->cols);
	gl->Uniform1ui(r->u.per_page, a->cols * a->rows);
	gl->Uniform1ui(r->u.levels, a->levels);
	if (r->use_cov)
		gl->BindBufferBase(GL_SHADER_STORAGE_BUFFER, 3, r->buf[3]);
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
