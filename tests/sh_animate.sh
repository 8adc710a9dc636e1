#!/bin/sh
# atlasplot animate: first/last frame identity with render, a linear midpoint, camera
# moves and keyframe paths, holds, raw stdout, contact sheet, shard union (GNU
# parallel), --resume, stopping on SIGTERM, option errors. Data made with numpy.
. "$(dirname "$0")/setup"
PY=${PY:-/usr/bin/python3}
if ! "$PY" -c 'import numpy, PIL' 2>/dev/null; then
	bad "needs $PY with numpy and PIL to make test data (set PY=)"
	done_tests
	exit
fi

# Six 8x8 images, each a distinct grey square (>= 140, kept by the 0.5 discard) with a
# white mark of i+1 pixels in its top row. Layouts at integer positions in a box of
# 8x6: at --size 64x48 --margin 0 the fit is 8 px per unit and sprites of 8 px sit on
# whole pixels. A and B keep the four corners (the box, so every fit is the same) and
# move points 4 and 5; b2 is B scaled by 2 and shifted, which normalises to B.
"$PY" - "$T" <<'EOF'
import sys
import numpy as np
d = sys.argv[1]
imgs = np.zeros((6, 8, 8), np.uint8)
for i in range(6):
    imgs[i, 1:7, 1:7] = 140 + 20 * i
    imgs[i, 0, :i + 1] = 255
np.save(d + '/imgs.npy', imgs)
a = np.array([[0, 0], [8, 0], [0, 6], [8, 6], [2, 2], [4, 4]], float)
b = np.array([[0, 0], [8, 0], [0, 6], [8, 6], [6, 4], [2, 2]], float)
np.save(d + '/a.npy', a)
np.save(d + '/b.npy', b)
np.save(d + '/b2.npy', b * 2 + [10, -4])
np.save(d + '/mid.npy', (a + b) / 2)
np.save(d + '/b5.npy', b[:5])
np.save(d + '/rot.npy', np.stack([-a[:, 1], a[:, 0]], 1) * 3 + 7)
np.save(d + '/refl.npy', np.stack([-a[:, 0], a[:, 1]], 1))
EOF
cat >"$T/px.py" <<'EOF'
# px.py PATH X Y: the pixel as R,G,B,A; px.py PATH: the size as WxH.
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGBA')
if len(sys.argv) == 2:
    print('%dx%d' % im.size)
else:
    print('%d,%d,%d,%d' % im.getpixel((int(sys.argv[2]), int(sys.argv[3]))))
EOF
px() { "$PY" "$T/px.py" "$@"; }
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }
rc_is() { if [ "$rc" = "$2" ]; then ok; else bad "$1: rc=$rc, want $2; $(cat "$T/err")"; fi; }
same() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
# pixels DESC EXPECTED ACTUAL: not one pixel different
pixels() {
	if "$AP" diff -t 0 "$2" "$3" >"$T/dout" 2>&1 && grep -q ' max diff 0, ' "$T/dout"; then ok
	else bad "$1: $(cat "$T/dout")"; fi
}
err_is() { same "$1 stderr" "$(cat "$T/err")" "$2"; }

O="--images $T/imgs.npy --size 64x48 --margin 0 --sprite 8"
cd "$T" || exit 2

# --- first, middle and last frames ---
mkdir f
run "$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear -o 'f/f_%02d.png'
rc_is "linear run" 0
same "quiet on success" "$(cat "$T/out" "$T/err")" ""
same "five frames" "$(ls f | tr '\n' ' ')" "f_00.png f_01.png f_02.png f_03.png f_04.png "
"$AP" render $O --layout a.npy -o ra.png
"$AP" render $O --layout b2.npy -o rb2.png
"$AP" render $O --layout b.npy -o rb.png
"$AP" render $O --layout mid.npy -o rmid.png
pixels "frame 0 is render of A" ra.png f/f_00.png
pixels "last frame is render of B (scaled, shifted)" rb2.png f/f_04.png
pixels "B normalises onto A" rb.png f/f_04.png
pixels "linear midpoint is render of the midpoints" rmid.png f/f_02.png
# point 4 at (4,3) -> pixel centre (32,24), point 5 at (3,3) -> (24,24); (2,2) left empty
same "point 4 at its midpoint" "$(px f/f_02.png 30 24)" "220,220,220,255"
same "point 5 at its midpoint" "$(px f/f_02.png 22 24)" "240,240,240,255"
same "start place empty" "$(px f/f_02.png 16 32)" "0,0,0,255"
same "point 4 starts at (2,2)" "$(px f/f_00.png 16 32)" "220,220,220,255"
check "frames carry the command" grep -q "animate" f/f_01.png

