#!/bin/sh
# End to end on a small colour collection the test makes: PNG and JPEG files of mixed
# sizes and aspect ratios and one broken file, from a folder with a layout CSV and from a
# manifest; each sprite's colour checked where it must land.
. "$(dirname "$0")/setup"
PY=${PY:-/usr/bin/python3}
mkdir -p "$T/photos"
"$PY" - "$T/photos" <<'PYEOF' || { echo "sh_collection: needs python3 with PIL"; exit 1; }
import sys
from PIL import Image
d = sys.argv[1]
# name, size, colour, format: solid colours so the rendered centre pixel is known
items = [("a_red", (200, 100), (220, 30, 30), "PNG"), ("b_green", (60, 120), (30, 200, 60), "JPEG"),
         ("c_blue", (300, 300), (40, 60, 230), "PNG"), ("d_yellow", (90, 40), (240, 220, 20), "JPEG"),
         ("e_half", (64, 64), (250, 120, 0, 128), "PNG")]
for name, size, col, fmt in items:
    mode = "RGBA" if len(col) == 4 else "RGB"
    ext = "png" if fmt == "PNG" else "jpg"
    Image.new(mode, size, col).save("%s/%s.%s" % (d, name, ext), fmt, quality=95)
open(d + "/f_broken.png", "wb").write(open(d + "/a_red.png", "rb").read()[:60])
with open(d + "/../layout.csv", "w") as f:
    f.write("x,y\n0,0\n10,0\n20,0\n30,0\n40,0\n")
with open(d + "/../manifest.csv", "w") as f:
    f.write("path,x,y,label\nphotos/a_red.png,0,0,0\nphotos/b_green.jpg,10,0,1\nphotos/f_broken.png,5,5,2\n"
            "photos/c_blue.png,20,0,0\nphotos/d_yellow.jpg,30,0,1\nphotos/e_half.png,40,0,2\n")
PYEOF
# the broken file is fatal by default, and named
expect_err "a broken file fails" 1 "atlasplot: images '$T/photos/f_broken.png': truncated file" \
	"$AP" render --images "$T/photos" --layout "$T/layout.csv" --size 200x40 -o "$T/x.png"
check "nothing written after the error" test ! -e "$T/x.png"
# skipped with a warning: five images, five layout rows
"$AP" render --images "$T/photos" --on-bad-image skip --layout "$T/layout.csv" --size 250x50 --margin 0 \
	--sprite 40 --sprite-growth 0 --alpha opaque --background ffffff -o "$T/f.png" 2>"$T/err"
check "skip: renders" test -s "$T/f.png"
check "skip: one warning naming the file" test "$(cat "$T/err")" = "atlasplot: warning: images '$T/photos/f_broken.png': truncated file (skipped)"
# 5 points 10 units apart fill 250 px with margin 0: s0 = 250/40 = 6.25 ... but the height
# box is 0, so x decides: centres at 0, 62.5, 125, 187.5, 250 (the last half outside)
"$PY" - "$T/f.png" >"$T/px" <<'PYEOF'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGBA")
for x in (3, 62, 125, 187, 247):
    print(*im.getpixel((x, 25)))
PYEOF
check "red PNG exact" test "$(sed -n 1p "$T/px")" = "220 30 30 255"
check "blue PNG exact" test "$(sed -n 3p "$T/px")" = "40 60 230 255"
near() { "$PY" -c "import sys; a=list(map(int,'$1'.split())); b=list(map(int,'$2'.split())); sys.exit(0 if all(abs(x-y)<=4 for x,y in zip(a,b)) else 1)"; }
check "green JPEG near" near "$(sed -n 2p "$T/px")" "30 200 60 255"
check "yellow JPEG near" near "$(sed -n 4p "$T/px")" "240 220 20 255"
check "half-transparent orange over white, opaque mode keeps its colour" near "$(sed -n 5p "$T/px")" "250 120 0 255"
# blend: the half-transparent one over white
"$AP" render --images "$T/photos" --on-bad-image skip --layout "$T/layout.csv" --size 250x50 --margin 0 \
	--sprite 40 --sprite-growth 0 --alpha blend --background ffffff -o "$T/b.png" 2>/dev/null
"$PY" -c "
from PIL import Image; im=Image.open('$T/b.png').convert('RGBA'); print(*im.getpixel((247,25)))" >"$T/pb"
check "blend: 50% orange over white" near "$(cat "$T/pb")" "252 187 127 255"
# the manifest: paths relative to it, labels from its column, the broken row dropped
"$AP" render --manifest "$T/manifest.csv" --on-bad-image skip --size 250x50 --margin 0 --sprite 40 \
	--sprite-growth 0 --alpha opaque --color-by label --background ffffff -o "$T/m.png" 2>"$T/err"
check "manifest renders" test -s "$T/m.png"
check "manifest: one warning" test "$(wc -l < "$T/err")" = 1
expect_err "manifest and --layout" 1 "atlasplot: manifest '$T/manifest.csv': gives the images and the layout; drop --images and --layout" \
	"$AP" render --manifest "$T/manifest.csv" --layout "$T/layout.csv" -o "$T/x.png"
"$AP" info --images "$T/photos" --on-bad-image skip --cell 32 >"$T/info" 2>/dev/null
check "info: five RGBA images in 32 px cells" grep -qx "images:   5 of 32x32, RGBA" "$T/info"
done_tests
