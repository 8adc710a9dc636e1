#!/bin/sh
# --dots-below, --dots-fade and --opacity from the command line: the usage errors, discs
# in label and mean colours at computed pixels, the fade band's ends against plain
# frames, highlights, animate's opacity from frame 0 (auto) or per frame (auto-frame),
# and the osmesa backend against cpu within the golden suite's tolerance.
. "$(dirname "$0")/setup"
PY=/usr/bin/python3
# 2 images (a flat 200, and strokes of 255 on 0) at (0,0) and (10,10), labels 0 and 1;
# with --margin 0.5 in 60x60, s0 = 3: their centres at pixels (15, 45) and (45, 15)
$PY -c "
import numpy as np
im = np.zeros((2, 16, 16), np.uint8); im[0] = 200; im[1, :, ::2] = 255
np.save('$T/two.npy', im)
open('$T/two.csv', 'w').write('x,y,label\n0,0,0\n10,10,1\n')
open('$T/two_nolab.csv', 'w').write('x,y\n0,0\n10,10\n')
# 400 images on a 20x20 grid, labels 0..2, for the opacity
g = np.stack(np.meshgrid(np.arange(20.0), np.arange(20.0)), -1).reshape(-1, 2)
np.save('$T/grid.npy', g)
np.save('$T/grid_img.npy', np.repeat(im[:1], 400, 0))
np.save('$T/grid_lab.npy', (np.arange(400) % 3).astype(np.int32))
"
TWO="--images $T/two.npy --layout $T/two.csv --size 60x60 --margin 0.5 --sprite 9 --sprite-growth 0"
# px FILE X Y: the pixel's R,G,B
px() { $PY -c "from PIL import Image; print(','.join(map(str, Image.open('$1').convert('RGB').getpixel(($2, $3)))))"; }
# disc X Y CX CY S R,G,B A: the rule of draw/dopts.h over black, in float32 as it says
disc() {
	$PY -c "
import numpy as np
f = np.float32
dx = f($1) + f(0.5) - f($3); dy = f($2) + f(0.5) - f($4)
cov = f($5 / 2) + f(0.5) - np.sqrt(dx * dx + dy * dy)
cov = min(max(float(cov), 0.0), 1.0)
print(','.join(str(int(np.floor(c / 255 * cov * $7 * 255 + 0.5))) for c in ($6)))"
}

# usage errors
expect_err "--opacity with discard" 2 \
	"atlasplot: --opacity: needs --alpha blend or --dots-below (--alpha discard draws images opaque) (see 'atlasplot render --help')" \
	"$AP" render $TWO --opacity 0.5 -o "$T/x.png"
expect_err "--opacity auto with opaque" 2 \
	"atlasplot: --opacity: needs --alpha blend or --dots-below (--alpha opaque draws images opaque) (see 'atlasplot animate --help')" \
	"$AP" animate --images "$T/two.npy" --from "$T/two.csv" --alpha opaque --opacity auto -o "$T/x_%d.png"
expect_err "--dots-fade alone" 2 "atlasplot: --dots-fade: needs --dots-below PX (see 'atlasplot render --help')" \
	"$AP" render $TWO --dots-fade 3 -o "$T/x.png"
expect_err "--opacity out of range" 2 \
	"atlasplot: --opacity '1.5': expected a number above 0, at most 1, auto or auto-frame (see 'atlasplot render --help')" \
	"$AP" render $TWO --alpha blend --opacity 1.5 -o "$T/x.png"
expect_err "--dots-fade below 1" 2 "atlasplot: --dots-fade '0.5': expected a number from 1 to 100 (see 'atlasplot render --help')" \
	"$AP" render $TWO --dots-below 4 --dots-fade 0.5 -o "$T/x.png"
expect_err "--dots-below 0" 2 "atlasplot: --dots-below '0': expected a positive number (see 'atlasplot render --help')" \
	"$AP" render $TWO --dots-below 0 -o "$T/x.png"
check "no output after usage errors" test ! -e "$T/x.png"
check "--help lists the options with their defaults" sh -c "'$AP' render --help | grep -q -- '--dots-fade F .*(default 2;' && '$AP' animate --help | grep -q -- '--opacity A|auto'"

# discs in their label's colour, exact at computed pixels; colour PNG
check "render with discs" "$AP" render $TWO --dots-below 10 -o "$T/d.png"
check "disc 0's centre: tab10 blue" test "$(px "$T/d.png" 15 45)" = "31,119,180"
check "disc 1's centre: tab10 orange" test "$(px "$T/d.png" 45 15)" = "255,127,14"
for p in "19 45" "11 45" "15 49" "18 48" "12 41" "20 45" "19 41"; do
	set -- $p
	check "disc 0's edge at ($1, $2) by the rule" test "$(px "$T/d.png" $1 $2)" = "$(disc $1 $2 15 45 9 31,119,180 1)"
