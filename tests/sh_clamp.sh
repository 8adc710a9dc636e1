#!/bin/sh
# --clamp-camera and --sprite-mode from the command line: a clamped camera renders the
# very pixels of the camera clamped by hand (core/cam.h's rule), for --camera, --shots,
# -o -, --camera-from/--camera-to and --path; -v's lines; the sprite modes' sides at a
# zoom, in pixels; the usage errors.
. "$(dirname "$0")/setup"
PY=/usr/bin/python3

# Five white 4x4 squares at (0,0) (40,0) (0,20) (40,20) (30,5): with --margin 0 the box
# 40 x 20 fits an 80 x 40 frame at s0 = 2 on both axes, so at zoom 1 only the centre
# (20, 10) is allowed, and at zoom Z the frame shows 40/Z x 20/Z units: the centre may
# be within 20 - 20/Z of 20 in x and 10 - 10/Z of 10 in y.
$PY -c "
import numpy as np
np.save('$T/sq.npy', np.full((5, 4, 4), 255, np.uint8))
open('$T/xy.csv', 'w').write('x,y\n0,0\n40,0\n0,20\n40,20\n30,5\n')
"
G="--images $T/sq.npy --layout $T/xy.csv --size 80x40 --margin 0 --sprite 4 --sprite-growth 0"
A="--images $T/sq.npy --from $T/xy.csv --size 80x40 --margin 0 --sprite 4 --sprite-growth 0"

