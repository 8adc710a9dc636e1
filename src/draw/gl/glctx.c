#include "draw/gl/glctx.h"

#include <dlfcn.h>
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
	EGLBoolean (*Terminate)(EGLDisplay);
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
					     "eglDestroyContext", "eglTerminate" };
	if (!c->egl_lib && !(c->egl_lib = open_lib(EGL_LIB, err)))
		return -1;
	return resolve(c->egl_lib, EGL_LIB, names, (void (**)(void))&c->eglx, 8, err);
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

static int egl_try_display(struct glctx *c, EGLDisplay dpy, struct ap_err *err)
{
	EGLint major, minor;
	if (dpy == EGL_NO_DISPLAY || !c->eglx.Initialize(dpy, &major, &minor))
		return ap_errf(err, "gl: %s: cannot initialise the EGL display", c->name);
	c->dpy = dpy;
	if (!c->eglx.BindAPI(EGL_OPENGL_API))
		return ap_errf(err, "gl: %s: no desktop OpenGL API", c->name);
	static const EGLint ctx_attribs[] = {
		EGL_CONTEXT_MAJOR_VERSION, 4,
		EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_NONE,
	};
	/* EGL_KHR_no_config_context and surfaceless_context: no config, no surface. */
	c->egl = c->eglx.CreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, ctx_attribs);
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
		c->eglx.Terminate(c->dpy);
	}
	c->dpy = EGL_NO_DISPLAY;
	c->egl = EGL_NO_CONTEXT;
}

/* The first EGL device that is not Mesa's software one: a GPU. */
static int egl_device_open(struct glctx *c, struct ap_err *err)
{
	c->name = "egl-device";
	if (load_egl(c, err))
		return -1;
	PFNEGLQUERYDEVICESEXTPROC query = (PFNEGLQUERYDEVICESEXTPROC)c->eglx.GetProcAddress("eglQueryDevicesEXT");
	PFNEGLQUERYDEVICESTRINGEXTPROC qstr =
		(PFNEGLQUERYDEVICESTRINGEXTPROC)c->eglx.GetProcAddress("eglQueryDeviceStringEXT");
	PFNEGLGETPLATFORMDISPLAYEXTPROC getdpy =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)c->eglx.GetProcAddress("eglGetPlatformDisplayEXT");
	if (!query || !getdpy)
		return ap_errf(err, "gl: egl: no EGL device enumeration");
	EGLDeviceEXT devs[16];
	EGLint n = 0;
	if (!query(16, devs, &n) || n == 0)
		return ap_errf(err, "gl: egl: no EGL devices");
	for (EGLint i = 0; i < n; i++) {
		const char *ext = qstr ? qstr(devs[i], EGL_EXTENSIONS) : NULL;
		/* Mesa's software device reports EGL_MESA_device_software. */
		if (ext && strstr(ext, "EGL_MESA_device_software"))
			continue;
		if (egl_try_display(c, getdpy(EGL_PLATFORM_DEVICE_EXT, devs[i], NULL), err) == 0)
			return 0;
		egl_close(c);
	}
	return ap_errf(err, "gl: egl: no hardware EGL device");
}

static int egl_surfaceless_open(struct glctx *c, struct ap_err *err)
{
	c->name = "egl-surfaceless";
	if (load_egl(c, err))
		return -1;
	PFNEGLGETPLATFORMDISPLAYEXTPROC getdpy =
		(PFNEGLGETPLATFORMDISPLAYEXTPROC)c->eglx.GetProcAddress("eglGetPlatformDisplayEXT");
	if (!getdpy)
		return ap_errf(err, "gl: egl: no eglGetPlatformDisplayEXT");
	return egl_try_display(c, getdpy(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL), err);
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
	struct glctx *c = calloc(1, sizeof *c);
	if (!c) {
		ap_errf(err, "gl: out of memory");
		return NULL;
	}
	c->dpy = EGL_NO_DISPLAY;
	c->egl = EGL_NO_CONTEXT;
	int rc;
	switch (backend) {
	case GLCTX_EGL_DEVICE:
		rc = egl_device_open(c, err);
		break;
	case GLCTX_OSMESA:
		rc = osmesa_open(c, err);
		break;
	case GLCTX_EGL:
		rc = egl_device_open(c, err);
		if (rc) {
			close_all(c);
			rc = egl_surfaceless_open(c, err);
		}
		break;
	default:
		/* A GPU wins when there is one; on CPU, OSMesa and surfaceless EGL are the
		 * same llvmpipe, and OSMesa needs no display plumbing. */
		rc = egl_device_open(c, err);
		if (rc) {
			close_all(c);
			rc = osmesa_open(c, err);
		}
		if (rc) {
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