done
check "background elsewhere" test "$(px "$T/d.png" 30 30)" = "0,0,0"
check "an RGB PNG (colour type 2)" sh -c "od -An -tx1 -j25 -N1 '$T/d.png' | grep -q 02"
# without labels: each image's mean colour over the texels discard draws
check "render with discs, no labels" "$AP" render $TWO --layout "$T/two_nolab.csv" --dots-below 10 -o "$T/n.png"
check "image 0's disc: its 200" test "$(px "$T/n.png" 15 45)" = "200,200,200"
check "image 1's disc: its strokes' 255, not the mean of all its texels" test "$(px "$T/n.png" 45 15)" = "255,255,255"
check "gray discs: a gray PNG (colour type 0)" sh -c "od -An -tx1 -j25 -N1 '$T/n.png' | grep -q 00"
"$AP" render $TWO --layout "$T/two_nolab.csv" --dots-below 10 --alpha opaque -o "$T/n2.png"
check "--alpha opaque: the mean of all texels, 127.5" test "$(px "$T/n2.png" 45 15)" = "128,128,128"

# the fade band's ends: S = 9 is discs alone at --dots-below 9, images alone at 4.5 (fade 2)
"$AP" render $TWO --dots-below 9 -o "$T/f1.png"
"$AP" render $TWO --dots-below 100 -o "$T/f100.png"
check "at the band's foot: discs alone" "$AP" diff --tolerance 0 "$T/f100.png" "$T/f1.png"
"$AP" render $TWO --dots-below 4.5 -o "$T/f0.png"
"$AP" render $TWO -o "$T/plain.png"
check "at the band's top: the images, as without discs" "$AP" diff --tolerance 0 "$T/plain.png" "$T/f0.png"
"$AP" render $TWO --dots-below 4.5 --dots-fade 3 -o "$T/fm.png"
check "inside the band: neither" sh -c "! '$AP' diff --tolerance 0 '$T/plain.png' '$T/fm.png' >/dev/null && ! '$AP' diff --tolerance 0 '$T/f1.png' '$T/fm.png' >/dev/null"
# w = log(13.5 / 9) / log 3 = 0.369 at image 0's centre: 200 flat, and blue
check "inside the band: one cross-fade" test "$(px "$T/fm.png" 15 45)" = "$($PY -c "
import math
w = math.log(13.5 / 9) / math.log(3)
print(','.join(str(int(math.floor((w * c + (1 - w) * 200) + 0.5))) for c in (31, 119, 180)))")"

# opacity: the disc's alpha times it
"$AP" render $TWO --dots-below 10 --opacity 0.5 -o "$T/o.png"
check "--opacity 0.5: half the colour over black" test "$(px "$T/o.png" 15 45)" = "16,60,90"
check "--opacity 0.5 at an edge by the rule" test "$(px "$T/o.png" 19 45)" = "$(disc 19 45 15 45 9 31,119,180 0.5)"

# highlights stay images, enlarged
"$AP" render $TWO --dots-below 10 --highlight 0 --opacity 0.5 -o "$T/h.png"
check "a highlight is its image" test "$(px "$T/h.png" 15 45)" = "200,200,200"
check "with its outline" test "$(px "$T/h.png" 6 45)" = "255,255,255"

# --opacity auto: animate keeps frame 0's for every frame, auto-frame takes each its own
G="--images $T/grid_img.npy --labels $T/grid_lab.npy --size 60x60 --sprite 9 --sprite-growth 0 --dots-below 100"
"$AP" animate $G --from "$T/grid.npy" --camera-to 9.5,9.5,4 --frames 3 --opacity auto -v -o "$T/a_%d.png" 2>"$T/log"
# frame 0: all 400 in view, 0.25 * 3600 / (400 * 81)
A0=$($PY -c "print('%.17g' % (0.25 * 3600 / (400 * 81)))")
check "-v names frame 0's opacity" grep -q "^atlasplot: opacity 0.0278 for every frame (--opacity auto: frame 0's)$" "$T/log"
"$AP" animate $G --from "$T/grid.npy" --camera-to 9.5,9.5,4 --frames 3 --opacity auto-frame -o "$T/b_%d.png"
check "frame 0 alike" "$AP" diff --tolerance 0 "$T/a_0.png" "$T/b_0.png"
check "the last frame: auto-frame has its own" sh -c "! '$AP' diff --tolerance 0 '$T/a_2.png' '$T/b_2.png' >/dev/null"
"$AP" render $G --layout "$T/grid.npy" --camera 9.5,9.5,4 --opacity "$A0" -o "$T/r0.png"
check "auto's last frame: frame 0's opacity, by the formula" "$AP" diff --tolerance 0 "$T/r0.png" "$T/a_2.png"
"$AP" render $G --layout "$T/grid.npy" --camera 9.5,9.5,4 --opacity auto -o "$T/r2.png"
check "a still computes its own, as auto-frame" "$AP" diff --tolerance 0 "$T/r2.png" "$T/b_2.png"

# the GL backend against cpu, the golden suite's tolerance: discs, the band, opacity
if "$AP" render $TWO --backend osmesa -o "$T/gl_probe.png" 2>/dev/null; then
	for o in "--dots-below 100" "--dots-below 4.5 --dots-fade 3" "--dots-below 100 --opacity auto --alpha blend" \
		"--dots-below 6 --highlight 1"; do
		"$AP" render $G --layout "$T/grid.npy" --camera 9.3,9.7,2.3 $o -o "$T/c.png"
		"$AP" render $G --layout "$T/grid.npy" --camera 9.3,9.7,2.3 $o --backend osmesa -o "$T/g.png"
		check "osmesa = cpu within 2: $o" "$AP" diff --tolerance 2 "$T/c.png" "$T/g.png"
	done
else
	echo "sh_dots: no OSMesa here; the GL comparison is test_swr's"
fi
done_tests
