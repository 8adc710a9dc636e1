#!/bin/sh
# --max-memory covers what is read and decoded, before it is allocated: small hostile
# files (tests/bombs.py) must fail, or succeed, without their peak memory (KB, from
# /usr/bin/time) growing past the limit.
. tests/setup
PY=/usr/bin/python3
# under KB DESC RC 'STDERR' CMD...: expect_err, and the peak resident size below KB
under() {
	kb=$1 d=$2; shift 2
	rc=$1 msg=$2; shift 2
	expect_err "$d" "$rc" "$msg" /usr/bin/time -o "$T/peak" -f %M "$@"
	peak=$(tail -n 1 "$T/peak")
	if [ "$peak" -lt "$kb" ]; then ok; else bad "$d: peak $peak KB, want under $kb KB"; fi
}
printf 'x,y\n0,0\n' > "$T/one.csv"
mkdir "$T/big" "$T/text" "$T/jpeg"
$PY tests/bombs.py png_big "$T/big/a.png"
$PY tests/bombs.py png_text "$T/text/a.png"
$PY tests/bombs.py jpeg_prog "$T/jpeg/a.jpg"

# 16384x16384 gray in 255 KB: refused by its header under the limit, and streamed
# through the scaler (a row at a time, not 1 GiB) when allowed
under 20000 "png bomb over the limit" 1 \
	"atlasplot: images '$T/big/a.png': image 16384x16384 is too large: decoding needs more than the limit of 268435456 bytes" \
	"$AP" render --images "$T/big/" --layout "$T/one.csv" --max-memory 256M -o "$T/o.png"
under 100000 "png bomb within the limit streams" 0 "" \
	"$AP" render --images "$T/big/" --layout "$T/one.csv" --size 64x64 -o "$T/o.png"
# diff compares row by row: two such bombs (2 GiB decoded) cost a few rows; a diff
# image, held whole to be written, must fit --max-memory
cp "$T/big/a.png" "$T/big_same.png"
$PY tests/bombs.py png_big_grey "$T/big_grey.png"
under 20000 "diff of two png bombs streams" 0 "" \
	"$AP" diff "$T/big/a.png" "$T/big_same.png" -q
under 20000 "diff image of png bombs over the limit" 2 \
	"atlasplot: output '$T/d.png': a 16384x16384 diff image needs 1073741824 bytes, more than the limit of 268435456 bytes (--max-memory)" \
	"$AP" diff "$T/big/a.png" "$T/big_grey.png" --max-memory 256M -q -o "$T/d.png"
check "no diff image over the limit" test ! -e "$T/d.png"
# a tEXt chunk claiming 1 GiB is skipped, not allocated
under 20000 "png text chunk bomb" 1 "atlasplot: images '$T/text/a.png': truncated file" \
	"$AP" render --images "$T/text/" --layout "$T/one.csv" --max-memory 256M -o "$T/o.png"
# a progressive JPEG's coefficients (128 MB) against a 64 MiB limit
under 20000 "progressive jpeg bomb" 1 \
	"atlasplot: images '$T/jpeg/a.jpg': image 8000x8000 is too large: decoding needs more than the limit of 67108864 bytes" \
	"$AP" render --images "$T/jpeg/" --layout "$T/one.csv" --max-memory 64M -o "$T/o.png"
# a folder's working set: 40 images in 1024x1024 cells is 160 MiB, refused before decoding
mkdir "$T/many"
$PY - "$T/many" <<'PYEOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
side = 1024
z = zlib.compress(b''.join(b'\0' + bytes((x * 7) & 255 for x in range(side)) for _ in range(side)), 9)
p = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', side, side, 8, 0, 0, 0, 0)) + chunk(b'IDAT', z) + chunk(b'IEND', b'')
for i in range(40):
    open('%s/%03d.png' % (sys.argv[1], i), 'wb').write(p)
