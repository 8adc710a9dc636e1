#!/bin/sh
# render, atlas, info from the command line: outputs, metadata, and each bad input's
# exact one-line error and exit code, with nothing left behind.
. "$(dirname "$0")/setup"
D=tests/data
G="--images $D/syn_gray.npy --layout $D/syn_xy.npy"

# --help, --version, usage
check "--version" sh -c "'$AP' --version | grep -qx 'atlasplot [0-9.]*'"
check "render --help shows defaults and examples" sh -c "'$AP' render --help | grep -q 'default 1920x1080' && '$AP' render --help | grep -q '^examples:'"
for c in atlas info diff; do
	check "$c --help" sh -c "'$AP' $c --help | grep -q '^usage: atlasplot $c'"
done
"$AP" >"$T/out" 2>"$T/err"; rc=$?
check "no command: usage on stderr, exit 2" test "$rc" = 2 -a "$(head -n 1 "$T/err")" = "usage: atlasplot COMMAND [options]"
expect_err "unknown command" 2 "atlasplot: unknown command 'frob' (see 'atlasplot --help')" "$AP" frob

# a render: a PNG of the right size with tEXt metadata, nothing else in the folder
mkdir "$T/o"
check "render writes a PNG" "$AP" render $G --size 64x48 -o "$T/o/a.png"
check "no other files" test "$(ls -A "$T/o")" = "a.png"
check "PNG size 64x48" sh -c "od -An -tx1 -j16 -N8 '$T/o/a.png' | tr -d ' \n' | grep -qx 0000004000000030"
check "Software tEXt" grep -q "atlasplot $("$AP" --version | cut -d' ' -f2)" "$T/o/a.png"
check "Camera tEXt" grep -q "Camera" "$T/o/a.png"
mv "$T/o/a.png" "$T/a1.png"
"$AP" render $G --size 64x48 -o "$T/o/a.png" >"$T/out" 2>"$T/err"
check "no output on stdout or stderr" test ! -s "$T/out" -a ! -s "$T/err"
check "same inputs, same bytes" cmp -s "$T/o/a.png" "$T/a1.png"
check "CSV layout with labels renders" "$AP" render --images $D/syn_gray.npy --layout $D/syn_xy.csv --color-by label --size 64x48 -o "$T/o/c.png"
check "several cameras, one file each" "$AP" render $G --size 32x24 --camera 10,10,1 --camera 10,10,2 --camera 10,10,4 -o "$T/o/z_%02d.png"
check "z_00 z_01 z_02" test -s "$T/o/z_00.png" -a -s "$T/o/z_01.png" -a -s "$T/o/z_02.png" -a ! -e "$T/o/z_03.png"

# a shot list: cameras from a file, after any --camera
printf '# two shots\n10 10 1\n\n20, 20, 2  # zoom\n' > "$T/shots.txt"
check "shots file" "$AP" render $G --size 32x24 --camera 0,0,1 --shots "$T/shots.txt" -o "$T/o/s_%d.png"
check "three frames from one --camera and two shots" test -s "$T/o/s_2.png" -a ! -e "$T/o/s_3.png"
check "the shot's camera in the PNG" grep -q "20,20,2" "$T/o/s_2.png"
printf '1 2 3\n4 5 0\n' > "$T/bad_shots.txt"
expect_err "bad shot" 1 "atlasplot: shots '$T/bad_shots.txt' line 2: expected 'CX CY ZOOM' with ZOOM > 0, got '4,5,0'" \
	"$AP" render $G --shots "$T/bad_shots.txt" -o "$T/x_%d.png"
printf '1 2 3\n4 5\0006\n' > "$T/nul_shots.txt"
expect_err "NUL in shots" 1 "atlasplot: shots '$T/nul_shots.txt' line 2: NUL byte (not a text file)" \
	"$AP" render $G --shots "$T/nul_shots.txt" -o "$T/x_%d.png"
