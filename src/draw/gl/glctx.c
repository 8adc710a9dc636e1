#include "draw/gl/glctx.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/osmesa.h>

/*
 * libOSMesa and libEGL are opened when a context is asked for, not linked: loading
 * them maps LLVM (about 50 MB of resident pages) into every run, also those that draw
 * on the cpu backend, and a machine without Mesa can still run those. They are never
 * closed: Mesa's llvmpipe threads and exit hooks outlive the context.
 */
#define OSMESA_LIB "libOSMesa.so.8"
#define EGL_LIB "libEGL.so.1"

struct osmesa_api {
	OSMesaContext (*CreateContextAttribs)(const int *, OSMesaContext);
	GLboolean (*MakeCurrent)(OSMesaContext, void *, GLenum, GLsizei, GLsizei);
	OSMESAproc (*GetProcAddress)(const char *);
	void (*DestroyContext)(OSMesaContext);
};

struct egl_api {
	__eglMustCastToProperFunctionPointerType (*GetProcAddress)(const char *);
	EGLBoolean (*Initialize)(EGLDisplay, EGLint *, EGLint *);
	EGLBoolean (*BindAPI)(EGLenum);
	EGLContext (*CreateContext)(EGLDisplay, EGLConfig, EGLContext, const EGLint *);
	EGLBoolean (*MakeCurrent)(EGLDisplay, EGLSurface, EGLSurface, EGLContext);
	EGLint (*GetError)(void);
	EGLBoolean (*DestroyContext)(EGLDisplay, EGLContext);
	const char *(*QueryString)(EGLDisplay, EGLint);
	EGLBoolean (*ChooseConfig)(EGLDisplay, const EGLint *, EGLConfig *, EGLint, EGLint *);
};

struct glctx {
	struct glfn gl;
	const char *name;
	void *osm_lib, *egl_lib;
	struct osmesa_api osmx;
	struct egl_api eglx;
	/* OSMesa */
	OSMesaContext osm;
	unsigned char osm_buf[4];
	/* EGL */
	EGLDisplay dpy;
	EGLContext egl;
	int device;                 /* the EGL device taken, or -1 */
};

typedef void (*glctx_proc)(void);

/* Resolve each listed symbol of lib into the struct's function pointers, in order. */
static int resolve(void *lib, const char *libname, const char *const *names, void (**slots)(void), int n,
		   struct ap_err *err)
{
	for (int i = 0; i < n; i++) {
		void *f = dlsym(lib, names[i]);
		if (!f)
			return ap_errf(err, "gl: %s has no %s", libname, names[i]);
		memcpy(&slots[i], &f, sizeof f);
	}
	return 0;
}

static void *open_lib(const char *name, struct ap_err *err)
{
	void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		ap_errf(err, "gl: cannot load %s (install Mesa's libosmesa6 and libegl1, or use --backend cpu)", name);
	return lib;
}

static int load_osmesa(struct glctx *c, struct ap_err *err)
{
	static const char *const names[] = { "OSMesaCreateContextAttribs", "OSMesaMakeCurrent",
					     "OSMesaGetProcAddress", "OSMesaDestroyContext" };
	if (!c->osm_lib && !(c->osm_lib = open_lib(OSMESA_LIB, err)))
		return -1;
	return resolve(c->osm_lib, OSMESA_LIB, names, (void (**)(void))&c->osmx, 4, err);
}

static int load_egl(struct glctx *c, struct ap_err *err)
{
	static const char *const names[] = { "eglGetProcAddress", "eglInitialize", "eglBindAPI",
					     "eglCreateContext", "eglMakeCurrent", "eglGetError",
					     "eglDestroyContext", "eglQueryString", "eglChooseConfig" };
	if (!c->egl_lib && !(c->egl_lib = open_lib(EGL_LIB, err)))
		return -1;
	return resolve(c->egl_lib, EGL_LIB, names, (void (**)(void))&c->eglx, 9, err);
}

