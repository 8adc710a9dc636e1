#!/bin/sh
# Figures: title, caption and legend over the frame, label names, the legend's automatic
# corner, UTF-8, PDF and SVG outputs (read back with pdftoppm, pdftotext and Python's
# XML parser), --dpi, warnings for texts that do not fit, and each error's exact line.
. "$(dirname "$0")/setup"
D=tests/data
PY=/usr/bin/python3
L="--images $D/syn_gray.npy --layout $D/syn_xy.npy --labels $D/syn_labels.npy --color-by label --sprite 16"
same() { "$AP" diff "$1" "$2" --tolerance 0 >"$T/diff" 2>&1; }

# no text options: no text, the frame as before
check "plain render" "$AP" render $L --size 200x150 -o "$T/plain.png"
check "--legend none draws nothing" "$AP" render $L --size 200x150 --legend none -o "$T/none.png"
check "... the same pixels" same "$T/plain.png" "$T/none.png"
check "a title" "$AP" render $L --size 200x150 --title T -o "$T/t.png"
check "... changes the frame" sh -c "! '$AP' diff '$T/plain.png' '$T/t.png' --tolerance 0 >/dev/null 2>&1"

# no text options, no text layer: the binary binds (so calls) no Cairo, Pango or
# fontconfig function (lazy binding: a function is bound on its first call)
LD_DEBUG=bindings LD_BIND_NOW= "$AP" render $L --size 64x48 -o "$T/lazy.png" 2>"$T/bind"
check "no text options: no Cairo call" sh -c "test -s '$T/bind' && ! grep 'binding file [^ ]*atlasplot ' '$T/bind' | grep -q 'libcairo\|libpango\|libfontconfig'"
LD_DEBUG=bindings LD_BIND_NOW= "$AP" render $L --size 64x48 --title T -o "$T/lazy.png" 2>"$T/bind"
check "... and a title does call Cairo (the check sees calls)" sh -c "grep 'binding file [^ ]*atlasplot ' '$T/bind' | grep -q libcairo"

# names: a file, a list, the default numbers
printf 'alpha\nbeta\n\ngamma\ndelta\nepsilon\n' >"$T/names.txt"
check "names from a file" "$AP" render $L --size 200x150 --legend top-left --label-names "$T/names.txt" -o "$T/nf.png"
check "names from a list" "$AP" render $L --size 200x150 --legend top-left --label-names alpha,beta,gamma,delta,epsilon -o "$T/nl.png"
check "file and list agree (blank lines skipped)" same "$T/nf.png" "$T/nl.png"
check "--legend WHERE as the next word" "$AP" render $L --size 200x150 --legend=top-left --label-names alpha,beta,gamma,delta,epsilon -o "$T/nl2.png"
check "... and as --legend=WHERE" same "$T/nl.png" "$T/nl2.png"
check "default names" "$AP" render $L --size 200x150 --legend top-left -o "$T/nd.png"
check "numbers are not those names" sh -c "! '$AP' diff '$T/nd.png' '$T/nl.png' --tolerance 0 >/dev/null 2>&1"
check "shipped names files: 10 lines each" sh -c "test \$(grep -c . data/mnist_names.txt) = 10 && test \$(grep -c . data/fashion_names.txt) = 10"
check "Fashion-MNIST's names" grep -qx "Ankle boot" data/fashion_names.txt

# errors: one line, subject first, file and line
expect_err "missing names file" 1 "atlasplot: label names '$T/nope.txt': cannot open: no such file or directory" \
	"$AP" render $L --legend --label-names "$T/nope.txt" -o "$T/x.png"
printf 'a\nb\n\nc\n' >"$T/short.txt"
expect_err "short names file" 1 "atlasplot: label names '$T/short.txt' line 5: no name for label 3 (the file has 3 names, the labels 5)" \
	"$AP" render $L --legend --label-names "$T/short.txt" -o "$T/x.png"
expect_err "fewer names than labels" 1 "atlasplot: --label-names: 2 names, but the labels have 5 classes" \
	"$AP" render $L --legend --label-names a,b -o "$T/x.png"
printf 'a\nb\377\nc\nd\ne\n' >"$T/latin1.txt"
expect_err "names not UTF-8" 1 "atlasplot: label names '$T/latin1.txt' line 2: not UTF-8 text" \
	"$AP" render $L --legend --label-names "$T/latin1.txt" -o "$T/x.png"
