#!/bin/sh
# Special files: a FIFO or a device where a file is read or written is an error naming
# it, at once (never a hang), and is never replaced by a regular file.
. "$(dirname "$0")/setup"
D=tests/data
G="--images $D/syn_gray.npy --layout $D/syn_xy.npy --size 32x24"
A="--images $D/syn_gray.npy --from $D/syn_xy.npy --size 32x24 --frames 3"
mkdir "$T/o" "$T/m"
TO="timeout -s KILL 20"

# reading: a FIFO named in a manifest, a FIFO at a frame path under --resume
"$AP" render $G -o "$T/m/a.png" && mkfifo "$T/m/b.png"
printf 'path,x,y\na.png,0,0\nb.png,1,1\n' > "$T/m/manifest.csv"
expect_err "a FIFO in a manifest" 1 "atlasplot: manifest '$T/m/manifest.csv' line 3: images '$T/m/b.png': not a regular file" \
	$TO "$AP" render --manifest "$T/m/manifest.csv" --size 32x24 -o "$T/o/x.png"
check "nothing written" test -z "$(ls -A "$T/o")"
check "frames for --resume" "$AP" animate $A -o "$T/o/f_%d.png"
rm "$T/o/f_1.png" && mkfifo "$T/o/f_1.png"
expect_err "a FIFO at a frame under --resume" 1 "atlasplot: output '$T/o/f_1.png': not a regular file (a device or FIFO is not replaced)" \
	$TO "$AP" animate $A --resume -o "$T/o/f_%d.png"
check "the FIFO is still a FIFO" test -p "$T/o/f_1.png"
rm -f "$T/o/"*

# writing: a device, a symlink to one, a FIFO
ln -s /dev/full "$T/o/full.png"
expect_err "-o a symlink to /dev/full" 1 "atlasplot: output '$T/o/full.png': not a regular file (a device or FIFO is not replaced)" \
	$TO "$AP" render $G -o "$T/o/full.png"
check "the symlink is still a symlink to the device" test -L "$T/o/full.png" -a -c "$T/o/full.png"
mkfifo "$T/o/p.png"
expect_err "-o a FIFO" 1 "atlasplot: output '$T/o/p.png': not a regular file (a device or FIFO is not replaced)" \
	$TO "$AP" render $G -o "$T/o/p.png"
check "the FIFO is still a FIFO" test -p "$T/o/p.png"
check "no temporary left" test "$(ls -A "$T/o" | grep -c tmp)" = 0
done_tests
