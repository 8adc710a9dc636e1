#!/bin/sh
# make layers: the tree as it is passes; each kind of violation, made on purpose in a
# copy of src/, fails with a line naming the file and the rule.
. "$(dirname "$0")/setup"

layers() { sh scripts/layers.sh "$@" >"$T/out" 2>&1; }
fresh() { rm -rf "$T/src" && cp -r src "$T/src"; }
has() { d=$1 line=$2; if grep -qxF "$line" "$T/out"; then ok; else bad "$d: no line '$line' in: $(cat "$T/out")"; fi; }

check "the tree keeps its layers" layers src
[ -s "$T/out" ] && bad "a passing check printed: $(cat "$T/out")" || ok

fresh
printf '#include "cli/cli.h"\n' >>"$T/src/core/cam.c"
if layers "$T/src"; then bad "core including cli passed"; else ok; fi
n=$(grep -c '' "$T/src/core/cam.c")
has "core includes cli" "layers: core/cam.c:$n: core/ may not include \"cli/cli.h\" (a layer above it or beside it)"

fresh
printf '#include "draw/draw.h"\n' >>"$T/src/io/npy.c"
layers "$T/src" && bad "io including draw passed" || ok
n=$(grep -c '' "$T/src/io/npy.c")
has "io beside draw" "layers: io/npy.c:$n: io/ may not include \"draw/draw.h\" (a layer above it or beside it)"

fresh
printf '#include "draw/gl/render.h"\n' >>"$T/src/app/outq.c"
layers "$T/src" && bad "app including a backend passed" || ok
n=$(grep -c '' "$T/src/app/outq.c")
has "app sees only draw/draw.h" "layers: app/outq.c:$n: app/ may not include \"draw/gl/render.h\" (a layer above it or beside it)"

fresh
printf '#include "api/api.h"\n' >>"$T/src/app/anim.c"
layers "$T/src" && bad "app including api passed" || ok
n=$(grep -c '' "$T/src/app/anim.c")
has "app below api" "layers: app/anim.c:$n: app/ may not include \"api/api.h\" (a layer above it or beside it)"

fresh
printf '#include "err.h"\n' >>"$T/src/base/txt.c"
layers "$T/src" && bad "an include without its folder passed" || ok
n=$(grep -c '' "$T/src/base/txt.c")
has "include names its folder" "layers: base/txt.c:$n: include \"err.h\" does not name its folder"

fresh
printf '#include "draw/gl/glctx.h"\n' >>"$T/src/draw/swr/swr.h"
layers "$T/src" && bad "GL reaching swr passed" || ok
has "GL header through a header" "layers: draw/swr/swr.c: reaches the GL header GL/glcorearb.h (GL belongs in draw/gl/)"

fresh
printf '#include <GL/gl.h>\n' >>"$T/src/core/pal.c"
layers "$T/src" && bad "a system GL include in core passed" || ok
has "system GL include" "layers: core/pal.c: reaches the GL header GL/gl.h (GL belongs in draw/gl/)"

fresh
printf '#include <cairo.h>\n' >>"$T/src/app/frames.c"
layers "$T/src" && bad "a Cairo include in app passed" || ok
has "Cairo outside text" "layers: app/frames.c: reaches the text header cairo/cairo.h (Cairo, Pango and fontconfig belong in text/)"

fresh
printf '#include <pango/pangocairo.h>\n' >>"$T/src/draw/swr/swr.h"
layers "$T/src" && bad "Pango through a header passed" || ok
has "Pango through a header" "layers: draw/swr/swr.c: reaches the text header pango-1.0/pango/pangocairo.h (Cairo, Pango and fontconfig belong in text/)"

fresh
printf '#include "io/load.h"\n' >>"$T/src/text/text.c"
layers "$T/src" && bad "text including io passed" || ok
n=$(grep -c '' "$T/src/text/text.c")
has "text beside io" "layers: text/text.c:$n: text/ may not include \"io/load.h\" (a layer above it or beside it)"

fresh
printf '#include <stdlib.h>\nint pal_debug(void);\nint pal_debug(void) { return getenv("X") != 0; }\n' >>"$T/src/core/pal.c"
layers "$T/src" && bad "getenv in core passed" || ok
has "getenv in core" "layers: core/pal.c: calls getenv (base/ and core/ do no I/O, read no environment, start no threads)"

fresh
printf '#include <stdio.h>\nvoid cam_debug(void);\nvoid cam_debug(void) { printf("%%d\\n", 1); }\n' >>"$T/src/core/cam.c"
layers "$T/src" && bad "printf in core passed" || ok
has "printf in core" "layers: core/cam.c: calls printf (base/ and core/ do no I/O, read no environment, start no threads)"

fresh
printf '#include <stdio.h>\nint txt_open(const char *p);\nint txt_open(const char *p) { return fopen(p, "r") != 0; }\n' >>"$T/src/base/txt.c"
layers "$T/src" && bad "fopen in base passed" || ok
has "fopen in base" "layers: base/txt.c: calls fopen (base/ and core/ do no I/O, read no environment, start no threads)"

fresh
printf '#include <stdio.h>\nvoid outq_debug(void);\nvoid outq_debug(void) { fprintf(stderr, "%%d\\n", 1); }\n' >>"$T/src/app/outq.c"
layers "$T/src" && bad "printing in app passed" || ok
has "printing below cli" "layers: app/outq.c: calls fprintf (only cli/ prints, exits, handles signals, parses argv or reads the environment)"

fresh
printf '#include <signal.h>\nvoid draw_debug(void);\nvoid draw_debug(void) { signal(SIGPIPE, SIG_IGN); }\n' >>"$T/src/draw/draw.c"
layers "$T/src" && bad "a signal handler in draw passed" || ok
has "signals below cli" "layers: draw/draw.c: calls signal (only cli/ prints, exits, handles signals, parses argv or reads the environment)"

done_tests
