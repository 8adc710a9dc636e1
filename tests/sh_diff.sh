#!/bin/sh
# atlasplot diff: exit codes, report lines, diff images, colour types, corrupt files,
# folder mode (missing/extra/alternates), JSON, options. Test PNGs are made with PIL.
. "$(dirname "$0")/setup"
PY=${PY:-/usr/bin/python3}
if ! "$PY" -c 'import PIL' 2>/dev/null; then
	bad "needs $PY with PIL to make test images (set PY=)"
	done_tests
	exit
fi

cat >"$T/mk.py" <<'EOF'
# mk.py PATH MODE W H [X,Y,V...]...: a W×H image of MODE (L, LA, RGB, RGBA) filled with
# one colour, with the listed pixels set.
import sys
from PIL import Image
path, mode, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fill = {'L': (40,), 'LA': (40, 255), 'RGB': (40, 80, 120), 'RGBA': (40, 80, 120, 255)}[mode]
im = Image.new(mode, (w, h), fill if len(fill) > 1 else fill[0])
for spec in sys.argv[5:]:
    x, y, *v = map(int, spec.split(','))
    im.putpixel((x, y), tuple(v) if len(v) > 1 else v[0])
im.save(path)
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
mk() { "$PY" "$T/mk.py" "$@"; }
px() { "$PY" "$T/px.py" "$@"; }
# run CMD...: stdout to $T/out, stderr to $T/err, exit code in $rc
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }
# has DESC PATTERN: $T/out matches the grep -E pattern
has() { if grep -Eq -- "$2" "$T/out"; then ok; else bad "$1: no '$2' in: $(cat "$T/out")"; fi; }
rc_is() { if [ "$rc" = "$2" ]; then ok; else bad "$1: rc=$rc, want $2; $(cat "$T/out" "$T/err")"; fi; }
same() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }

# --- files ---
mk "$T/e.png" RGB 8 6
mk "$T/same.png" RGB 8 6
mk "$T/one.png" RGB 8 6 3,2,40,80,200
mk "$T/near.png" RGB 8 6 3,2,41,81,120

run "$AP" diff "$T/e.png" "$T/same.png"
rc_is "identical" 0
has "identical line" "^PASS $T/same.png: 8x6, 48 px compared, 0 over tolerance, 0 within tolerance, max diff 0, rms 0.000, psnr inf dB$"

run "$AP" diff "$T/e.png" "$T/near.png"
rc_is "within tolerance 2" 0
has "within line" "^PASS .*: 8x6, 48 px compared, 0 over tolerance, 1 within tolerance, max diff 1,"
run "$AP" diff "$T/e.png" "$T/near.png" --tolerance 0
rc_is "tolerance 0" 1

run "$AP" diff "$T/e.png" "$T/one.png" --out "$T/d.png"
rc_is "one pixel" 1
has "one pixel line" "^FAIL $T/one.png: 8x6, 48 px compared, 1 over tolerance, 0 within tolerance, max diff 80, rms 5.774, psnr 32.90 dB; first at \(3,2\): expected 40,80,120,255, actual 40,80,200,255; diff $T/d.png$"
check "diff image written" test -f "$T/d.png"
same "diff red at the pixel" "$(px "$T/d.png" 3 2)" "255,0,0,255"
# luminance of 40,80,120 is 72.6, faded 70% toward white: 200
same "diff grey elsewhere" "$(px "$T/d.png" 0 0)" "200,200,200,255"
same "diff size" "$(px "$T/d.png")" "8x6"
check "no temp files left" sh -c "! ls -A '$T' | grep -q '\.tmp$'"

run "$AP" diff "$T/e.png" "$T/one.png" -o "$T/sbs.png" --side-by-side
rc_is "side by side" 1
same "side-by-side size" "$(px "$T/sbs.png")" "24x6"
same "side-by-side expected" "$(px "$T/sbs.png" 3 2)" "40,80,120,255"
same "side-by-side actual" "$(px "$T/sbs.png" 11 2)" "40,80,200,255"
same "side-by-side diff" "$(px "$T/sbs.png" 19 2)" "255,0,0,255"

rm -f "$T/d.png"
run "$AP" diff "$T/e.png" "$T/same.png" --out "$T/d.png"
check "no diff image for a pass" test ! -e "$T/d.png"

run "$AP" diff "$T/e.png" "$T/one.png" --max-pixels 1
rc_is "max-pixels 1" 0
has "allowed shown" "1 over tolerance \(allowed 1\)"
run "$AP" diff "$T/e.png" "$T/one.png" --max-pixels 2%
rc_is "max-pixels 2% of 48 = 0" 1
run "$AP" diff "$T/e.png" "$T/one.png" --max-pixels 2.1%
rc_is "max-pixels 2.1% of 48 = 1" 0
run "$AP" diff "$T/e.png" "$T/one.png" --max-pixels 1 --max-rms 5
rc_is "max-rms 5 < 5.774" 1
has "max-rms shown" "rms 5.774 \(max 5\)"