/* GL entry points through the backend's own lookup. */
static int load_funcs_with(struct glctx *c, int egl, struct ap_err *err)
{
#define GLCTX_LOAD(type, fname) \
	{ \
		glctx_proc f = egl ? (glctx_proc)c->eglx.GetProcAddress("gl" #fname) \
				   : (glctx_proc)c->osmx.GetProcAddress("gl" #fname); \
		if (!(c->gl.fname = (type)f)) \
			return ap_errf(err, "gl: %s: function gl%s not available", c->name, #fname); \
	}
	GLCTX_FUNCS(GLCTX_LOAD)
#undef GLCTX_LOAD
	return 0;
}

static int osmesa_open(struct glctx *c, struct ap_err *err)
{
	static const int attribs[] = {
		OSMESA_FORMAT, OSMESA_RGBA,
		OSMESA_DEPTH_BITS, 0,
		OSMESA_PROFILE, OSMESA_CORE_PROFILE,
		OSMESA_CONTEXT_MAJOR_VERSION, 4,
		OSMESA_CONTEXT_MINOR_VERSION, 3,
		0,
	};
	c->name = "osmesa";
	if (load_osmesa(c, err))
		return -1;
	c->osm = c->osmx.CreateContextAttribs(attribs, NULL);
	if (!c->osm)
		return ap_errf(err, "gl: osmesa: cannot create a GL 4.3 core context");
	/* A 1×1 default framebuffer: OSMesa needs one to make the context current. */
	if (!c->osmx.MakeCurrent(c->osm, c->osm_buf, GL_UNSIGNED_BYTE, 1, 1))
		return ap_errf(err, "gl: osmesa: cannot make the context current");
	return load_funcs_with(c, 0, err);
}

/* Whether the space-separated list exts has the extension name, whole. */
static bool has_ext(const char *exts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = exts; p && (p = strstr(p, name)); p += n)
		if ((p == exts || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return true;
	return false;
}

bool glctx_renderer_is_software(const char *renderer)
{
	static const char *const soft[] = { "llvmpipe", "softpipe", "swrast", "software" };
	if (!renderer)
		return true;
	char low[256];
	size_t n = 0;
	for (; renderer[n] && n < sizeof low - 1; n++)
		low[n] = (char)(renderer[n] >= 'A' && renderer[n] <= 'Z' ? renderer[n] - 'A' + 'a' : renderer[n]);
	low[n] = 0;
	for (size_t i = 0; i < sizeof soft / sizeof *soft; i++)
		if (strstr(low, soft[i]))
			return true;
	return false;
}

static int egl_try_display(struct glctx *c, EGLDisplay dpy, struct ap_err *err)
{
	EGLint major, minor;
	if (dpy == EGL_NO_DISPLAY || !c->eglx.Initialize(dpy, &major, &minor))
		return ap_errf(err, "gl: %s: cannot initialise the EGL display (EGL error 0x%x)", c->name,
			       c->eglx.GetError());
	c->dpy = dpy;
	const char *ext = c->eglx.QueryString(dpy, EGL_EXTENSIONS);
	if (!has_ext(ext, "EGL_KHR_surfaceless_context"))
		return ap_errf(err, "gl: %s: no EGL_KHR_surfaceless_context", c->name);
	if (!c->eglx.BindAPI(EGL_OPENGL_API))
		return ap_errf(err, "gl: %s: no desktop OpenGL API", c->name);
	static const EGLint ctx_attribs[] = {
		EGL_CONTEXT_MAJOR_VERSION, 4,
		EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_NONE,
	};
	/* no config where EGL_KHR_no_config_context allows it, else any GL one: nothing is
	 * drawn to a surface, the renderer has its own framebuffer */
	EGLConfig cfg = EGL_NO_CONFIG_KHR;
	if (!has_ext(ext, "EGL_KHR_no_config_context")) {
		static const EGLint cfg_attribs[] = { EGL_SURFACE_TYPE, 0, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE };
		EGLint n = 0;
		if (!c->eglx.ChooseConfig(dpy, cfg_attribs, &cfg, 1, &n) || n < 1)
			return ap_errf(err, "gl: %s: no EGL config for desktop OpenGL", c->name);
	}
	c->egl = c->eglx.CreateContext(dpy, cfg, EGL_NO_CONTEXT, ctx_attribs);
	if (c->egl == EGL_NO_CONTEXT)
		return ap_errf(err, "gl: %s: cannot create a GL 4.3 core context (EGL error 0x%x)",
			       c->name, c->eglx.GetError());
	if (!c->eglx.MakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, c->egl))
		return ap_errf(err, "gl: %s: cannot make the context current", c->name);
	return load_funcs_with(c, 1, err);
}

static void egl_close(struct glctx *c)
{
	if (c->dpy != EGL_NO_DISPLAY) {
		c->eglx.MakeCurrent(c->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
		if (c->egl != EGL_NO_CONTEXT)
			c->eglx.DestroyContext(c->dpy, c->egl);
		/* No eglTerminate: the display is the process's (eglGetPlatformDisplay gives the
		 * same one again), and terminating it makes Mesa unload its driver, whose
		 * leftovers LeakSanitizer then cannot even name (check-asan). */
	}
	c->dpy = EGL_NO_DISPLAY;
	c->egl = EGL_NO_CONTEXT;
}

/* The EGL devices (at most max), after checking the client extensions that enumerate
 * them; their count, or -1 with err saying what is missing. */
static int egl_devices(struct glctx *c, EGLDeviceEXT *devs, int max, struct ap_err *err)
{
	if (load_egl(c, err))
		return -1;
	const char *cext = c->eglx.QueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!has_ext(cext, "EGL_EXT_device_enumeration") && !has_ext(cext, "EGL_EXT_device_base"))
		return ap_errf(err, "gl: egl: no EGL_EXT_device_enumeration: EGL devices cannot be listed");
	if (!has_ext(cext, "EGL_EXT_platform_device"))
		return ap_errf(err, "gl: egl: no EGL_EXT_platform_device: EGL devices cannot be opened");
	PFNEGLQUERYDEVICESEXTPROC query = (PFNEGLQUERYDEVICESEXTPROC)c->eglx.GetProcAddress("eglQueryDevicesEXT");
	EGLint n = 0;
	if (!query || !query(max, devs, &n))
		return ap_errf(err, "gl: egl: eglQueryDevicesEXT failed");
	return n;
}

/* Open EGL device dev as the context's display: 0 when its GL is not a software
 * rasteriser; else why into why. skip_soft: pass over Mesa's software device unopened. */
static int egl_device_try(struct glctx *c, EGLDeviceEXT dev, bool skip_soft, char *why, size_t len)
{
	struct ap_err e;
	PFNEGLQUERYDEVICESTRINGEXTPROC qstr =
		(PFNEGLQUERYDEVICESTRINGEXTPROC)c->eglx.GetProcAddress("eglQueryDeviceStringEXT");
	PFNEGLGETPLATFORMDISPLAYEXTPROC getdpy =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)c->eglx.GetProcAddress("eglGetPlatformDisplayEXT");
	const char *ext = qstr ? qstr(dev, EGL_EXTENSIONS) : NULL;
	if (skip_soft && has_ext(ext, "EGL_MESA_device_software")) {
		snprintf(why, len, "Mesa's software device (EGL_MESA_device_software)");
		return -1;
	}
	if (!getdpy) {
		snprintf(why, len, "no eglGetPlatformDisplayEXT");
		return -1;
	}
	if (egl_try_display(c, getdpy(EGL_PLATFORM_DEVICE_EXT, dev, NULL), &e)) {
		const char *pre = "gl: egl-device: ";
		snprintf(why, len, "%.150s", e.msg + (strncmp(e.msg, pre, strlen(pre)) ? 0 : strlen(pre)));
		egl_close(c);
		return -1;
	}
	const char *rend = (const char *)c->gl.GetString(GL_RENDERER);
	snprintf(why, len, "%s", rend ? rend : "(no GL_RENDERER)");
	if (glctx_renderer_is_software(rend)) {
		snprintf(why, len, "software rasteriser '%s', not a GPU", rend ? rend : "?");
		egl_close(c);
		return -1;
	}
	return 0;
}

#define EGL_MAX_DEVICES 16

/* The first EGL device whose GL is not a software rasteriser (gpu < 0), or device gpu,
 * which must be one; every device's reason in err when none is taken. */
static int egl_device_open(struct glctx *c, int gpu, struct ap_err *err)
{
	c->name = "egl-device";
	EGLDeviceEXT devs[EGL_MAX_DEVICES];
	int n = egl_devices(c, devs, EGL_MAX_DEVICES, err);
	if (n < 0)
		return -1;
	if (gpu >= n)
		return ap_errf(err, "gl: egl: --gpu %d: there %s %d EGL device%s", gpu, n == 1 ? "is" : "are", n,
			       n == 1 ? "" : "s");
	char all[sizeof err->msg] = "";
	size_t o = 0;
	for (int i = gpu < 0 ? 0 : gpu; i < (gpu < 0 ? n : gpu + 1); i++) {
		char why[160];
		if (egl_device_try(c, devs[i], gpu < 0, why, sizeof why) == 0) {
			c->device = i;
			return 0;
		}
		int k = snprintf(all + o, sizeof all - o, "%sdevice %d: %s", o ? "; " : "", i, why);
		o = k < 0 || (size_t)k >= sizeof all - o ? sizeof all - 1 : o + (size_t)k;
	}
	return ap_errf(err, "gl: egl: no GPU among %d EGL device%s (%s)", n, n == 1 ? "" : "s", n ? all : "none");
}

static int egl_surfaceless_open(struct glctx *c, struct ap_err *err)
{
	c->name = "egl-surfaceless";
	if (load_egl(c, err))
		return -1;
	const char *cext = c->eglx.QueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!has_ext(cext, "EGL_MESA_platform_surfaceless"))
		return ap_errf(err, "gl: egl: no EGL_MESA_platform_surfaceless");
	PFNEGLGETPLATFORMDISPLAYEXTPROC getdpy =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)c->eglx.GetProcAddress("eglGetPlatformDisplayEXT");
	if (!getdpy)
		return ap_errf(err, "gl: egl: no eglGetPlatformDisplayEXT");
	return egl_try_display(c, getdpy(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL), err);
}