run "$AP" animate $O --from a.npy --to b2.npy --frames 4 --stagger 0.7 --stagger-by distance -o 's_%d.png'
rc_is "staggered run" 0
pixels "staggered: first frame exact" ra.png s_0.png
pixels "staggered: last frame exact" rb.png s_3.png

# --- camera moves, in A's units ---
"$AP" render $O --layout a.npy --camera 4,3,2 -o ra_z2.png
"$AP" render $O --layout b.npy --camera 2,2,1 -o rb_c.png
run "$AP" animate $O --from a.npy --to b2.npy --frames 4 --camera-from 4,3,2 --camera-to 2,2,1 -o 'c_%d.png'
rc_is "camera move" 0
pixels "camera-from frame 0" ra_z2.png c_0.png
pixels "camera-to last frame, B in A's units" rb_c.png c_3.png
printf '# time cx cy zoom\n0 4 3 2\n0.5 3 3 1.5\n1 2 2 1\n' >keys.txt
run "$AP" animate $O --from a.npy --to b2.npy --frames 5 --path keys.txt -o 'p_%d.png'
rc_is "keyframe path" 0
pixels "path frame 0" ra_z2.png p_0.png
pixels "path last frame" rb_c.png p_4.png
"$AP" render $O --layout mid.npy --camera 3,3,1.5 -o rmid_c.png
run "$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear --path keys.txt -o 'q_%d.png'
pixels "path middle key at the midpoint" rmid_c.png q_2.png
run "$AP" animate $O --from a.npy --camera-to 4,3,2 --frames 3 -o 'z_%d.png'
rc_is "camera move without --to" 0
pixels "zoom: first frame" ra.png z_0.png
pixels "zoom: last frame" ra_z2.png z_2.png

# --- on GL (osmesa): the transition kept resident, the same frames, one upload ---
# (gl uploads: per instance its start, end and B's own end as 4 floats, a rank, 4 words)
mkdir g
run "$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear --backend osmesa -v -o 'g/f_%02d.png'
rc_is "osmesa transition" 0
pixels "osmesa: frame 0 is render of A" ra.png g/f_00.png
pixels "osmesa: last frame is render of B (scaled, shifted)" rb2.png g/f_04.png
pixels "osmesa: linear midpoint is render of the midpoints" rmid.png g/f_02.png
same "osmesa: uploads by the first frame only" "$(sed -n 's/^atlasplot: gl uploads: //p' "$T/err")" \
	"$((6 * (3 * 16 + 4 + 16))) bytes of sprite data in 1 of 5 frames, 0 bytes of prescaled images in 0"
same "osmesa: PNG frames read back two in flight" \
	"$(sed -n 's/^atlasplot: gl read-back: \([0-9]* frames, [0-9]* in flight\).*/\1/p' "$T/err")" "5 frames, 2 in flight"
"$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear --backend osmesa -v -o - >g/raw.bin 2>"$T/err"
same "osmesa: raw frames read back two in flight too" \
	"$(sed -n 's/^atlasplot: gl read-back: \([0-9]* frames, [0-9]* in flight\).*/\1/p' "$T/err")" "5 frames, 2 in flight"
same "osmesa: 5 raw frames" "$(wc -c <g/raw.bin)" "61440"
"$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear --backend osmesa --title T -v -o - >g/raw_t.bin 2>"$T/err"
same "osmesa with a title: 5 raw frames" "$(wc -c <g/raw_t.bin)" "61440"
same "osmesa with a title: drawn one at a time (the text goes on after the read-back)" \
	"$(grep -c '^atlasplot: gl read-back' "$T/err")" "0"