# lit PNG: the lit pixels as "x,y x,y ..." (rows top first)
lit() { $PY -c "
from PIL import Image
im = Image.open('$1').convert('L'); px = im.load()
print(' '.join('%d,%d' % (x, y) for y in range(im.size[1]) for x in range(im.size[0]) if px[x, y]))"; }
# camera PNG: its Camera tEXt
camera() { $PY -c "from PIL import Image; print(Image.open('$1').info['Camera'])"; }
# same A B: the same pixels (diff --tolerance 0)
same() { "$AP" diff "$1" "$2" --tolerance 0 >/dev/null; }

# --camera off the data, zoom 2: centre within [10, 30] x [5, 15], so (100, -50) -> (30, 5)
"$AP" render $G --camera 100,-50,2 --clamp-camera -v -o "$T/c.png" 2>"$T/err"
"$AP" render $G --camera 30,5,2 -o "$T/h.png"
check "clamped camera = the camera clamped by hand" same "$T/c.png" "$T/h.png"
check "the PNG records the clamped camera" test "$(camera "$T/c.png")" = "30,5,2"
# (30,5) lands on the centre (40,20), (40,0) on the corner (80,40); sprites of 4 px
want="38,18 39,18 40,18 41,18 38,19 39,19 40,19 41,19 38,20 39,20 40,20 41,20 38,21 39,21 40,21 41,21 78,38 79,38 78,39 79,39"
check "exact pixels of the clamped frame" test "$(lit "$T/c.png")" = "$want"
check "-v: the first camera moved" grep -qx "atlasplot: frame 0: camera (100, -50, 2) clamped to (30, 5, 2)" "$T/err"
check "-v: the count" grep -qx "atlasplot: --clamp-camera: 1 of 1 frames had their camera moved onto the data" "$T/err"
"$AP" render $G --camera 100,-50,2 -o "$T/u.png"
check "without --clamp-camera the camera is the one given" test "$(camera "$T/u.png")" = "100,-50,2"
check "... and shows nothing of the data" test -z "$(lit "$T/u.png")"
"$AP" render $G --camera 100,-50,2 --clamp-camera -o - >"$T/s.png"
check "-o -: clamped too" same "$T/s.png" "$T/h.png"
"$AP" render $G --camera 25,12,3 --clamp-camera -v -o "$T/k.png" 2>"$T/err"
check "a camera on the data is kept" test "$(camera "$T/k.png")" = "25,12,3"
check "-v: none moved" grep -qx "atlasplot: --clamp-camera: 0 of 1 frames had their camera moved onto the data" "$T/err"
check "-v: no frame line when none moved" test "$(grep -c "clamped to" "$T/err")" = 0
"$AP" render $G --clamp-camera -o "$T/d.png"
"$AP" render $G -o "$T/d0.png"
check "the default camera is never moved" test "$(camera "$T/d.png")" = "$(camera "$T/d0.png")"
check "... nor its pixels" same "$T/d.png" "$T/d0.png"

# --shots and --camera together: frame 1 panned off the left at zoom 4 (cx within
# [5, 35]), frame 2 zoomed out below the fit, frame 0 on the data
printf '%s\n' '-100 10 4' '20 10 0.25' > "$T/shots.txt"
"$AP" render $G --clamp-camera --camera 25,10,2 --shots "$T/shots.txt" -v -o "$T/s_%d.png" 2>"$T/err"
check "shot 0 kept" test "$(camera "$T/s_0.png")" = "25,10,2"
check "shot 1: (-100, 10, 4) -> (5, 10, 4)" test "$(camera "$T/s_1.png")" = "5,10,4"
check "shot 2: (20, 10, 0.25) -> (20, 10, 1)" test "$(camera "$T/s_2.png")" = "20,10,1"
"$AP" render $G --camera 5,10,4 -o "$T/h1.png"
check "shot 1's pixels" same "$T/s_1.png" "$T/h1.png"
check "shot 2 is the fit" same "$T/s_2.png" "$T/d0.png"
check "-v: the first moved, once" grep -qx "atlasplot: frame 1: camera (-100, 10, 4) clamped to (5, 10, 4)" "$T/err"
check "-v: one frame line for two moved" test "$(grep -c "clamped to" "$T/err")" = 1
check "-v: 2 of 3" grep -qx "atlasplot: --clamp-camera: 2 of 3 frames had their camera moved onto the data" "$T/err"

# every camera of a move obeys the rule, after interpolation: zoom >= 1, |cx - 20| <=
# |20 - 20/Z| and |cy - 10| <= |10 - 10/Z| (the PNGs' cameras, to their 9 digits)
rule() { $PY -c "
import sys
from PIL import Image
for f in sys.argv[1:]:
    cx, cy, z = map(float, Image.open(f).info['Camera'].split(','))
    ok = z >= 1 and abs(cx - 20) <= abs(20 - 20 / z) + 1e-6 and abs(cy - 10) <= abs(10 - 10 / z) + 1e-6
    if not ok:
        sys.exit('%s: camera %g,%g,%g breaks the rule' % (f, cx, cy, z))
" "$@"; }
"$AP" animate $A --camera-from 20,10,1 --camera-to 100,10,4 --frames 9 --clamp-camera -v -o "$T/m_%d.png" 2>"$T/err"
check "camera move: every frame on the data" rule "$T"/m_*.png
check "camera move: the last camera (100, 10, 4) -> (35, 10, 4)" test "$(camera "$T/m_8.png")" = "35,10,4"
"$AP" render $G --camera 35,10,4 -o "$T/h2.png"
check "camera move: the last frame's pixels" same "$T/m_8.png" "$T/h2.png"
check "camera move: frame 0 is the fit" same "$T/m_0.png" "$T/d0.png"
check "camera move: the count" grep -qx "atlasplot: --clamp-camera: 8 of 9 frames had their camera moved onto the data" "$T/err"
"$AP" animate $A --camera-from 20,10,1 --camera-to 100,10,4 --frames 9 -o "$T/n_%d.png"
check "unclamped, the move leaves the data" sh -c "! rule '$T'/n_*.png 2>/dev/null"
# clamping after the interpolation, not the keyframes: the end clamped first would be
# the move from (20,10,1) to (35,10,4), another path
"$AP" animate $A --camera-from 20,10,1 --camera-to 35,10,4 --frames 9 -o "$T/e_%d.png"
check "the path is clamped, not its ends" sh -c "! cmp -s '$T/m_4.png' '$T/e_4.png'"
printf '0 20 10 1\n2 100 10 4\n' > "$T/keys.txt"
"$AP" animate $A --path "$T/keys.txt" --frames 9 --clamp-camera -o "$T/p_%d.png"
check "--path: every frame on the data" rule "$T"/p_*.png
check "--path: the last frame's pixels" same "$T/p_8.png" "$T/h2.png"
"$AP" animate $A --to $T/xy.csv --frames 3 --clamp-camera -v -o "$T/t_%d.png" 2>"$T/err"
check "a fitted transition is never moved" grep -qx "atlasplot: --clamp-camera: 0 of 3 frames had their camera moved onto the data" "$T/err"
"$AP" animate $A --camera-from 100,-50,2 --camera-to 100,-50,2 --frames 2 --clamp-camera --contact-sheet "$T/sheet.png" -v -o "$T/q_%d.png" 2>"$T/err"
check "the contact sheet's tiles are not counted" grep -qx "atlasplot: --clamp-camera: 2 of 2 frames had their camera moved onto the data" "$T/err"
check "frame 0 of a clamped move = render --camera CAMERA_FROM --clamp-camera" same "$T/q_0.png" "$T/c.png"

# sprite modes: one sprite at the frame's centre, zoom 4 (inside the data, so the rule
# keeps it): power (S = 4 * 4^0.5 = 8), asinh (S = 4 * asinh(4)/asinh(1) = 9.507: the
# pixel centres 40 +- 4.5 are inside, 10 px), constant (S = 4)
S="--images $T/sq.npy --layout $T/xy.csv --size 80x40 --margin 0 --sprite 4 --camera 30,5,4"
row() { $PY -c "
from PIL import Image
im = Image.open('$1').convert('L'); px = im.load()
print(' '.join(str(x) for x in range(im.size[0]) if px[x, 20]))"; }
"$AP" render $S -o "$T/pw.png"
"$AP" render $S --sprite-mode asinh -o "$T/as.png"
"$AP" render $S --sprite-mode constant -o "$T/co.png"
"$AP" render $S --sprite-mode power -o "$T/pw2.png"
check "power: 8 px" test "$(row "$T/pw.png")" = "36 37 38 39 40 41 42 43"
check "asinh: 10 px" test "$(row "$T/as.png")" = "35 36 37 38 39 40 41 42 43 44"
check "constant: 4 px" test "$(row "$T/co.png")" = "38 39 40 41"
check "--sprite-mode power is the default" same "$T/pw.png" "$T/pw2.png"
"$AP" render $S --sprite 9.506581899485283 --sprite-growth 0 -o "$T/as2.png"
check "asinh = the power rule at its S" same "$T/as.png" "$T/as2.png"
"$AP" render $S --sprite-growth 0 -o "$T/co2.png"
check "constant = growth 0" same "$T/co.png" "$T/co2.png"
"$AP" render $S --sprite-mode asinh --sprite-max 6 -o "$T/as6.png"
check "asinh keeps --sprite-max" test "$(row "$T/as6.png")" = "37 38 39 40 41 42"

# info --sprite-table: the same numbers, 16 zooms a doubling from 1/4 to 1024
"$AP" info --images $T/sq.npy --sprite 8 --sprite-table >"$T/table" 2>"$T/err"
check "table: exit 0, nothing on stderr" test -s "$T/table" -a ! -s "$T/err"
check "table: the options line" test "$(sed -n 1p "$T/table")" = "# sprite side S in pixels by zoom: --sprite 8 --sprite-min 1 --sprite-max 1024, power's --sprite-growth 0.5"
check "table: the header" test "$(sed -n 2p "$T/table")" = "zoom power asinh constant"
check "table: 193 zooms" test "$(sed 1,2d "$T/table" | wc -l)" = 193
check "table: zoom 1/4" grep -qx "0.25 4 2 8" "$T/table"
check "table: zoom 1" grep -qx "1 8 8 8" "$T/table"
# 8 * asinh(4)/asinh(1) = 19.0131638, 8 * asinh(1024)/asinh(1) = 69.2066959
check "table: zoom 4" grep -qx "4 16 19.0131638 8" "$T/table"
check "table: zoom 1024" grep -qx "1024 256 69.2066959 8" "$T/table"
check "table: a zoom between, 2^(1/16): 8 * 2^(1/32), 8 * asinh(2^(1/16))/asinh(1)" test "$(sed -n 36p "$T/table")" = "1.04427378 8.17517719 8.28103748 8"
"$AP" info --images $T/sq.npy --sprite 8 --sprite-min 3 --sprite-max 100 --sprite-growth 1 --sprite-table >"$T/table"
check "table: the clamp and growth given" grep -qx "0.25 3 3 8" "$T/table"
check "table: --sprite-max" grep -qx "1024 100 69.2066959 8" "$T/table"
"$AP" info --images $T/sq.npy --size 20x20 --sprite-table >"$T/table"
check "table: an automatic --sprite as render resolves it (1.5*sqrt(400/5) = 13.4, at most 4)" \
	test "$(sed -n 1p "$T/table")" = "# sprite side S in pixels by zoom: --sprite 4 (auto) --sprite-min 1 --sprite-max 1024, power's --sprite-growth 0.5"

# usage errors
expect_err "growth with asinh" 2 "atlasplot: --sprite-growth 1: only --sprite-mode power has a growth exponent, not asinh (see 'atlasplot render --help')" \
	"$AP" render $G --sprite-growth 1 --sprite-mode asinh -o "$T/x.png"
expect_err "growth with constant, either order" 2 "atlasplot: --sprite-growth 0.5: only --sprite-mode power has a growth exponent, not constant (see 'atlasplot animate --help')" \
	"$AP" animate --images $T/sq.npy --from $T/xy.csv --sprite-mode constant --sprite-growth 0.5 -o "$T/x_%d.png"
expect_err "unknown mode" 2 "atlasplot: --sprite-mode 'log': expected power, asinh or constant (see 'atlasplot render --help')" \
	"$AP" render $G --sprite-mode log -o "$T/x.png"
expect_err "--clamp-camera takes no value" 2 "atlasplot: unknown option '--clamp-camera=1' (see 'atlasplot render --help')" \
	"$AP" render $G --clamp-camera=1 -o "$T/x.png"
check "no output left by the errors" test ! -e "$T/x.png"
check "render --help shows the options" sh -c "'$AP' render --help | grep -q -- '--clamp-camera  ' && '$AP' render --help | grep -q -- '--sprite-mode MODE'"
check "animate --help shows them" sh -c "'$AP' animate --help | grep -q -- '--clamp-camera  ' && '$AP' animate --help | grep -q 'power (the default'"
done_tests