int glctx_list(char *buf, size_t len, struct ap_err *err)
{
	struct glctx c = { .dpy = EGL_NO_DISPLAY, .egl = EGL_NO_CONTEXT, .name = "egl-device" };
	EGLDeviceEXT devs[EGL_MAX_DEVICES];
	int n = egl_devices(&c, devs, EGL_MAX_DEVICES, err);
	if (n < 0)
		return -1;
	size_t o = 0;
	bool taken = false;
	buf[0] = 0;
	for (int i = 0; i < n && o < len; i++) {
		char why[160];
		bool gpu = egl_device_try(&c, devs[i], false, why, sizeof why) == 0;
		egl_close(&c);
		int k = snprintf(buf + o, len - o, "%sdevice %d: %s: %s", i ? "\n" : "", i, why,
				 !gpu ? "not taken" : taken ? "a GPU, not taken (--gpu picks it)" : "taken (a GPU)");
		taken = taken || gpu;
		o = k < 0 || (size_t)k >= len - o ? len : o + (size_t)k;
	}
	return n;
}

static void close_all(struct glctx *c)
{
	if (c->osm)
		c->osmx.DestroyContext(c->osm);
	c->osm = NULL;
	egl_close(c);
}


struct glctx *glctx_new(enum glctx_backend backend, struct ap_err *err)
{
	return glctx_new_gpu(backend, -1, err);
}