expect_err "missing shots file" 1 "atlasplot: shots '$T/none.txt': cannot open: no such file or directory" \
	"$AP" render $G --shots "$T/none.txt" -o "$T/x_%d.png"

# usage errors: exit 2, one line naming the option
expect_err "missing images" 2 "atlasplot: missing --images FILE (or --manifest FILE) (see 'atlasplot render --help')" \
	"$AP" render --layout $D/syn_xy.npy -o "$T/x.png"
expect_err "missing layout" 2 "atlasplot: missing --layout FILE (see 'atlasplot render --help')" \
	"$AP" render --images $D/syn_gray.npy -o "$T/x.png"
expect_err "missing output" 2 "atlasplot: missing -o OUT.png (see 'atlasplot render --help')" "$AP" render $G
expect_err "bad size" 2 "atlasplot: --size '0x10': expected WxH, e.g. 1920x1080 (see 'atlasplot render --help')" \
	"$AP" render $G --size 0x10 -o "$T/x.png"
expect_err "zoom 0" 2 "atlasplot: --camera '1,2,0': expected CX,CY,ZOOM with ZOOM > 0 (see 'atlasplot render --help')" \
	"$AP" render $G --camera 1,2,0 -o "$T/x.png"
expect_err "negative zoom" 2 "atlasplot: --camera '1,2,-3': expected CX,CY,ZOOM with ZOOM > 0 (see 'atlasplot render --help')" \
	"$AP" render $G --camera 1,2,-3 -o "$T/x.png"
expect_err "unknown option" 2 "atlasplot: unknown option '--bogus' (see 'atlasplot render --help')" \
	"$AP" render $G --bogus -o "$T/x.png"
expect_err "option without value" 2 "atlasplot: option '--size' needs a value (see 'atlasplot render --help')" \
	"$AP" render $G -o "$T/x.png" --size
expect_err "several cameras, no pattern" 2 "atlasplot: output '$T/x.png': several frames need a pattern with %d, e.g. frame_%04d.png (see 'atlasplot render --help')" \
	"$AP" render $G --camera 1,1,1 --camera 2,2,2 -o "$T/x.png"
expect_err "bad pattern" 2 "atlasplot: output pattern '$T/%s.png': only %d or %0Nd (and %%) may follow a '%' (see 'atlasplot render --help')" \
	"$AP" render $G -o "$T/%s.png"
expect_err "alpha mode" 2 "atlasplot: --alpha 'half': expected discard, blend or opaque (see 'atlasplot render --help')" \
	"$AP" render $G --alpha half -o "$T/x.png"
expect_err "threshold range" 2 "atlasplot: --threshold '1.5': expected a number from 0 to 1 (see 'atlasplot render --help')" \
	"$AP" render $G --threshold 1.5 -o "$T/x.png"
expect_err "background" 2 "atlasplot: --background 'red': expected RRGGBB, RRGGBBAA or none (see 'atlasplot render --help')" \
	"$AP" render $G --background red -o "$T/x.png"
expect_err "highlight" 2 "atlasplot: --highlight '1,a': expected image indices like 3,17,42 or label=K (see 'atlasplot render --help')" \
	"$AP" render $G --highlight 1,a -o "$T/x.png"
expect_err "page size" 2 "atlasplot: --page-size '1000': expected a power of two from 16 to 16384 (see 'atlasplot render --help')" \
	"$AP" render $G --page-size 1000 -o "$T/x.png"

# input and environment errors: exit 1, the file named, no output left
expect_err "counts disagree" 1 "atlasplot: layout '$D/syn_xy16.npy': 16 rows, but there are 64 images" \
	"$AP" render --images $D/syn_gray.npy --layout $D/syn_xy16.npy -o "$T/x.png"
expect_err "labels count" 1 "atlasplot: labels '$D/syn_labels.npy': 64 labels, but there are 16 images" \
	"$AP" render --images $D/syn_rgb.npy --layout $D/syn_xy16.npy --labels $D/syn_labels.npy -o "$T/x.png"
