#!/bin/sh
# Outputs never destroy an input: an output that is the same file as any input (by
# st_dev/st_ino, whatever the spelling) is refused and the input stays as it was.
# render -o - writes one PNG to stdout. A resumed animation removes the temporaries its
# own frames left behind (not those of other frames). render stops cleanly on SIGTERM.
. "$(dirname "$0")/setup"
D=tests/data
mkdir "$T/w" "$T/o"
cp $D/syn_xy.npy "$T/w/lay.npy"
cp $D/syn_xy_b.npy "$T/w/b.npy"
G="--images $D/syn_gray.npy --size 32x24"

expect_err "-o is the layout" 1 "atlasplot: output '$T/w/lay.npy': is the input '$T/w/lay.npy'; not overwriting it" \
	"$AP" render $G --layout "$T/w/lay.npy" -o "$T/w/lay.npy"
check "  the layout is intact" cmp -s "$T/w/lay.npy" $D/syn_xy.npy
ln "$T/w/lay.npy" "$T/w/hard.npy"
expect_err "-o is the layout under another name" 1 "atlasplot: output '$T/w/./lay.npy': is the input '$T/w/hard.npy'; not overwriting it" \
	"$AP" render $G --layout "$T/w/hard.npy" -o "$T/w/./lay.npy"
cp $D/syn_gray.npy "$T/w/img.npy"
expect_err "-o is the images" 1 "atlasplot: output '$T/w/img.npy': is the input '$T/w/img.npy'; not overwriting it" \
	"$AP" render --images "$T/w/img.npy" --layout $D/syn_xy.npy -o "$T/w/img.npy"
check "  the images are intact" cmp -s "$T/w/img.npy" $D/syn_gray.npy
printf '1 1 1\n' >"$T/w/shots.txt"
expect_err "a frame is the shots file" 1 "atlasplot: output '$T/w/shots.txt': is the input '$T/w/shots.txt'; not overwriting it" \
	"$AP" render $G --layout $D/syn_xy.npy --shots "$T/w/shots.txt" -o "$T/w/shots.txt"
expect_err "--contact-sheet is the --to layout, before any frame" 1 "atlasplot: output '$T/w/b.npy': is the input '$T/w/b.npy'; not overwriting it" \
	"$AP" animate $G --from "$T/w/lay.npy" --to "$T/w/b.npy" --frames 3 --contact-sheet "$T/w/b.npy" -o "$T/o/f_%d.png"
check "  the --to layout is intact" cmp -s "$T/w/b.npy" $D/syn_xy_b.npy
check "  and no frame was written" test -z "$(ls -A "$T/o")"
printf '0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n' >"$T/w/names.txt"
cp "$T/w/names.txt" "$T/w/names.orig"
expect_err "-o is the --label-names file" 1 "atlasplot: output '$T/w/names.txt': is the input '$T/w/names.txt'; not overwriting it" \
	"$AP" render $G --size 320x240 --labels $D/syn_labels.npy --layout $D/syn_xy.npy --label-names "$T/w/names.txt" --legend -o "$T/w/names.txt"
check "  the names are intact" cmp -s "$T/w/names.txt" "$T/w/names.orig"
check "a new output beside the inputs is fine" "$AP" render $G --layout "$T/w/lay.npy" -o "$T/w/new.png"

# -o -: one PNG on stdout
"$AP" render $G --layout $D/syn_xy.npy -o - >"$T/o/stdout.png" 2>"$T/err"
check "-o - exits 0 quietly" test $? = 0 -a ! -s "$T/err"
check "-o - is a PNG of the frame" "$AP" diff --quiet --tolerance 0 "$T/o/stdout.png" "$T/w/new.png"
expect_err "-o - with several cameras" 2 "atlasplot: -o -: stdout takes one frame; several cameras need a pattern like f_%03d.png (see 'atlasplot render --help')" \
	"$AP" render $G --layout $D/syn_xy.npy --camera 1,1,1 --camera 2,2,2 -o -
rm -f "$T/o/"*

# --resume removes the stale temporaries of its own frames only
for n in 0001 0003 0099; do : >"$T/o/.f_$n.png.abcdef.tmp"; done
: >"$T/o/.other.png.abcdef.tmp"
: >"$T/o/.f_1.png.abcdef.tmp"
check "resume" "$AP" animate $G --from $D/syn_xy.npy --to $D/syn_xy_b.npy --frames 5 --resume -o "$T/o/f_%04d.png"
check "  its frames' temporaries are gone" test ! -e "$T/o/.f_0001.png.abcdef.tmp" -a ! -e "$T/o/.f_0003.png.abcdef.tmp"
check "  those of frames it does not write stay" test -e "$T/o/.f_0099.png.abcdef.tmp" -a -e "$T/o/.f_1.png.abcdef.tmp" \
	-a -e "$T/o/.other.png.abcdef.tmp"
rm -f "$T/o/".??* "$T/o/"*
for n in 0001 0002; do : >"$T/o/.f_$n.png.abcdef.tmp"; done
check "a shard's resume" "$AP" animate $G --from $D/syn_xy.npy --to $D/syn_xy_b.npy --frames 5 --resume --shard 1/2 -o "$T/o/f_%04d.png"
check "  removes its own frame's temporary, not the other shard's" test ! -e "$T/o/.f_0001.png.abcdef.tmp" -a -e "$T/o/.f_0002.png.abcdef.tmp"
rm -f "$T/o/".??* "$T/o/"*

# a FIFO nobody writes, read as an input: the first SIGTERM stops the run (the clean-stop
# handler comes only once the inputs are read)
mkfifo "$T/w/fifo"
timeout -k 10 1 "$AP" render $G --layout "$T/w/fifo" -o "$T/o/never.png" 2>/dev/null
check "SIGTERM while waiting on a FIFO layout ends the run at once" test $? = 124
timeout -k 10 1 "$AP" animate $G --from "$T/w/fifo" --frames 2 -o "$T/o/never_%d.png" 2>/dev/null
check "  and for animate" test $? = 124
check "  nothing written" test -z "$(ls -A "$T/o")"

# render stops cleanly on SIGTERM: the frames written complete, no temporary
M=.cache/mnist
cams=""
for i in $(seq 1 120); do cams="$cams --camera 0,0,$i"; done
"$AP" render --images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte --layout data/mnist_umap.npy --size 3840x2160 $cams \
	-o "$T/o/f_%03d.png" 2>"$T/err" &
pid=$!
i=0
while [ ! -e "$T/o/f_002.png" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid
wait $pid
check "SIGTERM: exit 143" test $? = 143
check "  with one line" test "$(cat "$T/err")" = "atlasplot: stopped by SIGTERM; the frames written are complete"
check "  it stopped early" test "$(ls "$T/o" | wc -l)" -lt 120
check "  no temporary left" test "$(ls -A "$T/o" | grep -c tmp)" = 0
bad_png=0
for f in "$T/o"/*.png; do "$AP" diff --quiet "$f" "$f" >/dev/null 2>&1 || bad_png=1; done
check "  every frame written is a whole PNG" test $bad_png = 0
done_tests
