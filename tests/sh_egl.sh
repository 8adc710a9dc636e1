#!/bin/sh
# EGL devices on a machine without a GPU (Mesa's software device and surfaceless
# platform): a software rasteriser never passes as a GPU, --gpu N is strict, --backend egl
# warns once and draws what osmesa draws, info lists each device and why it was not taken.
. "$(dirname "$0")/setup"
I=tests/data/syn_gray.npy L=tests/data/syn_xy.npy
"$AP" info --images "$I" >"$T/info" 2>&1
check "info lists the EGL devices" grep -q '^egl: ' "$T/info"
if grep -q "software rasteriser 'llvmpipe" "$T/info"; then
	ok
	check "info: the software device is not taken" grep -q "not a GPU: not taken" "$T/info"
	expect_err "--gpu 0 on the software device" 1 \
		"atlasplot: gl: egl: no GPU among 1 EGL device (device 0: software rasteriser '$(sed -n "s/.*software rasteriser '\([^']*\)'.*/\1/p" "$T/info" | head -1)', not a GPU)" \
		"$AP" render --images "$I" --layout "$L" --size 64x48 --backend egl --gpu 0 -o "$T/g.png"
	check "no output after a failure" test ! -e "$T/g.png"
	"$AP" render --images "$I" --layout "$L" --size 64x48 --backend egl -o "$T/e.png" 2>"$T/err"
	check "--backend egl on llvmpipe draws" test -s "$T/e.png"
	check "--backend egl on llvmpipe: one warning line" test "$(wc -l <"$T/err")" = 1
	check "the warning names the software rasteriser" \
		grep -q '^atlasplot: warning: --backend egl: no GPU, drawing on a software rasteriser (egl-surfaceless: llvmpipe' "$T/err"
	"$AP" render --images "$I" --layout "$L" --size 64x48 --backend osmesa -o "$T/o.png" 2>/dev/null
	check "egl draws what osmesa draws" "$AP" diff --tolerance 0 --max-pixels 0 "$T/o.png" "$T/e.png"
	"$AP" render --images "$I" --layout "$L" --size 64x48 -v -o "$T/a.png" 2>"$T/err"
	check "auto does not take a software EGL device" grep -q '(cpu: ' "$T/err"
	"$AP" render --images "$I" --layout "$L" --size 64x48 --gpu 0 -o "$T/a0.png" 2>"$T/err"
	check "auto with --gpu 0 on a software device: the cpu backend, quietly" test ! -s "$T/err"
else
	echo "sh_egl: no Mesa software EGL device here; device rules checked by test_render only"
fi
expect_err "--gpu out of range" 2 \
	"atlasplot: --gpu '16': expected an EGL device number from 0 to 15 (atlasplot info lists them) (see 'atlasplot render --help')" \
	"$AP" render --images "$I" --layout "$L" --gpu 16 -o "$T/x.png"
done_tests