PYEOF
under 20000 "folder working set over the limit" 1 \
	"atlasplot: images '$T/many/': too large: 40 images in 1024x1024 cells need more than the limit of 67108864 bytes" \
	"$AP" render --images "$T/many/" --layout "$T/one.csv" --cell 1024 --max-memory 64M -o "$T/o.png"
# sizes come from the headers before any decoding: 40 images of 28x28 need 28x28 cells,
# not 1024x1024 ones (they are never upscaled), so they fit the 64M that 1024-pixel
# cells would not
mkdir "$T/small"
$PY - "$T/small" <<'PYEOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
z = zlib.compress(b''.join(b'\0' + bytes((x * 9 + y) & 255 for x in range(28)) for y in range(28)), 9)
p = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 28, 28, 8, 0, 0, 0, 0)) + chunk(b'IDAT', z) + chunk(b'IEND', b'')
for i in range(40):
    open('%s/%03d.png' % (sys.argv[1], i), 'wb').write(p)
PYEOF
/usr/bin/python3 -c "print('x,y'); [print('%d,%d' % (i, i % 7)) for i in range(40)]" > "$T/forty.csv"
under 40000 "small images in a large cell, sized by their headers" 0 "" \
	"$AP" render --images "$T/small/" --layout "$T/forty.csv" --cell 1024 --max-memory 64M --size 64x64 -o "$T/o.png"
# and a file too large to decode is refused before the others are decoded: the bomb's
# error, not the broken file's that comes first
mkdir "$T/mixed"
head -c 40 "$T/small/000.png" > "$T/mixed/a.png"
cp "$T/big/a.png" "$T/mixed/z.png"
under 20000 "a bomb in a folder refused before decoding" 1 \
	"atlasplot: images '$T/mixed/z.png': image 16384x16384 is too large: decoding needs more than the limit of 268435456 bytes" \
	"$AP" render --images "$T/mixed/" --layout "$T/one.csv" --max-memory 256M -o "$T/o.png"
printf 'path,x,y\nmixed/a.png,0,0\nbig/a.png,1,1\n' > "$T/m.csv"
under 20000 "a bomb in a manifest refused before decoding" 1 \
	"atlasplot: manifest '$T/m.csv' line 3: images '$T/big/a.png': image 16384x16384 is too large: decoding needs more than the limit of 268435456 bytes" \
	"$AP" render --manifest "$T/m.csv" --max-memory 256M -o "$T/o.png"
# a layout that never ends stops at the limit
$PY -c 'import struct, sys; sys.stdout.buffer.write(struct.pack(">IIII", 0x803, 1, 28, 28) + bytes(784))' > "$T/one.idx"
under 100000 "layout from /dev/zero" 1 "atlasplot: layout '/dev/zero': too large: over the limit of 33554432 bytes" \
	"$AP" render --images "$T/one.idx" --layout /dev/zero --max-memory 32M -o "$T/o.png"
# 2 MB of gzip behind a header of 100 images: inflating stops at the header's size,
# not at 2 GiB or the limit
$PY tests/bombs.py idx_gz "$T/bomb.idx.gz"
under 40000 "gzip IDX bomb" 1 \
	"atlasplot: images '$T/bomb.idx.gz': more data than its IDX header gives (78416 bytes), when decompressed" \
	"$AP" render --images "$T/bomb.idx.gz" --layout "$T/one.csv" --max-memory 256M -o "$T/o.png"
# the same behind an NPY header (128 bytes of header, 78400 of pixels)
$PY tests/bombs.py npy_gz "$T/bomb.npy.gz"
under 40000 "gzip NPY bomb" 1 \
	"atlasplot: images '$T/bomb.npy.gz': more data than its NPY header gives (78528 bytes), when decompressed" \
	"$AP" render --images "$T/bomb.npy.gz" --layout "$T/one.csv" --max-memory 256M -o "$T/o.png"
done_tests
