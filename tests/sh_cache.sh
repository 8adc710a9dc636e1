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
