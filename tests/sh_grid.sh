#!/bin/sh
# atlasplot grid: a layout on a lattice maps to itself (exact text and numpy's bytes), the
# output as a layout for render (a contact sheet checked tile by tile against the
# images) and animate, determinism, the score line, and each bad input's exact error,
# exit code and nothing written.
. "$(dirname "$0")/setup"
PY=${PY:-/usr/bin/python3}
D=tests/data

check "grid --help shows the defaults" sh -c "'$AP' grid --help | grep -q 'default auto: exact up to' &&
	'$AP' grid --help | grep -q 'at most 16777216 cells' && '$AP' grid --help | grep -q '^examples:'"
check "atlasplot --help lists grid" sh -c "'$AP' --help | grep -q '^  grid '"

# a 4x3 lattice, rows in a shuffled order, scaled and shifted: each point gets its own cell
printf 'x,y,label\n' >"$T/lat.csv"
for p in 5:3 0:0 11:1 7:4 2:2 9:5 4:6 1:7 10:8 3:9 8:0 6:1; do
	i=${p%%:*} l=${p#*:}
	printf '%s,%s,%s\n' "$((i % 4 * 4 + 10))" "$((-(i / 4) * 4 + 50))" "$l" >>"$T/lat.csv"
done
want='x,y,label
1,-1,3
0,0,0
3,-2,1
3,-1,4
2,0,2
1,-2,5
0,-1,6
1,0,7
2,-2,8
3,0,9
0,-2,0
2,-1,1'
for m in exact heuristic; do
	check "lattice, $m" "$AP" grid --layout "$T/lat.csv" --method $m -o "$T/lat_$m.csv"
	check "  each point in its own cell, labels kept" test "$(cat "$T/lat_$m.csv")" = "$want"
done
"$AP" grid --layout "$T/lat.csv" --score -o "$T/lat.npy" >"$T/out" 2>"$T/err"
check "the score of a grid kept as it is: 1, on stdout" test "$(cat "$T/out")" = \
	"score: 1.0000 (share of each point's 10 nearest neighbours in the layout kept among its 10 nearest in the grid)"
check "  nothing on stderr" test ! -s "$T/err"
check "NPY: numpy's own bytes for the same array" "$PY" -c "
import io, sys, numpy as np
rows = [l.split(',') for l in sys.argv[1].splitlines()[1:]]
b = io.BytesIO(); np.save(b, np.array([[float(r[0]), float(r[1])] for r in rows]))
sys.exit(b.getvalue() != open(sys.argv[2], 'rb').read())" "$want" "$T/lat.npy"
"$AP" grid --layout "$T/lat.csv" -v -o "$T/lat2.csv" 2>"$T/err"
check "-v: the grid, method and cost" grep -qx "atlasplot: grid: 12 points on 4x3 cells (0 empty), method exact: cost 0 (0 a point), [0-9.]* s (layout read in [0-9.]* s)" "$T/err"

# a contact sheet: 25 of the synthetic images on their grid of 5x5, rendered with the
# pitch as the sprite (margin 1/8: 4 units padded to 5, 80 px / 5 = 16 px, the images'
# own size), so every tile holds its image exactly and empty cells stay background
"$PY" - "$T" <<'PYEOF' || bad "make the scene"
import sys, numpy as np
t = sys.argv[1]
imgs = np.load('tests/data/syn_gray.npy')[:23]
np.save(t + '/imgs23.npy', imgs)
rng = np.random.default_rng(5)
xy = np.concatenate([rng.normal((0, 0), 1, (12, 2)), rng.normal((6, 2), 0.5, (11, 2))])
np.save(t + '/blobs.npy', xy)
PYEOF
check "grid of the blobs" "$AP" grid --layout "$T/blobs.npy" --cols 5 --rows 5 -o "$T/blobs_grid.csv"
check "render it as a sheet" "$AP" render --images "$T/imgs23.npy" --layout "$T/blobs_grid.csv" --size 80x80 \
	--margin 0.125 --sprite 16 --sprite-growth 1 --alpha opaque -o "$T/sheet.png"
check "  each tile is its image, empty cells black" "$PY" - "$T" <<'PYEOF'
import sys, numpy as np
from PIL import Image
t = sys.argv[1]
imgs = np.load(t + '/imgs23.npy')
sheet = np.asarray(Image.open(t + '/sheet.png').convert('L'))
rows = [l.split(',') for l in open(t + '/blobs_grid.csv').read().splitlines()[1:]]
want = np.zeros((80, 80), np.uint8)
for i, (x, y) in enumerate(rows):
    c, r = int(x), -int(y)
    want[16 * r:16 * r + 16, 16 * c:16 * c + 16] = imgs[i]
sys.exit(not np.array_equal(sheet, want))
PYEOF
check "the sheet's first tile row has images (not all black)" "$PY" -c "
import sys, numpy as np; from PIL import Image
sys.exit(bool(np.asarray(Image.open(sys.argv[1]).convert('L'))[:16].max() == 0))" "$T/sheet.png"
check "animate from the layout to its grid" "$AP" animate --images "$T/imgs23.npy" --from "$T/blobs.npy" \
	--to "$T/blobs_grid.csv" --size 80x80 --margin 0.125 --sprite 16 --sprite-growth 1 --alpha opaque --frames 3 \
	-o "$T/f_%d.png"
check "  the last frame is the sheet, pixel for pixel" "$PY" -c "
import sys, numpy as np; from PIL import Image
a, b = (np.asarray(Image.open(f)) for f in sys.argv[1:])
sys.exit(not np.array_equal(a, b))" "$T/f_2.png" "$T/sheet.png"

# determinism: the same bytes every run, for every method
for m in heuristic random exact; do
	"$AP" grid --layout $D/syn_xy.npy --method $m -o "$T/a_$m.npy" &&
	"$AP" grid --layout $D/syn_xy.npy --method $m -o "$T/b_$m.npy"
	check "$m: the same bytes twice" cmp -s "$T/a_$m.npy" "$T/b_$m.npy"
done
check "random differs from exact" sh -c "! cmp -s '$T/a_random.npy' '$T/a_exact.npy'"
check "the grid renders" "$AP" render --images $D/syn_gray.npy --layout "$T/a_heuristic.npy" --size 64x64 -o "$T/g.png"
"$AP" grid --layout $D/syn_xy.npy --method random --score -o "$T/r.npy" >"$T/out"
"$AP" grid --layout $D/syn_xy.npy --method exact --score -o "$T/e.npy" >"$T/out2"
check "exact keeps more neighbours than random" "$PY" -c "
import sys
s = [float(open(f).read().split()[1]) for f in sys.argv[1:]]
sys.exit(not s[1] > s[0] + 0.2)" "$T/out" "$T/out2"

# errors: one line, the exit code, nothing written
U="(see 'atlasplot grid --help')"
L=$D/syn_xy.npy
mkdir "$T/o"
expect_err "missing layout" 2 "atlasplot: missing --layout FILE $U" "$AP" grid -o "$T/o/g.npy"
expect_err "missing output" 2 "atlasplot: missing -o GRID.npy (or GRID.csv) $U" "$AP" grid --layout $L
expect_err "output not .npy or .csv" 2 "atlasplot: -o '$T/o/g.png': expected a name ending in .npy or .csv $U" \
	"$AP" grid --layout $L -o "$T/o/g.png"
for v in 0 -3 abc 1.5 16777217 99999999999999999999; do
	expect_err "--cols $v" 2 "atlasplot: --cols '$v': expected an integer from 1 to 16777216 $U" \
		"$AP" grid --layout $L --cols "$v" -o "$T/o/g.npy"
done
expect_err "--rows 0" 2 "atlasplot: --rows '0': expected an integer from 1 to 16777216 $U" \
	"$AP" grid --layout $L --rows 0 -o "$T/o/g.npy"
expect_err "a grid over the limit" 2 "atlasplot: grid 5000x5000: more than the limit of 16777216 cells $U" \
	"$AP" grid --layout $L --cols 5000 --rows 5000 -o "$T/o/g.npy"
expect_err "unknown method" 2 "atlasplot: --method 'best': expected auto, exact, heuristic or random $U" \
	"$AP" grid --layout $L --method best -o "$T/o/g.npy"
expect_err "unknown option" 2 "atlasplot: unknown option '--sprite' $U" "$AP" grid --layout $L --sprite 3 -o "$T/o/g.npy"
expect_err "too few cells" 1 "atlasplot: layout '$L': grid 7x9 has 63 cells, fewer than the 64 points" \
	"$AP" grid --layout $L --cols 7 --rows 9 -o "$T/o/g.npy"
check "  one row short is enough room" "$AP" grid --layout $L --cols 8 --rows 8 -o "$T/o/ok.npy"
rm -f "$T/o/ok.npy"
"$PY" -c "
import numpy as np; np.save('$T/big.npy', np.random.default_rng(1).random((4097, 2)))"
expect_err "exact over its limit" 1 "atlasplot: layout '$T/big.npy': method exact: 4097 points by 4160 cells, more than the limit of 16777216 cost entries (the heuristic has no such limit)" \
	"$AP" grid --layout "$T/big.npy" --method exact -o "$T/o/g.npy"
printf 'x,y\n1,2\nnan,3\n' >"$T/nan.csv"
expect_err "NaN in the layout" 1 "atlasplot: layout '$T/nan.csv' line 3: x is not finite (nan)" \
	"$AP" grid --layout "$T/nan.csv" -o "$T/o/g.npy"
expect_err "missing layout file" 1 "atlasplot: layout '$T/none.csv': cannot open: no such file or directory" \
	"$AP" grid --layout "$T/none.csv" -o "$T/o/g.npy"
cp "$T/lat.csv" "$T/o/in.csv"
expect_err "output over the layout" 1 "atlasplot: output '$T/o/in.csv': is the input '$T/o/in.csv'; not overwriting it" \
	"$AP" grid --layout "$T/o/in.csv" -o "$T/o/in.csv"
check "  the layout untouched" cmp -s "$T/o/in.csv" "$T/lat.csv"
ln -s in.csv "$T/o/link.csv"
expect_err "output a link to the layout" 1 "atlasplot: output '$T/o/link.csv': is the input '$T/o/in.csv'; not overwriting it" \
	"$AP" grid --layout "$T/o/in.csv" -o "$T/o/link.csv"
rm "$T/o/link.csv" "$T/o/in.csv"
expect_err "no such folder" 1 "atlasplot: output '$T/none/g.npy': No such file or directory" \
	"$AP" grid --layout $L -o "$T/none/g.npy"
check "nothing left behind by the errors" test -z "$(ls -A "$T/o")"

done_tests
