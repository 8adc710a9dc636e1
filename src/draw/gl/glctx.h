/*
 * glctx: the one place that knows how a GL context is made headless. Two backends:
 * OSMesa (Mesa's llvmpipe in-process; gone from Mesa >= 25.1) and EGL (surfaceless
 * on Mesa, or an EGL device, which reaches a GPU). Both give a GL 4.5 (at least 4.3)
 * core context with no default framebuffer use: the renderer draws into its own
 * images. GL entry points are loaded into a table here, so nothing else links
 * against a particular libGL and no global function pointers exist.
 */
#ifndef AP_GLCTX_H
#define AP_GLCTX_H

#include <stdbool.h>

#include <GL/glcorearb.h>

#include "base/err.h"
#include "draw/gl/render.h"


/* The GL functions the renderer uses: X(type, name). */
#define GLCTX_FUNCS(X) \
	X(PFNGLGETERRORPROC, GetError) \
	X(PFNGLGETSTRINGPROC, GetString) \
	X(PFNGLGETINTEGERVPROC, GetIntegerv) \
	X(PFNGLGETFLOATVPROC, GetFloatv) \
	X(PFNGLPIXELSTOREIPROC, PixelStorei) \
	X(PFNGLGENTEXTURESPROC, GenTextures) \
	X(PFNGLDELETETEXTURESPROC, DeleteTextures) \
	X(PFNGLBINDTEXTUREPROC, BindTexture) \
	X(PFNGLACTIVETEXTUREPROC, ActiveTexture) \
	X(PFNGLTEXPARAMETERIPROC, TexParameteri) \
	X(PFNGLTEXSTORAGE2DPROC, TexStorage2D) \
	X(PFNGLTEXSTORAGE3DPROC, TexStorage3D) \
	X(PFNGLTEXSUBIMAGE3DPROC, TexSubImage3D) \
	X(PFNGLGETTEXIMAGEPROC, GetTexImage) \
	X(PFNGLGENBUFFERSPROC, GenBuffers) \
	X(PFNGLDELETEBUFFERSPROC, DeleteBuffers) \
	X(PFNGLBINDBUFFERPROC, BindBuffer) \
	X(PFNGLTEXBUFFERPROC, TexBuffer) \
	X(PFNGLBUFFERDATAPROC, BufferData) \
	X(PFNGLBUFFERSUBDATAPROC, BufferSubData) \
	X(PFNGLCREATESHADERPROC, CreateShader) \
	X(PFNGLSHADERSOURCEPROC, ShaderSource) \
	X(PFNGLCOMPILESHADERPROC, CompileShader) \
	X(PFNGLGETSHADERIVPROC, GetShaderiv) \
	X(PFNGLGETSHADERINFOLOGPROC, GetShaderInfoLog) \
	X(PFNGLDELETESHADERPROC, DeleteShader) \
	X(PFNGLCREATEPROGRAMPROC, CreateProgram) \
	X(PFNGLATTACHSHADERPROC, AttachShader) \
	X(PFNGLLINKPROGRAMPROC, LinkProgram) \
	X(PFNGLGETPROGRAMIVPROC, GetProgramiv) \
	X(PFNGLGETPROGRAMINFOLOGPROC, GetProgramInfoLog) \
	X(PFNGLDELETEPROGRAMPROC, DeleteProgram) \
	X(PFNGLUSEPROGRAMPROC, UseProgram) \
	X(PFNGLGETUNIFORMLOCATIONPROC, GetUniformLocation) \
	X(PFNGLUNIFORM1IPROC, Uniform1i) \
	X(PFNGLUNIFORM1UIPROC, Uniform1ui) \
	X(PFNGLUNIFORM1FPROC, Uniform1f) \
	X(PFNGLUNIFORM2IPROC, Uniform2i) \
	X(PFNGLUNIFORM2FPROC, Uniform2f) \
	X(PFNGLUNIFORM4FPROC, Uniform4f) \
	X(PFNGLUNIFORMMATRIX4FVPROC, UniformMatrix4fv) \
	X(PFNGLGENVERTEXARRAYSPROC, GenVertexArrays) \
	X(PFNGLDELETEVERTEXARRAYSPROC, DeleteVertexArrays) \
	X(PFNGLBINDVERTEXARRAYPROC, BindVertexArray) \
	X(PFNGLENABLEVERTEXATTRIBARRAYPROC, EnableVertexAttribArray) \
	X(PFNGLVERTEXATTRIBPOINTERPROC, VertexAttribPointer) \
	X(PFNGLVERTEXATTRIBIPOINTERPROC, VertexAttribIPointer) \
	X(PFNGLVERTEXATTRIBDIVISORPROC, VertexAttribDivisor) \
	X(PFNGLDRAWARRAYSPROC, DrawArrays) \
	X(PFNGLDRAWARRAYSINSTANCEDBASEINSTANCEPROC, DrawArraysInstancedBaseInstance) \
	X(PFNGLGENFRAMEBUFFERSPROC, GenFramebuffers) \
	X(PFNGLDELETEFRAMEBUFFERSPROC, DeleteFramebuffers) \
	X(PFNGLBINDFRAMEBUFFERPROC, BindFramebuffer) \
	X(PFNGLFRAMEBUFFERTEXTURE2DPROC, FramebufferTexture2D) \
	X(PFNGLCHECKFRAMEBUFFERSTATUSPROC, CheckFramebufferStatus) \
	X(PFNGLVIEWPORTPROC, Viewport) \
	X(PFNGLCLEARBUFFERFVPROC, ClearBufferfv) \
	X(PFNGLENABLEPROC, Enable) \
	X(PFNGLDISABLEPROC, Disable) \
	X(PFNGLBLENDFUNCPROC, BlendFunc) \
	X(PFNGLREADPIXELSPROC, ReadPixels) \
	X(PFNGLMAPBUFFERRANGEPROC, MapBufferRange) \
	X(PFNGLUNMAPBUFFERPROC, UnmapBuffer) \
	X(PFNGLFENCESYNCPROC, FenceSync) \
	X(PFNGLCLIENTWAITSYNCPROC, ClientWaitSync) \
	X(PFNGLDELETESYNCPROC, DeleteSync) \
	X(PFNGLFLUSHPROC, Flush) \
	X(PFNGLFINISHPROC, Finish)