run "$AP" diff "$T/e.png" "$T/one.png" -q
rc_is "quiet fail" 1
has "quiet shows failures" "^FAIL "
run "$AP" diff "$T/e.png" "$T/same.png" -q
same "quiet pass prints nothing" "$(cat "$T/out")" ""

# ACTUAL a folder: ACTUAL/NAME
mkdir "$T/actdir"
cp "$T/same.png" "$T/actdir/e.png"
run "$AP" diff "$T/e.png" "$T/actdir"
rc_is "file against folder" 0
has "file against folder line" "^PASS $T/actdir/e.png: "

# --- sizes and colour types ---
mk "$T/small.png" RGB 8 5
run "$AP" diff "$T/e.png" "$T/small.png"
rc_is "size mismatch" 1
has "size line" "^FAIL $T/small.png: size 8x5, expected 8x6$"

mk "$T/rgba.png" RGBA 8 6
run "$AP" diff "$T/e.png" "$T/rgba.png"
rc_is "RGB vs RGBA, same pixels" 0
has "type noted" "^PASS .*, type RGBA, expected RGB$"
mk "$T/rgba1.png" RGBA 8 6 1,1,40,80,120,0
run "$AP" diff "$T/e.png" "$T/rgba1.png"
rc_is "RGB vs RGBA, alpha differs" 1
has "type noted on failure" "^FAIL .*, type RGBA, expected RGB; first at \(1,1\): expected 40,80,120,255, actual 40,80,120,0$"
mk "$T/gray.png" L 8 6
"$PY" -c "from PIL import Image; Image.new('RGB', (8, 6), (40, 40, 40)).save('$T/grayrgb.png')"
run "$AP" diff "$T/gray.png" "$T/grayrgb.png"
rc_is "gray vs RGB" 0
has "gray type" ", type RGB, expected gray$"

# --- errors ---
printf 'not a png\n' >"$T/bad.png"
expect_err "corrupt actual" 2 "atlasplot: png '$T/bad.png': not a PNG file" "$AP" diff "$T/e.png" "$T/bad.png"
expect_err "corrupt expected" 2 "atlasplot: png '$T/bad.png': not a PNG file" "$AP" diff "$T/bad.png" "$T/e.png"
head -c 60 "$T/e.png" >"$T/cut.png"
expect_err "truncated" 2 "atlasplot: png '$T/cut.png': truncated file" "$AP" diff "$T/e.png" "$T/cut.png"
expect_err "missing" 2 "atlasplot: png '$T/nope.png': No such file or directory" "$AP" diff "$T/nope.png" "$T/e.png"
expect_err "diff into a missing folder" 2 "atlasplot: output '$T/no/d.png': No such file or directory" \
	"$AP" diff "$T/e.png" "$T/one.png" -o "$T/no/d.png"
expect_err "unknown option" 2 "atlasplot: unknown option '--bogus' (see 'atlasplot diff --help')" \
	"$AP" diff --bogus "$T/e.png" "$T/e.png"
expect_err "one argument" 2 "atlasplot: diff: expected EXPECTED and ACTUAL (see 'atlasplot diff --help')" \
	"$AP" diff "$T/e.png"
expect_err "tolerance range" 2 "atlasplot: --tolerance '300': expected an integer 0-255 (see 'atlasplot diff --help')" \
	"$AP" diff -t 300 "$T/e.png" "$T/e.png"
expect_err "max-pixels syntax" 2 "atlasplot: --max-pixels '5x': expected a pixel count or a percentage like 0.5% (see 'atlasplot diff --help')" \
	"$AP" diff --max-pixels 5x "$T/e.png" "$T/e.png"
expect_err "max-rms syntax" 2 "atlasplot: --max-rms '-1': expected a number >= 0 (see 'atlasplot diff --help')" \
	"$AP" diff --max-rms -1 "$T/e.png" "$T/e.png"
expect_err "folder vs file" 2 "atlasplot: diff: '$T/actdir' is a folder but '$T/e.png' is not (see 'atlasplot diff --help')" \
	"$AP" diff "$T/actdir" "$T/e.png"

run "$AP" diff --help
rc_is "help" 0
has "help shows defaults" "default 2"
has "help shows examples" "^examples:"

# --- alternates ---
mkdir "$T/alt"
mk "$T/alt/a.png" RGB 8 6
mk "$T/alt/a.1.png" RGB 8 6 0,0,200,200,200
mk "$T/alt/a.2.png" RGB 8 6 0,0,90,90,90
mk "$T/x.png" RGB 8 6 0,0,90,90,90
run "$AP" diff "$T/alt/a.png" "$T/x.png"
rc_is "file mode alternate" 0
has "alternate matched" "^PASS $T/x.png: .*, matched a.2.png$"
run "$AP" diff "$T/alt/a.png" "$T/same.png"
has "primary matched" "^PASS .*, matched a.png$"
mk "$T/y.png" RGB 8 6 0,0,91,91,91 5,5,0,0,0
run "$AP" diff "$T/alt/a.png" "$T/y.png"
rc_is "no alternate matches" 1
has "closest named" "^FAIL $T/y.png: .* 1 over tolerance, 1 within tolerance, .*, closest a.2.png; first at \(5,5\)"

