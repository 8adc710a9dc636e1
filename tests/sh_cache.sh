#!/bin/sh
# --cache DIR and `atlasplot cache`: frames identical with an empty cache, a warm one and
# none; an entry truncated, with a byte flipped, of another version, or made for other
# images is rebuilt with one warning and the same pixels; shards racing on an empty
# cache (GNU parallel) leave one valid entry and identical frames.
. "$(dirname "$0")/setup"
D=tests/data
cp $D/syn_gray.npy "$T/imgs.npy"
G="--images $T/imgs.npy --layout $D/syn_xy.npy --size 160x120 --sprite 6"
C=$T/c
same() { "$AP" diff --tolerance 0 "$1" "$2" >/dev/null; }
entry() { ls "$C"/*.apc; }

check "render without a cache" "$AP" render $G -o "$T/none.png"
"$AP" render $G --cache "$C" -o "$T/cold.png" -v 2>"$T/err"; rc=$?
check "render with an empty cache" test "$rc" = 0
check "  it says there was no entry" grep -q "cache: no entry" "$T/err"
check "  and writes one" grep -q "cache: wrote" "$T/err"
check "  one entry" test "$(ls "$C" | wc -l)" = 1
"$AP" render $G --cache "$C" -o "$T/warm.png" -v 2>"$T/err"; rc=$?
check "render with the warm cache" test "$rc" = 0
check "  the atlas comes from the cache" grep -q "from the cache" "$T/err"
check "  and nothing is written" sh -c "! grep -q 'cache: wrote' '$T/err'"
check "cold = none, pixel for pixel" same "$T/none.png" "$T/cold.png"
check "warm = none, pixel for pixel" same "$T/none.png" "$T/warm.png"
ATLASPLOT_CACHE=$C "$AP" render $G -o "$T/env.png" -v 2>"$T/err"
check "ATLASPLOT_CACHE is --cache" grep -q "from the cache" "$T/err"
check "  same pixels" same "$T/none.png" "$T/env.png"
check "cache --list: ok" sh -c "'$AP' cache --list '$C' | grep -q '^[0-9a-f]\{16\}\.apc .* version 2  ok$'"

# an animation: every frame the same with and without
check "animate without a cache" "$AP" animate --images "$T/imgs.npy" --from $D/syn_xy.npy --to $D/syn_xy_b.npy \
	--frames 4 --size 96x64 -o "$T/an_%d.png"
for k in 1 2; do
	check "animate with the cache ($k)" "$AP" animate --images "$T/imgs.npy" --from $D/syn_xy.npy --to $D/syn_xy_b.npy \
		--frames 4 --size 96x64 --cache "$C" -o "$T/ac${k}_%d.png"
done
for f in 0 1 2 3; do
	check "animate frame $f, cold and warm" sh -c "'$AP' diff --tolerance 0 '$T/an_$f.png' '$T/ac1_$f.png' >/dev/null &&
		'$AP' diff --tolerance 0 '$T/an_$f.png' '$T/ac2_$f.png' >/dev/null"
done

# damaged entries: one warning, rebuilt, same pixels; the rebuilt entry is used again
E=$(entry)
size=$(wc -c <"$E")
damage() {   # DESC WANT_TEXT COMMAND...: damage the entry, render, check the warning
	d=$1 want=$2; shift 2
	"$@"
	"$AP" render $G --cache "$C" -o "$T/d.png" 2>"$T/err"; rc=$?
	check "$d: renders" test "$rc" = 0
	check "$d: one line on stderr" test "$(wc -l <"$T/err")" = 1
	check "$d: says '$want'" grep -qF "atlasplot: warning: cache '$E': $want; building it again" "$T/err"
	check "$d: same pixels" same "$T/none.png" "$T/d.png"
	"$AP" render $G --cache "$C" -o "$T/d2.png" -v 2>"$T/err"
	check "$d: rebuilt entry used next" grep -q "from the cache" "$T/err"
}
damage "truncated" "truncated ($((size / 2)) bytes, expected $size)" truncate -s $((size / 2)) "$E"
damage "a byte flipped" "corrupt (a section's checksum does not match)" \
	python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(4096+77); b=f.read(1); f.seek(4096+77); f.write(bytes([b[0]^1]))" "$E"
damage "a header byte flipped" "its header is corrupt" \
	python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(40); b=f.read(1); f.seek(40); f.write(bytes([b[0]^1]))" "$E"
damage "another version" "made by another version of the format (99, this is 2)" \
	python3 -c "import sys,struct; f=open(sys.argv[1],'r+b'); f.seek(8); f.write(struct.pack('<I',99))" "$E"
damage "not an entry" "not a cache entry" sh -c "echo hello >'$E'"

# one image changed: the entry is not reused
python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(-5,2); b=f.read(1); f.seek(-5,2); f.write(bytes([b[0]^255]))" "$T/imgs.npy"
"$AP" render $G -o "$T/chg_none.png"
"$AP" render $G --cache "$C" -o "$T/chg.png" 2>"$T/err"
check "a changed image: the entry is not reused" grep -qF "cache '$E': made for other inputs or options; building it again" "$T/err"
check "  pixels of the changed images" same "$T/chg_none.png" "$T/chg.png"
check "  and they differ from before" sh -c "! '$AP' diff --tolerance 0 '$T/none.png' '$T/chg.png' >/dev/null 2>&1"
"$AP" render $G --cache "$C" --threshold 0.3 -o "$T/thr.png" 2>"$T/err"
check "another threshold: not reused either" grep -qF "made for other inputs or options" "$T/err"

# shards at once on an empty cache: one valid entry, identical frames
if command -v parallel >/dev/null 2>&1; then
	C2=$T/c2
	parallel -j 4 "'$AP' render $G --cache '$C2' -o '$T/p{}.png'" ::: 1 2 3 4
	check "4 shards at once succeed" test -s "$T/p1.png" -a -s "$T/p4.png"
	for k in 1 2 3 4; do
		check "shard $k: same pixels" same "$T/chg_none.png" "$T/p$k.png"
	done
	check "one entry, valid" sh -c "'$AP' cache --list '$C2' | grep -c '  ok$' | grep -qx 1"
	check "no temporaries left" test "$(ls -A "$C2" | wc -l)" = 1
	parallel -j 4 "'$AP' render $G --cache '$C2' -o '$T/q{}.png' -v 2>'$T/q{}.err'" ::: 1 2 3 4
	check "4 shards at once map it" test "$(cat "$T"/q?.err | grep -c 'from the cache')" = 4
else
	for k in 1 2 3 4 5 6 7 8; do ok; done
fi

# a file over --max-memory: the reader's error, as without the cache (the cap is no part
# of what the entry knows)
cp $D/syn_gray.npy "$T/cap.npy"
"$AP" render --images "$T/cap.npy" --layout $D/syn_xy.npy --size 64x48 --cache "$T/c5" -o "$T/cap.png" 2>/dev/null
"$AP" render --images "$T/cap.npy" --layout $D/syn_xy.npy --size 64x48 --cache "$T/c5" -o "$T/cap2.png" -v 2>"$T/err"
check "a known file" grep -q "no image read" "$T/err"
expect_err "  over --max-memory: refused as without the cache" 1 \
	"atlasplot: images '$T/cap.npy': too large: over the limit of 4096 bytes (file is $(wc -c <"$T/cap.npy") bytes)" \
	"$AP" render --images "$T/cap.npy" --layout $D/syn_xy.npy --size 64x48 --cache "$T/c5" --max-memory 4K -o "$T/cap3.png"

# a folder of photos: the second run decodes none of them (new files, they are read and
# hashed, not decoded), draws the same frame and gives the same skip warning; a GL
# backend and legend images read them after all, with the same pixels
mkdir -p "$T/ph"
/usr/bin/python3 - "$T/ph" <<'PYEOF'
import sys
from PIL import Image
d = sys.argv[1]
Image.new("RGB", (40, 24), (200, 40, 30)).save(d + "/a.png")
Image.new("RGB", (18, 30), (30, 190, 60)).save(d + "/b.jpg", quality=95)
Image.new("RGBA", (30, 30), (40, 60, 230, 160)).save(d + "/c.png")
open(d + "/d.png", "wb").write(open(d + "/a.png", "rb").read()[:50])
open(d + "/../ph.csv", "w").write("path,x,y,label\nph/a.png,0,0,0\nph/b.jpg,3,1,1\nph/d.png,1,1,1\nph/c.png,6,2,2\n")
PYEOF
printf 'x,y\n0,0\n3,1\n6,2\n' >"$T/ph_lay.csv"
PH="--images $T/ph --layout $T/ph_lay.csv --on-bad-image skip --size 120x80 --sprite 24"
"$AP" render $PH -o "$T/ph_none.png" 2>"$T/ph_err_none"
"$AP" render $PH --cache "$T/c3" -o "$T/ph_cold.png" -v 2>"$T/err"
check "photos: cold = none" same "$T/ph_none.png" "$T/ph_cold.png"
"$AP" render $PH --cache "$T/c3" -o "$T/ph_warm.png" -v 2>"$T/err"
check "photos: warm = none" same "$T/ph_none.png" "$T/ph_warm.png"
check "  no image decoded" grep -q "data set loaded in .* (no image read: the cache knows them)" "$T/err"
check "  each file stated, and hashed: too new to vouch for" \
	grep -q "cache: 4 image file(s) stated against the entry's record, 4 read and hashed" "$T/err"
check "  the atlas from the cache" grep -q "from the cache" "$T/err"
check "  the skip warning as without the cache" test "$(grep warning "$T/err")" = "$(cat "$T/ph_err_none")"
"$AP" render $PH --backend osmesa -o "$T/ph_gl_none.png" 2>/dev/null
"$AP" render $PH --backend osmesa --cache "$T/c3" -o "$T/ph_gl.png" -v 2>"$T/err"
check "photos, osmesa with the cache: the images read after all" grep -q "images read in" "$T/err"
check "  the same pixels as without it" same "$T/ph_gl_none.png" "$T/ph_gl.png"
PM="--manifest $T/ph.csv --on-bad-image skip --size 200x120 --sprite 24 --legend-images"
"$AP" render $PM -o "$T/ph_li_none.png" 2>/dev/null
"$AP" render $PM --cache "$T/c4" -o "$T/ph_li_cold.png" 2>/dev/null
"$AP" render $PM --cache "$T/c4" -o "$T/ph_li.png" -v 2>"$T/err"
check "a manifest with legend images: read for the legend" grep -q "images read in" "$T/err"
check "  the atlas from the cache still" grep -q "from the cache" "$T/err"
check "  the same pixels" same "$T/ph_li_none.png" "$T/ph_li.png"
"$AP" render $PH --threshold 0.3 -o "$T/ph_t_none.png" 2>/dev/null
"$AP" render $PH --threshold 0.3 --cache "$T/c3" -o "$T/ph_t.png" -v 2>"$T/err"
check "known images, another threshold: the entry not reused" grep -q "made for other inputs or options" "$T/err"
check "  the images read to build the atlas" grep -q "images read in" "$T/err"
check "  the same pixels as without the cache" same "$T/ph_t_none.png" "$T/ph_t.png"
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB', (40, 24), (20, 40, 230)).save('$T/ph/a.png')"
"$AP" render $PH -o "$T/ph_chg_none.png" 2>/dev/null
"$AP" render $PH --cache "$T/c3" -o "$T/ph_chg.png" -v 2>"$T/err"
check "a photo changed: decoded again" sh -c "! grep -q 'no image read' '$T/err'"
check "  its new pixels" same "$T/ph_chg_none.png" "$T/ph_chg.png"

# discs without labels take the images' mean colours: a warm run reads the images for them
DC="$T/dots"
"$AP" render $G --dots-below 40 -o "$T/dots_none.png" 2>"$T/err" || bad "dots without a cache: $(cat "$T/err")"
check "dots: cold with a cache" "$AP" render $G --dots-below 40 --cache "$DC" -o "$T/dots_cold.png"
"$AP" render $G --dots-below 40 --cache "$DC" -o "$T/dots_warm.png" -v 2>"$T/err"
check "dots: warm from the entry" grep -q "from the cache" "$T/err"
check "  the mean colours' images read" grep -q "images read in" "$T/err"
check "  the same pixels" same "$T/dots_none.png" "$T/dots_warm.png"

# the command
check "cache --help" sh -c "'$AP' cache --help | grep -q '^usage: atlasplot cache'"
expect_err "cache with no action" 2 "atlasplot: cache: give one of --list DIR or --clear DIR (see 'atlasplot cache --help')" "$AP" cache
expect_err "cache --list of nothing" 1 "atlasplot: cache '$T/nope': cannot list it (No such file or directory)" \
	"$AP" cache --list "$T/nope"
: >"$C/.x.apc.abcdef.tmp"
check "cache --clear" test "$("$AP" cache --clear "$C")" = "removed 2 files"
check "  empty after" test -z "$(ls -A "$C")"
check "cache --list of an empty folder" test "$("$AP" cache --list "$C")" = "0 entries"
expect_err "--cache ''" 2 "atlasplot: --cache '': expected a folder (see 'atlasplot render --help')" "$AP" render $G --cache "" -o "$T/x.png"
done_tests