struct glctx *glctx_new_gpu(enum glctx_backend backend, int gpu, struct ap_err *err)
{
	struct glctx *c = calloc(1, sizeof *c);
	if (!c) {
		ap_errf(err, "gl: out of memory");
		return NULL;
	}
	c->dpy = EGL_NO_DISPLAY;
	c->egl = EGL_NO_CONTEXT;
	c->device = -1;
	int rc;
	switch (backend) {
	case GLCTX_EGL_DEVICE:
		rc = egl_device_open(c, gpu, err);
		break;
	case GLCTX_OSMESA:
		rc = osmesa_open(c, err);
		break;
	case GLCTX_EGL:
		rc = egl_device_open(c, gpu, err);
		if (rc && gpu < 0) {
			close_all(c);
			rc = egl_surfaceless_open(c, err);
		}
		break;
	default:
		/* A GPU wins when there is one; on CPU, OSMesa and surfaceless EGL are the
		 * same llvmpipe, and OSMesa needs no display plumbing. */
		rc = egl_device_open(c, gpu, err);
		if (rc && gpu < 0) {
			close_all(c);
			rc = osmesa_open(c, err);
		}
		if (rc && gpu < 0) {
			close_all(c);
			rc = egl_surfaceless_open(c, err);
		}
		break;
	}
	if (rc) {
		close_all(c);
		free(c);
		return NULL;
	}
	return c;
}

void glctx_free(struct glctx *c)
{
	if (!c)
		return;
	close_all(c);
	free(c);
}

const struct glfn *glctx_gl(const struct glctx *c)
{
	return &c->gl;
}

const char *glctx_backend_name(const struct glctx *c)
{
	return c->name;
}

bool glctx_software(const struct glctx *c)
{
	return glctx_renderer_is_software((const char *)c->gl.GetString(GL_RENDERER));
}