expect_err "colour by label without labels" 1 "atlasplot: --color-by label: the data set has no labels (give --labels, or a layout CSV with a label column)" \
	"$AP" render $G --color-by label -o "$T/x.png"
expect_err "highlight out of range" 1 "atlasplot: --highlight: image 64 does not exist (there are 64 images)" \
	"$AP" render $G --highlight 64 -o "$T/x.png"
expect_err "images and atlas sizes mix" 1 "atlasplot: images '$D/syn_rgb.npy': 12x12 RGB images do not match the earlier 16x16 gray images" \
	"$AP" render --images $D/syn_gray.npy --images $D/syn_rgb.npy --layout $D/syn_xy.npy -o "$T/x.png"
expect_err "missing file" 1 "atlasplot: images '$T/none.npy': cannot open: no such file or directory" \
	"$AP" render --images "$T/none.npy" --layout $D/syn_xy.npy -o "$T/x.png"
printf 'x,y\n1,2\nnan,3\n' > "$T/nan.csv"
expect_err "NaN in the layout" 1 "atlasplot: layout '$T/nan.csv' line 3: x is not finite (nan)" \
	"$AP" render --images $D/syn_gray.npy --layout "$T/nan.csv" -o "$T/x.png"
expect_err "frame over the GL limit" 1 "atlasplot: --size 20000x10: larger than the GL limit 16384" \
	"$AP" render $G --size 20000x10 --backend osmesa -o "$T/x.png"
expect_err "frame over the cpu backend's limit" 1 "atlasplot: --size 40000x10: larger than the backend's limit 32768" \
	"$AP" render $G --size 40000x10 --backend cpu -o "$T/x.png"
expect_err "memory estimate" 1 "atlasplot: this needs about 48 MiB, more than --max-memory 1 MiB (64 images of 16x16, frames of 1920x1080)" \
	"$AP" render $G --max-memory 1M -o "$T/x.png"
expect_err "memory estimate in a unit that is not 0 MiB" 1 "atlasplot: this needs about 48 MiB, more than --max-memory 20 KiB (64 images of 16x16, frames of 1920x1080)" \
	"$AP" render $G --max-memory 20K -o "$T/x.png"
expect_err "a limit below a file's size stops its read" 1 "atlasplot: images 'tests/data/syn_gray.npy': too large: over the limit of 1024 bytes (file is 16512 bytes)" \
	"$AP" render $G --max-memory 1K -o "$T/x.png"
# 64 images 16x16 (16 KiB) + cells 24x24 with mips (48 KiB) + 6 frames + per-image 80 bytes = 70.5 KiB
expect_err "memory estimate of a small frame" 1 "atlasplot: this needs about 70 KiB, more than --max-memory 20 KiB (64 images of 16x16, frames of 8x8)" \
	"$AP" render $G --size 8x8 --max-memory 20K -o "$T/x.png"
# a label no image has marks nothing: an error, not a silent frame
"$AP" render --images $D/syn_gray.npy --labels $D/syn_labels.npy --layout $D/syn_xy.npy --highlight label=99 -o "$T/x.png" 2>"$T/err"
check "highlight of a label nobody has: exit 1" test $? = 1
check "  and a line naming the label" grep -qx "atlasplot: --highlight label=99: no image has that label (labels here are 0 to [0-9]*)" "$T/err"
check "  and no frame" test ! -e "$T/x.png"
# names with a newline or an escape sequence: one line, no raw escape on the terminal
nl=$(printf 'a\nb\033[31m.npy')
expect_err "control bytes in a file name are escaped" 1 "atlasplot: images 'a\\x0ab\\x1b[31m.npy': cannot open: no such file or directory" \
	"$AP" render --images "$nl" --layout $D/syn_xy.npy -o "$T/x.png"