# --- folders ---
mkdir "$T/exp" "$T/act"
mk "$T/exp/a.png" RGB 8 6
mk "$T/exp/a.1.png" RGB 8 6 2,2,0,0,0
mk "$T/exp/b.png" RGB 8 6
mk "$T/exp/c.png" RGB 8 6
mk "$T/exp/z.3.png" RGB 8 6
mk "$T/act/a.png" RGB 8 6 2,2,0,0,0
mk "$T/act/b.png" RGB 8 6 4,1,255,255,255
mk "$T/act/d.png" RGB 8 6
mk "$T/act/z.3.png" RGB 8 6
run "$AP" diff "$T/exp" "$T/act" --out "$T/dd"
rc_is "folders" 1
has "alternate in folder" "^PASS a.png: .*, matched a.1.png$"
has "changed in folder" "^FAIL b.png: .* 1 over tolerance.*; first at \(4,1\): .*; diff $T/dd/b_diff.png$"
has "missing" "^FAIL c.png: missing in actual$"
has "extra" "^FAIL d.png: extra in actual$"
has "z.3.png has no z.png: a test of its own" "^PASS z.3.png: "
has "summary" "^summary: 5 images, 2 passed, 3 failed$"
same "lines in name order" "$(cut -d' ' -f2 "$T/out" | tr '\n' ' ')" "a.png: b.png: c.png: d.png: z.3.png: 5 "
same "only the failure's diff image" "$(ls "$T/dd")" "b_diff.png"
same "folder diff red" "$(px "$T/dd/b_diff.png" 4 1)" "255,0,0,255"

cp "$T/exp/a.1.png" "$T/act/a.1.png"
run "$AP" diff "$T/exp" "$T/act" -q
has "an alternate's name in actual is extra" "^FAIL a.1.png: extra in actual$"
rm "$T/act/a.1.png"

printf 'junk' >"$T/act/c.png"
run "$AP" diff "$T/exp" "$T/act"
rc_is "corrupt file in folder mode" 2
same "corrupt file error" "$(cat "$T/err")" "atlasplot: png '$T/act/c.png': not a PNG file"
has "others still compared" "^FAIL b.png: "
has "summary counts the error" "^summary: 5 images, 2 passed, 2 failed, 1 errors$"
rm "$T/act/c.png"

run "$AP" diff "$T/exp" "$T/act" --json
rc_is "json" 1
check "json lines" "$PY" -c "
import json, sys
recs = [json.loads(l) for l in open('$T/out')]
by = {r['name']: r for r in recs}
assert [r['name'] for r in recs] == ['a.png', 'b.png', 'c.png', 'd.png', 'z.3.png'], recs
assert by['a.png']['status'] == 'pass' and by['a.png']['baseline'].endswith('a.1.png')
assert by['a.png']['psnr'] is None and by['a.png']['alternates'] == 1
b = by['b.png']
assert b['status'] == 'fail' and b['over'] == 1 and b['max_diff'] == 215, b
assert b['first'] == {'x': 4, 'y': 1, 'expected': [40, 80, 120, 255], 'actual': [255, 255, 255, 255]}, b
assert by['c.png'] == {'name': 'c.png', 'status': 'fail', 'reason': 'missing in actual'}
assert by['d.png']['reason'] == 'extra in actual'
"

# One lister for diff and --images DIR/: extensions in any case, so A.PNG is compared.
mkdir "$T/uexp" "$T/uact"
mk "$T/uexp/A.PNG" RGB 8 6
mk "$T/uexp/b.png" RGB 8 6
mk "$T/uact/A.PNG" RGB 8 6 1,1,255,255,255
mk "$T/uact/b.png" RGB 8 6
run "$AP" diff "$T/uexp" "$T/uact"
rc_is "upper-case extension" 1
has "A.PNG compared" "^FAIL A.PNG: .* 1 over tolerance"
has "upper-case summary" "^summary: 2 images, 1 passed, 1 failed$"
rm "$T/uact/A.PNG"
run "$AP" diff "$T/uexp" "$T/uact"
has "A.PNG missing" "^FAIL A.PNG: missing in actual$"

# --- anti-aliasing ---
# A vertical edge whose anti-aliased column differs between the two renderings.
"$PY" - "$T" <<'EOF'
import sys
from PIL import Image
for name, v in (('aa_e.png', 64), ('aa_a.png', 192)):
    im = Image.new('RGB', (12, 8), (0, 0, 0))
    for y in range(8):
        im.putpixel((5, y), (v, v, v))
        for x in range(6, 12):
            im.putpixel((x, y), (255, 255, 255))
    im.save(sys.argv[1] + '/' + name)
EOF
run "$AP" diff "$T/aa_e.png" "$T/aa_a.png"
rc_is "aa off" 1
has "aa off counts" " 8 over tolerance,"
run "$AP" diff "$T/aa_e.png" "$T/aa_a.png" --aa -o "$T/aa_d.png"
rc_is "aa on" 0
has "aa on counts" " 0 over tolerance, 0 within tolerance, 8 aa,"
check "no diff image when aa passes" test ! -e "$T/aa_d.png"

done_tests