struct glfn {
#define GLCTX_FIELD(type, name) type name;
	GLCTX_FUNCS(GLCTX_FIELD)
#undef GLCTX_FIELD
};

struct glctx;

/* Create and make current a context. NULL on failure, with err saying why (for EGL
 * devices, every device's reason). EGL devices: the first whose GL_RENDERER is not a
 * software rasteriser, after checking the client extensions that list and open them. */
struct glctx *glctx_new(enum glctx_backend backend, struct ap_err *err);
/* The same with EGL device gpu (>= 0), which must not be a software rasteriser; -1: any. */
struct glctx *glctx_new_gpu(enum glctx_backend backend, int gpu, struct ap_err *err);
void glctx_free(struct glctx *ctx);

const struct glfn *glctx_gl(const struct glctx *ctx);
/* "osmesa" or "egl-device" or "egl-surfaceless". */
const char *glctx_backend_name(const struct glctx *ctx);
/* Whether the context's GL_RENDERER is a software rasteriser. */
bool glctx_software(const struct glctx *ctx);
/* Whether a GL_RENDERER string names a software rasteriser (llvmpipe, softpipe, swrast,
 * "software"; NULL too): such an EGL device is never taken for a GPU. */
bool glctx_renderer_is_software(const char *renderer);
/* Every EGL device, a line each: "device N: RENDERER or why not: taken|not taken" (no
 * newline at the end). The count, or -1 with err saying why there are none to list. */
int glctx_list(char *buf, size_t len, struct ap_err *err);

#endif
