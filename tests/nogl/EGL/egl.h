/* NO_GL=1 builds put this folder first on the include path: a file that still
 * includes a GL, EGL or OSMesa header stops the build here. */
#error "EGL/egl.h included in a NO_GL build: only src/draw/gl/ may include GL headers"
