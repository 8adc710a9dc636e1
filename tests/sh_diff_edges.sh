#!/bin/sh
# diff's edges: nothing to compare, names JSON cannot hold raw, a diff image naming an
# input, FIFOs, broken links (in diff folders and in --images folders).
. tests/setup
PY=/usr/bin/python3
mkdir "$T/e" "$T/a" "$T/empty1" "$T/empty2" "$T/junk"
$PY - "$T" <<'PYEOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(v): return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 0, 0, 0, 0)) +
                    chunk(b'IDAT', zlib.compress((b'\0' + bytes([v]) * 4) * 4)) + chunk(b'IEND', b''))
t = sys.argv[1].encode()
for name in (b'x.png', b'caf\xe9.png', b'tab\there.png', b'nl\nq"\\.png', 'ok\u00e9.png'.encode()):
    open(t + b'/e/' + name, 'wb').write(png(0))
    open(t + b'/a/' + name, 'wb').write(png(200))
open(t + b'/junk/notes.txt', 'w').write('hi')
PYEOF

# comparing nothing is an error unless asked for
expect_err "two empty folders" 2 \
	"atlasplot: folder '$T/empty1': no PNG files to compare (nor in '$T/empty2'; --allow-empty to pass)" \
	"$AP" diff "$T/empty1" "$T/empty2"
expect_err "a folder of non-images" 2 \
	"atlasplot: folder '$T/junk': no PNG files to compare (nor in '$T/empty2'; --allow-empty to pass)" \
	"$AP" diff "$T/junk" "$T/empty2"
check "--allow-empty passes" "$AP" diff --allow-empty "$T/empty1" "$T/empty2"

# --json parses whatever the names hold (Latin-1 bytes, a tab, a newline, quotes)
"$AP" diff --json "$T/e" "$T/a" > "$T/json" 2>/dev/null
check "json lines parse" $PY -c 'import json, sys
n = 0
for line in open(sys.argv[1], "rb").read().decode("utf-8").splitlines():
    json.loads(line); n += 1
assert n == 5, n' "$T/json"
check "json keeps UTF-8, escapes the rest" $PY -c 'import json, sys
names = sorted(json.loads(l)["name"] for l in open(sys.argv[1], encoding="utf-8"))
assert names == sorted(["x.png", "caf\u00e9.png", "tab\there.png", "nl\nq\"\\.png", "ok\u00e9.png"]), names' "$T/json"

# a diff image never replaces an input: same path, another spelling, a link
cp "$T/e/x.png" "$T/keep.png"
expect_err "-o is EXPECTED" 2 "atlasplot: output '$T/e/../e/x.png': is the expected image '$T/e/x.png'; not overwriting it" \
	"$AP" diff -q "$T/e/x.png" "$T/a/x.png" -o "$T/e/../e/x.png"
ln -s "$T/a/x.png" "$T/link.png"
expect_err "-o links to ACTUAL" 2 "atlasplot: output '$T/link.png': is the actual image '$T/a/x.png'; not overwriting it" \
	"$AP" diff -q "$T/e/x.png" "$T/a/x.png" -o "$T/link.png"
check "expected untouched" cmp -s "$T/e/x.png" "$T/keep.png"

# a FIFO as an image is an error at once, not a read that waits; in a folder it is not
# an image file (left out like other non-regular files: nothing in it can be compared)
mkfifo "$T/fifo.png"
expect_err "FIFO as ACTUAL" 2 "atlasplot: png '$T/fifo.png': not a regular file (a FIFO, socket or device)" \
	timeout 10 "$AP" diff "$T/e/x.png" "$T/fifo.png"
mkdir "$T/fe" "$T/fa"
cp "$T/e/x.png" "$T/fe/" && cp "$T/e/x.png" "$T/fa/"
mkfifo "$T/fe/p.png" "$T/fa/p.png"
check "FIFOs in folders are left out" timeout 10 "$AP" diff -q "$T/fe" "$T/fa"

# broken and looping links are named
ln -s nowhere.png "$T/fe/b.png"
expect_err "broken link in a diff folder" 2 "atlasplot: folder '$T/fe': 'b.png' is a broken link: no such file or directory" \
	"$AP" diff "$T/fe" "$T/fa"
mkdir "$T/imgs"
cp "$T/e/x.png" "$T/imgs/a.png"
ln -s loop.png "$T/imgs/loop.png"
printf 'x,y\n0,0\n' > "$T/one.csv"
expect_err "looping link in --images" 1 "atlasplot: images '$T/imgs/loop.png': broken link: too many levels of symbolic links" \
	"$AP" render --images "$T/imgs/" --layout "$T/one.csv" -o "$T/o.png"
rm "$T/imgs/loop.png"
ln -s gone.png "$T/imgs/b.png"
expect_err "broken link in --images" 1 "atlasplot: images '$T/imgs/b.png': broken link: no such file or directory" \
	"$AP" render --images "$T/imgs/" --layout "$T/one.csv" -o "$T/o.png"
done_tests