check "osmesa with a title: the frames have it" sh -c "! cmp -s g/raw.bin g/raw_t.bin"
check "osmesa: the PNG frames are the raw frames" "$PY" -c "
import numpy as np
from PIL import Image
raw = np.fromfile('g/raw.bin', np.uint8).reshape(5, 48, 64, 4)
for k in range(5):
    assert (raw[k] == np.array(Image.open('g/f_%02d.png' % k).convert('RGBA'))).all(), k
"
run "$AP" animate $O --from a.npy --to b2.npy --frames 4 --camera-from 4,3,2 --camera-to 2,2,1 --backend osmesa -v \
	-o 'g/c_%d.png'
rc_is "osmesa camera move" 0
"$AP" render $O --layout a.npy --camera 4,3,2 --backend osmesa -o g/ra_z2.png
check "osmesa: camera-from frame 0 is its render" "$AP" diff --quiet g/ra_z2.png g/c_0.png
check "osmesa: camera-to last frame within the golden tolerance of cpu's" "$AP" diff --quiet rb_c.png g/c_3.png
same "osmesa: no end layout, still one upload" "$(sed -n 's/^atlasplot: gl uploads: //p' "$T/err")" \
	"$((6 * (2 * 16 + 4 + 16))) bytes of sprite data in 1 of 4 frames, 0 bytes of prescaled images in 0"
run "$AP" render $O --layout a.npy --camera 4,3,2 --camera 4,3,1 --backend osmesa -v -o 'g/r_%d.png'
same "osmesa stills upload every frame's sprites" "$(sed -n 's/^atlasplot: gl uploads: .* in \([0-9]* of [0-9]*\) frames.*/\1/p' "$T/err")" \
	"2 of 2"

run "$AP" animate $O --from a.npy --path keys.txt --fps 4 -o 'd_%d.png'
same "frames from the path's duration: 1 s at 4 fps" "$(ls d_*.png | wc -l)" "5"

# --- timing and holds ---
mkdir h
run "$AP" animate $O --from a.npy --to b.npy --duration 0.1 --hold-start 0.1 --hold-end 0.05 -o 'h/%d.png'
rc_is "duration and holds" 0
same "3 + 4 + 2 frames" "$(ls h | wc -l)" "9"
check "hold-start frames are frame 0" sh -c 'cmp -s h/0.png h/3.png && cmp -s h/1.png h/3.png'
check "hold-end frames are the last" sh -c 'cmp -s h/6.png h/8.png && cmp -s h/7.png h/8.png'
check "the move moves" sh -c '! cmp -s h/3.png h/4.png'
pixels "last held frame is B" rb.png h/8.png

# --- raw frames on stdout ---
"$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear -o - >raw.bin 2>"$T/err"
rc=$?
rc_is "raw stdout" 0
same "5 frames of 64x48x4 bytes" "$(wc -c <raw.bin)" "61440"
check "raw frames are the PNG frames" "$PY" -c "
import numpy as np
from PIL import Image
raw = np.fromfile('raw.bin', np.uint8).reshape(5, 48, 64, 4)
for k in range(5):
    assert (raw[k] == np.array(Image.open('f/f_%02d.png' % k).convert('RGBA'))).all(), k
"

