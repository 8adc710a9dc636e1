#!/bin/sh
# Out-of-range numbers: each refused with one line naming the option, or the file and
# line, before anything is drawn; nothing left behind; no assert, no crash.
. "$(dirname "$0")/setup"
D=tests/data
G="--images $D/syn_gray.npy --layout $D/syn_xy.npy --size 32x24"
A="--images $D/syn_gray.npy --from $D/syn_xy.npy --size 32x24 --frames 3"
mkdir "$T/o"
R="(see 'atlasplot render --help')"
N="(see 'atlasplot animate --help')"
expect_err "zoom 1e300" 2 "atlasplot: --camera '5,5,1e300': zoom must be from 1e-6 to 1e6 $R" "$AP" render $G --camera 5,5,1e300 -o "$T/o/x.png"
expect_err "zoom 1e-300" 2 "atlasplot: --camera '5,5,1e-300': zoom must be from 1e-6 to 1e6 $R" "$AP" render $G --camera 5,5,1e-300 -o "$T/o/x.png"
expect_err "centre 1e300" 2 "atlasplot: --camera '1e300,5,1': centre must be within 1e15 of 0 $R" "$AP" render $G --camera 1e300,5,1 -o "$T/o/x.png"
expect_err "--camera-to far" 2 "atlasplot: --camera-to '1e300,5,1': centre must be within 1e15 of 0 $N" "$AP" animate $A --camera-to 1e300,5,1 -o "$T/o/f_%d.png"
expect_err "--camera-to tiny zoom" 2 "atlasplot: --camera-to '5,5,1e-300': zoom must be from 1e-6 to 1e6 $N" "$AP" animate $A --camera-to 5,5,1e-300 -o "$T/o/f_%d.png"
expect_err "--camera-from huge zoom" 2 "atlasplot: --camera-from '5,5,1e7': zoom must be from 1e-6 to 1e6 $N" "$AP" animate $A --camera-from 5,5,1e7 -o "$T/o/f_%d.png"
expect_err "--sprite 1e20" 2 "atlasplot: --sprite '1e20': at most 65536 pixels $R" "$AP" render $G --sprite 1e20 -o "$T/o/x.png"
expect_err "--sprite-max 1e30" 2 "atlasplot: --sprite-max '1e30': at most 65536 pixels $R" "$AP" render $G --sprite-max 1e30 -o "$T/o/x.png"
expect_err "--highlight-scale 1e12" 2 "atlasplot: --highlight-scale '1e12': at most 100 $R" "$AP" render $G --highlight 1 --highlight-scale 1e12 -o "$T/o/x.png"
check "the bounds themselves are fine" "$AP" render $G --camera 1e15,-1e15,1e6 --sprite 65536 --sprite-max 65536 --highlight 1 --highlight-scale 100 -o "$T/o/ok.png"
check "zoom 1e-6 is fine" "$AP" render $G --camera 0,0,1e-6 -o "$T/o/ok2.png"

printf '1 2 3\n1 2 1e300\n' > "$T/shots.txt"
expect_err "a shot zooming to 1e300" 1 "atlasplot: shots '$T/shots.txt' line 2: camera '1,2,1e300': zoom must be from 1e-6 to 1e6" \
	"$AP" render $G --shots "$T/shots.txt" -o "$T/o/s_%d.png"
printf '0 5 5 1\n1 5 5 1e300\n' > "$T/zoom.txt"
expect_err "a path zooming to 1e300" 1 "atlasplot: path '$T/zoom.txt' line 2: zoom '1e300' must be from 1e-6 to 1e6" \
	"$AP" animate $A --path "$T/zoom.txt" -o "$T/o/f_%d.png"
printf '0 5 5 1\n1e300 5 5 1\n' > "$T/long.txt"
expect_err "a key at time 1e300" 1 "atlasplot: path '$T/long.txt' line 2: time '1e300' must be at most 1e6 seconds" \
	"$AP" animate --images $D/syn_gray.npy --from $D/syn_xy.npy --size 32x24 --path "$T/long.txt" -o "$T/o/f_%d.png"
printf '0 5 5 1\n# long\n1e6 5 5 1\n' > "$T/long2.txt"
expect_err "a key whose time makes too many frames names the file and line" 2 \
	"atlasplot: path '$T/long2.txt' line 3: time 1e+06 at --fps 30: more than 10000000 frames $N" \
	"$AP" animate --images $D/syn_gray.npy --from $D/syn_xy.npy --size 32x24 --path "$T/long2.txt" -o "$T/o/f_%d.png"

{ echo x,y; echo 1e308,0; echo -1e308,1; i=3; while [ $i -le 64 ]; do echo $i,$i; i=$((i + 1)); done; } > "$T/far.csv"
expect_err "layout at 1e308" 1 "atlasplot: layout '$T/far.csv' line 2: x 1e+308 is beyond 1e15 in magnitude" \
	"$AP" render --images $D/syn_gray.npy --layout "$T/far.csv" --size 32x24 -o "$T/o/x.png"
{ echo x,y,label; echo 0,0,2147483647; i=2; while [ $i -le 64 ]; do echo $i,$i,1; i=$((i + 1)); done; } > "$T/lab.csv"
check "info on a label of 2147483647" sh -c "'$AP' info --images $D/syn_gray.npy --layout '$T/lab.csv' | grep -q '^labels:   2147483648 classes: 0:0 1:63 '"
check "render with a label of 2147483647" "$AP" render --images $D/syn_gray.npy --layout "$T/lab.csv" --color-by label --size 32x24 -o "$T/o/lab.png"
check "nothing else left" test "$(ls -A "$T/o")" = "$(printf 'lab.png\nok.png\nok2.png')"
done_tests