expect_err "a legend needs labels" 1 "atlasplot: --legend: the data set has no labels (give --labels, or a layout CSV with a label column)" \
	"$AP" render --images $D/syn_gray.npy --layout $D/syn_xy.npy --legend -o "$T/x.png"
expect_err "bad corner" 2 "atlasplot: --legend 'middle': expected none, auto, top-left, top-right, bottom-left or bottom-right (see 'atlasplot render --help')" \
	"$AP" render $L --legend middle -o "$T/x.png"
expect_err "bad --font-size" 2 "atlasplot: --font-size '0': expected pixels from 1 to 1000 (see 'atlasplot render --help')" \
	"$AP" render $L --font-size 0 -o "$T/x.png"
expect_err "bad --text-color" 2 "atlasplot: --text-color 'red': expected RRGGBB or RRGGBBAA (see 'atlasplot render --help')" \
	"$AP" render $L --text-color red -o "$T/x.png"
expect_err "bad --dpi" 2 "atlasplot: --dpi 'x': expected a number from 1 to 10000 (see 'atlasplot render --help')" \
	"$AP" render $L --dpi x -o "$T/x.png"
check "no output left by the errors" test ! -e "$T/x.png"

# a text that does not fit: shrunk, or cut, with a warning; the run succeeds
"$AP" render $L --size 120x90 --title "a title far too long for a frame this small" -o "$T/w.png" 2>"$T/err"
check "long title: exit 0 and a frame" test -s "$T/w.png"
check "long title: cut with a warning" grep -qx "atlasplot: warning: --title 'a title far too long for a frame this small': too wide for a 120 px frame even at 6 px, cut to fit" "$T/err"
"$AP" render $L --size 200x150 --title "a title much too long for this frame size" -o "$T/w.png" 2>"$T/err"
check "a title a little too long: shrunk with a warning" grep -qx "atlasplot: warning: --title 'a title much too long for this frame size': too wide for a 200 px frame at 13.5 px, shrunk to 9 px" "$T/err"
"$AP" render $L --size 200x40 --legend -o "$T/w.png" 2>"$T/err"
check "legend too tall: shrunk with a warning" grep -qx "atlasplot: warning: --legend: 5 rows do not fit a 40 px high frame at 9 px, shrunk to 6 px" "$T/err"
# the text stays inside the frame: a cut title leaves the frame's edge columns alone
"$AP" render --images $D/syn_gray.npy --layout $D/syn_xy.npy --size 120x90 --sprite 1 --title "$(printf 'W%.0s' $(seq 80))" -o "$T/edge.png" 2>/dev/null
check "a cut title stays off the frame's edges" $PY -c "
from PIL import Image; im = Image.open('$T/edge.png').convert('L'); w, h = im.size
assert all(im.getpixel((x, y)) == 0 for y in range(h // 3) for x in (0, 1, w - 2, w - 1))"

# the legend's automatic corner: sprites in three corners, the fourth (top-left) empty
$PY -c "
import random
random.seed(1)
c = [(0, 0), (300, 0), (300, 100)]
for i in range(64):
    x, y = c[i % 3]
    print('%.2f,%.2f,%d' % (x + random.uniform(-3, 3), y + random.uniform(-3, 3), i % 5))
" >"$T/corners.csv"
C="--images $D/syn_gray.npy --layout $T/corners.csv --color-by label --size 320x180 --sprite 8"
check "auto legend" "$AP" render $C --legend auto -o "$T/auto.png"
check "top-left legend" "$AP" render $C --legend top-left -o "$T/tl.png"
check "top-right legend" "$AP" render $C --legend top-right -o "$T/tr.png"
check "auto picks the empty corner (top-left)" same "$T/auto.png" "$T/tl.png"
check "... not the default tie-break (top-right)" sh -c "! '$AP' diff '$T/auto.png' '$T/tr.png' --tolerance 0 >/dev/null 2>&1"

# UTF-8: accents are drawn; CJK, which DejaVu Sans lacks, comes out as boxes, no error
check "accented title" "$AP" render $L --size 200x150 --title "Café, naïve, Ünïcödé" -o "$T/acc.png"
check "CJK title (boxes)" "$AP" render $L --size 200x150 --title "日本語" -o "$T/cjk.png"
expect_err "title not UTF-8" 1 "atlasplot: --title: not UTF-8 text" \
	"$AP" render $L --title "$(printf 'a\377')" -o "$T/x.png"

# PDF: one raster at the frame's pixels, text as searchable vectors, pixels like the PNG's
N="--legend --label-names alpha,beta,gamma,delta,epsilon --title Synthetic --caption Café"
check "PNG with texts" "$AP" render $L --size 320x180 $N -o "$T/fig.png"
check "PDF with texts" "$AP" render $L --size 320x180 $N -o "$T/fig.pdf"
check "only the PDF in the folder" sh -c "test \$(ls -A '$T' | grep -c '^\\.fig') = 0"
check "a PDF" sh -c "head -c 5 '$T/fig.pdf' | grep -q '%PDF-'"
pdftotext "$T/fig.pdf" "$T/fig.txt"
for w in Synthetic alpha epsilon Café; do
	check "pdftotext finds '$w'" grep -q "$w" "$T/fig.txt"
done
check "one image, 320x180, not interpolated" sh -c "pdfimages -list '$T/fig.pdf' | tail -n +3 >'$T/imgs' &&
	test \$(wc -l <'$T/imgs') = 1 && awk '{ exit !(\$4 == 320 && \$5 == 180 && \$10 == \"no\") }' '$T/imgs'"
check "page of 240x135 pt at 96 dpi" sh -c "pdfinfo '$T/fig.pdf' | grep -q 'Page size: *240 x 135 pts'"
# pdftocairo draws the image texel for texel; pdftoppm (Splash) resamples it, so only
# a loose check there
check "pdftocairo back to pixels" pdftocairo -png -r 96 -singlefile "$T/fig.pdf" "$T/fig_cairo"
check "... the PNG's pixels (text antialiasing within 10 levels)" "$AP" diff "$T/fig.png" "$T/fig_cairo.png" \
	--tolerance 10 --max-pixels 0.1% >/dev/null
check "pdftoppm back to pixels" pdftoppm -png -r 96 -singlefile "$T/fig.pdf" "$T/fig_pdf"
check "... the PNG's pixels, resampled" "$AP" diff "$T/fig.png" "$T/fig_pdf.png" --tolerance 2 --max-pixels 100% --max-rms 30 >/dev/null
check "a PDF without texts" "$AP" render $L --size 200x150 -o "$T/plain.pdf"
check "... pdftocairo" pdftocairo -png -r 96 -singlefile "$T/plain.pdf" "$T/plain_pdf"
check "... the scatter's pixels exactly" same "$T/plain.png" "$T/plain_pdf.png"
check "--size 3000x2000 --dpi 300: 10 x 6.67 in" sh -c "'$AP' render $L --size 3000x2000 --dpi 300 --title T -o '$T/big.pdf' &&
	pdfinfo '$T/big.pdf' | grep -q 'Page size: *720 x 480 pts'"
check "... is one image" sh -c "test \$(pdfimages -list '$T/plain.pdf' | tail -n +3 | wc -l) = 1"

# SVG: valid XML, exactly one embedded image
check "SVG with texts" "$AP" render $L --size 320x180 $N -o "$T/fig.svg"
check "SVG parses, one <image>" $PY -c "
import xml.etree.ElementTree as E
r = E.parse('$T/fig.svg').getroot()
n = sum(1 for e in r.iter() if e.tag.endswith('}image'))
assert r.tag.endswith('}svg') and n == 1, n
assert r.get('width') == '240pt' and r.get('height') == '135pt', r.attrib"

# PNG pHYs only with --dpi
has_phys() { $PY -c "
import struct, sys
b = open('$1', 'rb').read(); i = b.find(b'pHYs')
sys.exit(0 if i > 0 and struct.unpack('>IIB', b[i + 4:i + 13]) == ($2, $2, 1) else 1)"; }
check "no pHYs by default" sh -c "! grep -q pHYs '$T/fig.png'"
check "--dpi 300" "$AP" render $L --size 64x48 --dpi 300 -o "$T/d.png"
check "... pHYs 11811 px/m" has_phys "$T/d.png" 11811
check "--dpi 300 --png-level 6" "$AP" render $L --size 64x48 --dpi 300 --png-level 6 -o "$T/d6.png"
check "... pHYs through zlib too" has_phys "$T/d6.png" 11811

# documents are written atomically
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	expect_err "read-only folder" 1 "atlasplot: output '$T/ro/x.pdf': Permission denied" "$AP" render $L -o "$T/ro/x.pdf"
else
	ok
fi
expect_err "missing folder" 1 "atlasplot: output '$T/no/x.svg': No such file or directory" "$AP" render $L -o "$T/no/x.svg"
(ulimit -f 8; "$AP" render $L --size 400x300 -o "$T/ro2.pdf" >/dev/null 2>"$T/err"); rc=$?
check "a full disk: exit 1, nothing left" sh -c "test $rc = 1 && test ! -e '$T/ro2.pdf' && test \$(ls -A '$T' | grep -c '\\.tmp$') = 0"

# --legend-images: each row shows the image nearest its class's centroid, gray ones tinted
$PY -c "
import numpy as np
v = [[40, 200, 60], [90, 150, 30], [20, 250, 120]]   # per class: left, centre, right
imgs, xy, lab = [], [], []
for c in range(3):
    for k in range(3):
        imgs.append(np.full((8, 8), v[c][k], np.uint8)); xy.append((c * 10.0 + (k - 1) * 2, 1.0 - k)); lab.append(c)
xy[1], xy[0] = xy[0], xy[1]; imgs[1], imgs[0] = imgs[0], imgs[1]   # the centre first: order does not matter
np.save('$T/li_img.npy', np.array(imgs)); np.save('$T/li_xy.npy', np.array(xy)); np.save('$T/li_lab.npy', np.array(lab, np.int32))
"
LI="--images $T/li_img.npy --layout $T/li_xy.npy --labels $T/li_lab.npy --color-by label --sprite 8 --size 200x150"
check "--legend-images" "$AP" render $LI --legend-images --legend top-left -o "$T/li.png"
check "... alone implies --legend (auto)" "$AP" render $LI --legend-images -o "$T/li_auto.png"
check "swatches to compare" "$AP" render $LI --legend top-left -o "$T/li_sw.png"
check "... the same run twice, the same pixels" sh -c "'$AP' render $LI --legend-images --legend top-left -o '$T/li2.png' && '$AP' diff '$T/li.png' '$T/li2.png' --tolerance 0 >/dev/null"
check "each row: the centroid's image times the label colour" $PY -c "
from PIL import Image
im = Image.open('$T/li.png').convert('RGB'); sw = Image.open('$T/li_sw.png').convert('RGB')
for c, v in enumerate((200, 150, 250)):
    cy = 16 + 13 * c
    col = sw.getpixel((15, cy))
    want = tuple((v * k + 127) // 255 for k in col)
    got = {im.getpixel((x, y)) for x in range(13, 18) for y in range(cy - 2, cy + 3)}
    assert got == {want}, (c, got, want, col)
"
check "PDF with legend images" "$AP" render $LI --legend-images --legend top-left -o "$T/li.pdf"
check "... its raster rows show the same images" sh -c "pdftoppm -r 96 -png -singlefile '$T/li.pdf' '$T/li_pdf' && $PY -c \"
from PIL import Image
a = Image.open('$T/li_pdf.png').convert('RGB'); b = Image.open('$T/li.png').convert('RGB')
assert a.size == b.size, a.size
for c in range(3):
    assert a.getpixel((15, 16 + 13 * c)) == b.getpixel((15, 16 + 13 * c)), c
\""
check "SVG with legend images" sh -c "'$AP' render $LI --legend-images -o '$T/li.svg' && grep -q '<image' '$T/li.svg'"
expect_err "legend images need labels" 1 "atlasplot: --legend-images: the data set has no labels (give --labels, or a layout CSV with a label column)" \
	"$AP" render --images $D/syn_gray.npy --layout $D/syn_xy.npy --legend-images -o "$T/x.png"
check "... and leave no output" test ! -e "$T/x.png"

# animate: the title cross-fades; the legend keeps frame 0's corner in every run
A="--images $D/syn_gray.npy --from $T/corners.csv --to $D/syn_xy.npy --color-by label --size 320x180 --sprite 8 --frames 5"
mkdir "$T/an"
check "animate with texts" "$AP" animate $A --legend --title-from Before --title-to After -o "$T/an/f_%d.png"
check "frame 0: the first title" sh -c "'$AP' render $C --legend top-left --title Before -o '$T/r0.png'"
check "... equals render's" same "$T/an/f_0.png" "$T/r0.png"
check "frame 2 of a range equals the full run's (legend pinned to frame 0)" sh -c "mkdir '$T/an2' &&
	'$AP' animate $A --legend --title-from Before --title-to After --range 2:3 -o '$T/an2/f_%d.png'"
check "... pixel for pixel" same "$T/an/f_2.png" "$T/an2/f_2.png"
check "a contact sheet as PDF" sh -c "'$AP' animate $A --title-from Before --title-to After -o '$T/an/g_%d.png' --contact-sheet '$T/sheet.pdf' &&
	test \$(pdfimages -list '$T/sheet.pdf' | tail -n +3 | wc -l) = 1"

done_tests