expect_err "and in a usage error" 2 "atlasplot: unknown command 'x\\x1by' (see 'atlasplot --help')" "$AP" "$(printf 'x\033y')"
expect_err "output folder missing" 1 "atlasplot: output '$T/nodir/x.png': No such file or directory" \
	"$AP" render $G --size 32x24 -o "$T/nodir/x.png"
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
	# root writes through file modes; sysfs refuses new files even to root
	expect_err "read-only folder" 1 "atlasplot: output '/sys/x.png': Permission denied" \
		"$AP" render $G --size 32x24 -o /sys/x.png
else
	expect_err "read-only folder" 1 "atlasplot: output '$T/ro/x.png': Permission denied" \
		"$AP" render $G --size 32x24 -o "$T/ro/x.png"
fi
check "nothing left in the read-only folder" test -z "$(ls -A "$T/ro")"
# a file size limit: the write fails cleanly and leaves no partial file
mkdir "$T/lim"
(ulimit -f 1; "$AP" render $G --size 400x300 --alpha opaque --png-level 1 -o "$T/lim/x.png" 2>"$T/err"; echo $? >"$T/rc")
check "ulimit -f: exit 1" test "$(cat "$T/rc")" = 1
check "ulimit -f: File too large" grep -qx "atlasplot: output '$T/lim/x.png': File too large" "$T/err"
check "ulimit -f: nothing left" test -z "$(ls -A "$T/lim")"
expect_err "no GL context" 1 "atlasplot: gl: osmesa: cannot create a GL 4.3 core context" \
	env MESA_GL_VERSION_OVERRIDE=3.3 "$AP" render $G --backend osmesa --size 32x24 -o "$T/x.png"
check "no output after errors" test ! -e "$T/x.png"

# degenerate data: one point, all points on one spot, more labels than tab20 has colours
printf 'x,y,label\n3,4,0\n' > "$T/one.csv"
/usr/bin/python3 -c "import numpy as np; np.save('$T/one.npy', np.full((1, 16, 16), 200, np.uint8))"
check "a single point renders" "$AP" render --images "$T/one.npy" --layout "$T/one.csv" --size 32x24 --sprite 16 --alpha opaque -o "$T/one.png"
check "the single point is at the centre" sh -c "/usr/bin/python3 -c \"from PIL import Image; im=Image.open('$T/one.png').convert('L'); import sys; sys.exit(0 if im.getpixel((16,12))==200 and im.getpixel((7,12))==0 and im.getpixel((8,12))==200 else 1)\""
/usr/bin/python3 -c "
import numpy as np
np.save('$T/spot.npy', np.zeros((64, 2)) + [2.5, -1])
np.save('$T/many.npy', np.arange(64) % 30)"
check "all points on one spot render" "$AP" render --images $D/syn_gray.npy --layout "$T/spot.npy" --size 32x24 -o "$T/spot.png"
check "30 labels: tab20 cycled" "$AP" render $G --labels "$T/many.npy" --color-by label --size 32x24 -o "$T/many.png"

# atlas and info
check "atlas writes pages and index" "$AP" atlas --images $D/syn_gray.npy -o "$T/atl"
check "index.csv header and rows" sh -c "head -n 2 '$T/atl/index.csv' | tr '\n' ' ' | grep -qx 'image,page,x,y,w,h 0,0,2,2,16,16 '"
check "index.csv has 64 rows" test "$(wc -l < "$T/atl/index.csv")" = 65
check "atlas leaves no temp files" test "$(ls -A "$T/atl" | tr '\n' ' ')" = "index.csv page_000.png "
"$AP" info --images $D/syn_gray.npy --labels $D/syn_labels.npy --layout $D/syn_xy.npy >"$T/info"
check "info images" grep -qx "images:   64 of 16x16, gray" "$T/info"
check "info labels" grep -qx "labels:   5 classes: 0:13 1:13 2:13 3:13 4:12" "$T/info"
check "info atlas" grep -qx "atlas:    1 page(s) of 128x256, 1 channel(s), cells of 20 texels, 3 mip levels" "$T/info"
check "info gl" grep -q "^gl:       osmesa: llvmpipe" "$T/info"
done_tests