# --- contact sheet ---
run "$AP" animate $O --from a.npy --to b2.npy --frames 5 --ease linear --contact-sheet sheet.png -o 'cs_%d.png'
rc_is "contact sheet" 0
same "sheet: 4 columns, 2 rows, 2 px gaps" "$(px sheet.png)" "266x102"
check "sheet tiles are the frames" "$PY" -c "
import numpy as np
from PIL import Image
s = np.array(Image.open('sheet.png').convert('RGBA'))
for i in range(5):
    x, y = 2 + (i % 4) * 66, 2 + (i // 4) * 50
    f = np.array(Image.open('cs_%d.png' % i).convert('RGBA'))
    assert (s[y:y + 48, x:x + 64] == f).all(), i
assert (s[0, 0] == [128, 128, 128, 255]).all() and (s[60, 100] == [128, 128, 128, 255]).all()
"
run "$AP" animate --images "$T/imgs.npy" --size 962x40 --margin 0 --from a.npy --to b.npy --frames 2 \
	--contact-sheet wide.png -o 'w_%d.png'
same "wide frames shrink by 3" "$(px wide.png)" "646x17"
check "box filter" "$PY" -c "
import numpy as np
from PIL import Image
s = np.array(Image.open('wide.png').convert('RGBA')).astype(int)
f = np.array(Image.open('w_1.png').convert('RGBA')).astype(int)[:39, :960]
box = (f.reshape(13, 3, 320, 3, 4).sum((1, 3)) + 4) // 9
assert (s[2:15, 324:644] == box).all()
"

# --- shards with GNU parallel: the union is the full run, byte for byte ---
mkdir full shards
(cd full && "$AP" animate $O --from ../a.npy --to ../b2.npy --frames 7 --hold-end 0.1 -o 'f_%02d.png')
if command -v parallel >/dev/null; then
	(cd shards && parallel --will-cite "$AP" animate $O --from ../a.npy --to ../b2.npy --frames 7 \
		--hold-end 0.1 --shard {}/3 -o "'f_%02d.png'" ::: 0 1 2)
	same "shards: same files" "$(ls shards | tr '\n' ' ')" "$(ls full | tr '\n' ' ')"
	check "shards: same bytes" sh -c 'for f in full/*; do cmp -s "$f" "shards/${f#full/}" || exit 1; done'
else
	bad "GNU parallel is not installed (apt-get install parallel)"
fi
mkdir one
(cd one && "$AP" animate $O --from ../a.npy --to ../b2.npy --frames 7 --hold-end 0.1 --shard 1/3 -o 'f_%02d.png')
same "shard 1/3 of 10 frames" "$(ls one | tr '\n' ' ')" "f_01.png f_04.png f_07.png "
mkdir rg
(cd rg && "$AP" animate $O --from ../a.npy --to ../b2.npy --frames 7 --hold-end 0.1 --range 2:5 -o 'f_%02d.png')
same "range 2:5" "$(ls rg | tr '\n' ' ')" "f_02.png f_03.png f_04.png "
check "range frames are the full run's" sh -c 'cmp -s rg/f_03.png full/f_03.png'

# --- resume ---
cp -r full res
rm res/f_02.png
head -c 100 full/f_05.png >res/f_05.png
printf 'junk' >res/f_08.png
touch -d 2001-01-01 res/*
(cd res && "$AP" animate $O --from ../a.npy --to ../b2.npy --frames 7 --hold-end 0.1 --resume -v -o 'f_%02d.png') 2>"$T/err"
check "resume reports" grep -q '^atlasplot: 3 frame(s) rendered, 7 skipped as done' "$T/err"
same "resume rewrote only the missing and broken" "$(find res -type f -newer keys.txt | sort | tr '\n' ' ')" \
	"res/f_02.png res/f_05.png res/f_08.png "
check "resumed folder is the full run" sh -c 'for f in full/*; do cmp -s "$f" "res/${f#full/}" || exit 1; done'

# --- stopped by SIGTERM, then resumed ---
mkdir sig
"$AP" animate $O --from a.npy --to b2.npy --frames 3000 -o 'sig/%04d.png' 2>sig.err &
pid=$!
i=0
while [ "$(ls sig | wc -l)" -lt 5 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid
wait $pid
rc=$?
rc_is "SIGTERM exit code" 143
same "SIGTERM message" "$(cat sig.err)" "atlasplot: stopped by SIGTERM; the frames written are complete, rerun with --resume to finish"
check "stopped early" test "$(ls sig | wc -l)" -lt 3000
check "no temporary files left" sh -c '! ls -A sig | grep -q "\.tmp$"'
n=$(ls sig | wc -l)
last=$(ls sig | tail -n 1)
check "the last frame written is whole" "$PY" -c "from PIL import Image; Image.open('sig/$last').load()"
"$AP" animate $O --from a.npy --to b2.npy --frames 3000 --resume -v -o 'sig/%04d.png' 2>"$T/err"
check "resume finishes the rest" grep -q "^atlasplot: $((3000 - n)) frame(s) rendered, $n skipped as done" "$T/err"
same "all frames there" "$(ls sig | wc -l)" "3000"

# --- procrustes ---
run "$AP" animate $O --from a.npy --to rot.npy --align procrustes --frames 2 -v -o 'pr_%d.png'
check "procrustes undoes a rotation" grep -q ' 0.0000 after procrustes (scale 1.0000, not reflected)' "$T/err"
run "$AP" animate $O --from a.npy --to refl.npy --align procrustes --frames 2 -v -o 'pr_%d.png'
check "procrustes undoes a reflection" grep -q ' 0.0000 after procrustes (scale 1.0000, reflected)' "$T/err"
# aligned, the end is B turned back onto A (to rounding), not B as rendered alone
"$AP" render $O --layout refl.npy -o rrefl.png
check "aligned end is A again" "$AP" diff -q --max-pixels 1% ra.png pr_1.png
check "which B alone is not" sh -c "! '$AP' diff -q --max-pixels 1% ra.png rrefl.png >/dev/null"
# mirrored about x = 4, each point travels |x - 4|/4 of the box: 1, 1, 1, 1, 0.5, 0
check "travel before alignment" grep -q '^atlasplot: mean travel 0.7500 before alignment' "$T/err"

# --- errors ---
H=" (see 'atlasplot animate --help')"
A="$AP animate $O --from a.npy"
expect_err "frames 0" 2 "atlasplot: --frames '0': expected an integer from 1 to 10000000$H" $A --frames 0 -o 'x_%d.png'
expect_err "layouts of different lengths" 1 "atlasplot: layout 'b5.npy': 5 rows, but there are 6 images" \
	$A --to b5.npy --frames 2 -o 'x_%d.png'
expect_err "unknown ease" 2 "atlasplot: --ease 'bounce': expected one of linear, quad-in, quad-out, quad-in-out, cubic-in, cubic-out, cubic-in-out, sine-in, sine-out, sine-in-out, exp-in-out$H" \
	$A --ease bounce -o 'x_%d.png'
expect_err "unknown path ease" 2 "atlasplot: --path-ease 'x': expected one of linear, quad-in, quad-out, quad-in-out, cubic-in, cubic-out, cubic-in-out, sine-in, sine-out, sine-in-out, exp-in-out$H" \
	$A --path-ease x -o 'x_%d.png'
expect_err "shard K >= N" 2 "atlasplot: --shard '3/3': expected K/N with 0 <= K < N, e.g. 0/4$H" $A --shard 3/3 -o 'x_%d.png'
expect_err "shard syntax" 2 "atlasplot: --shard '1': expected K/N with 0 <= K < N, e.g. 0/4$H" $A --shard 1 -o 'x_%d.png'
expect_err "range" 2 "atlasplot: --range '5:2': expected A:B, frames A to B-1 with A < B (A or B may be left out)$H" \
	$A --range 5:2 -o 'x_%d.png'
expect_err "stagger range" 2 "atlasplot: --stagger '1.5': expected a fraction from 0 to 1$H" $A --stagger 1.5 -o 'x_%d.png'
expect_err "stagger-by" 2 "atlasplot: --stagger-by 'size': expected index, label or distance$H" $A --stagger-by size -o 'x_%d.png'
expect_err "stagger by label, no labels" 1 "atlasplot: --stagger-by label: the data set has no labels (give --labels, or a layout CSV with a label column)" \
	$A --to b.npy --stagger 0.5 --stagger-by label --frames 2 -o 'x_%d.png'
expect_err "align" 2 "atlasplot: --align 'best': expected none or procrustes$H" $A --align best -o 'x_%d.png'
expect_err "align without --to" 2 "atlasplot: --align procrustes: needs --to LAYOUT$H" $A --align procrustes -o 'x_%d.png'
expect_err "frames and duration" 2 "atlasplot: --frames and --duration: give one, not both$H" $A --frames 3 --duration 1 -o 'x_%d.png'
expect_err "fps" 2 "atlasplot: --fps '0': expected a number above 0, at most 1000$H" $A --fps 0 -o 'x_%d.png'
expect_err "hold" 2 "atlasplot: --hold-end '-1': expected seconds, a number >= 0$H" $A --hold-end -1 -o 'x_%d.png'
expect_err "camera" 2 "atlasplot: --camera-to '1,2': expected CX,CY,ZOOM with ZOOM > 0$H" $A --camera-to 1,2 -o 'x_%d.png'
expect_err "path and cameras" 2 "atlasplot: --path and --camera-from/--camera-to: give one or the other$H" \
	$A --path keys.txt --camera-from 1,1,1 -o 'x_%d.png'
printf '0 1 1 1\n1 2\0002 2\n' >nulkeys.txt
expect_err "NUL in keyframes" 1 "atlasplot: path 'nulkeys.txt' line 2: NUL byte (not a text file)" \
	$A --path nulkeys.txt -o 'x_%d.png'
printf '0 1 1 1\n0 2 2 2\n' >badkeys.txt
expect_err "bad keyframes" 1 "atlasplot: path 'badkeys.txt' line 2: time '0' is not after time '0' on line 1" \
	$A --path badkeys.txt -o 'x_%d.png'
expect_err "resume to stdout" 2 "atlasplot: --resume needs numbered PNG files, not -o -$H" $A --resume -o -
expect_err "pattern needed" 2 "atlasplot: output 'x.png': several frames need a pattern with %d, e.g. frame_%04d.png$H" \
	$A --frames 2 -o x.png
expect_err "missing --from" 2 "atlasplot: missing --from LAYOUT$H" "$AP" animate $O -o 'x_%d.png'
expect_err "missing -o" 2 "atlasplot: missing -o OUT (a pattern like frames/frame_%05d.png, or - for raw frames on stdout)$H" $A
expect_err "unknown option" 2 "atlasplot: unknown option '--bogus'$H" $A --bogus -o 'x_%d.png'
expect_err "encoders 0" 2 "atlasplot: --encoders '0': expected 1 to 64$H" $A --encoders 0 -o 'x_%d.png'
expect_err "encoders 65" 2 "atlasplot: --encoders '65': expected 1 to 64$H" $A --encoders 65 -o 'x_%d.png'
mkdir enc
run $A --frames 3 --encoders 3 -v -o 'enc/x_%d.png'
rc_is "three encoders" 0
same "three encoder threads, said by -v" "$(grep -c '^atlasplot: 3 PNG encoder thread(s)$' "$T/err")" "1"
same "three encoders: three frames" "$(ls enc | wc -l)" "3"
same "gray frames, said once by -v" "$(grep -c '^atlasplot: gray PNG frames: drawn one byte a pixel$' "$T/err")" "1"
run $A --frames 2 --title T -v -o 'enc/t_%d.png'
rc_is "titled" 0
same "titled frames are not drawn gray" "$(grep -c 'gray PNG frames' "$T/err")" "0"
run $A --frames 2 -v -o - >/dev/null
same "raw frames are not drawn gray" "$(grep -c 'gray PNG frames' "$T/err")" "0"
expect_err "missing folder" 1 "atlasplot: output 'nodir/x_0.png': No such file or directory" $A --frames 2 -o 'nodir/x_%d.png'
check "one frame needs no pattern" $A --frames 1 -o one.png
pixels "one frame is render of A" ra.png one.png

run "$AP" animate --help
rc_is "help" 0
check "help shows the ffmpeg line" grep -q 'ffmpeg -f rawvideo -pix_fmt rgba -s 1280x720 -r 30 -i -' "$T/out"
check "help shows defaults" grep -q 'default cubic-in-out' "$T/out"

done_tests
