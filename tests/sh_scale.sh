#!/bin/sh
# Many images: 200,704 distinct 4x4 sprites on a grid at native size, drawn by the cpu
# backend and by GL with atlas pages spread over many texture arrays (more images than one
# array's layers hold); a sample of sprites must be pixel-exact copies on both.
. "$(dirname "$0")/setup"
PY=${PY:-/usr/bin/python3}
"$PY" - "$T" <<'PYEOF' || { echo "sh_scale: needs python3 with numpy"; exit 1; }
import sys
import numpy as np
d = sys.argv[1]
side = 448                                   # 448 x 448 = 200,704 images
n = side * side
i = np.arange(n, dtype=np.int64)
imgs = np.empty((n, 4, 4), np.uint8)
for y in range(4):
    for x in range(4):                       # a different pattern per image and texel
        imgs[:, y, x] = ((i * 7 + y * 61 + x * 17 + (i >> 8) * 3) % 251 + 4).astype(np.uint8)
np.save(d + "/imgs.npy", imgs)
# centres 4 px apart; with --margin 0 and a frame as wide as the box, s0 = 1 and the
# default camera puts point (x, y) at pixel (x, H - y): integer centres, exact copies
xy = np.stack([(i % side) * 4.0, (i // side) * 4.0], 1)
np.save(d + "/xy.npy", xy)
PYEOF
size=1788x1788         # the box is 447*4 = 1788 wide and high
check_sample() {       # check_sample PNG: 500 sprites away from the edges, pixel-exact
	"$PY" - "$T" "$1" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
d, png = sys.argv[1], sys.argv[2]
imgs = np.load(d + "/imgs.npy")
im = np.asarray(Image.open(png).convert("L"))
H = im.shape[0]
side = 448
bad = 0
for k in range(500):
    i = (k * 104729 + 12345) % (side * side)
    cx, cy = i % side, i // side
    if cx in (0, side - 1) or cy in (0, side - 1):
        continue
    px, py = cx * 4, H - cy * 4             # the sprite covers [px-2, px+2) x [py-2, py+2)
    if not np.array_equal(im[py - 2:py + 2, px - 2:px + 2], imgs[i]):
        bad += 1

sys.exit(1 if bad else 0)
PYEOF
}
check "cpu: renders 200,704 sprites" "$AP" render --images "$T/imgs.npy" --layout "$T/xy.npy" --size $size \
	--margin 0 --sprite 4 --sprite-growth 0 --alpha opaque -o "$T/cpu.png"
check "cpu: sampled sprites exact" check_sample "$T/cpu.png"
"$AP" render --images "$T/imgs.npy" --layout "$T/xy.npy" --size $size --margin 0 --sprite 4 --sprite-growth 0 \
	--alpha opaque --backend osmesa --page-size 256 --pages-per-array 16 -o "$T/gl.png" -v 2>"$T/err"
check "gl: renders over many texture arrays" test -s "$T/gl.png"
check "gl: 114 atlas pages" grep -q "atlas 114 page(s) of 256x256" "$T/err"
check "gl: sampled sprites exact" check_sample "$T/gl.png"
check "gl and cpu agree exactly" "$AP" diff --tolerance 0 "$T/cpu.png" "$T/gl.png" -q
done_tests
