#!/bin/sh
# NO_GL=1: the cpu backend builds and its tests run with every GL, EGL and OSMesa
# header replaced by an #error (tests/nogl/), and draws what the full build draws.
. "$(dirname "$0")/setup"

nb=build/nogl
check "NO_GL=1 builds with the GL headers hidden" \
	make -s --no-print-directory NO_GL=1 BUILD=$nb BIN=$nb/atlasplot $nb/atlasplot $nb/tests/test_swr
if $nb/tests/test_swr >"$T/swr" 2>&1 && tail -n 1 "$T/swr" | grep -qE '^[0-9]+ passed, 0 failed$'; then ok
else bad "test_swr without GL: $(tail -n 3 "$T/swr")"; fi

data=tests/data
"$AP" render --backend cpu --images $data/syn_gray.npy --layout $data/syn_xy.npy --size 160x120 -o "$T/full.png" 2>"$T/err" || bad "full render: $(cat "$T/err")"
check "NO_GL render" $nb/atlasplot render --backend cpu --images $data/syn_gray.npy --layout $data/syn_xy.npy --size 160x120 -o "$T/nogl.png"
check "NO_GL draws the same pixels" "$AP" diff --quiet --tolerance 0 "$T/full.png" "$T/nogl.png"
expect_err "no GL backend in a NO_GL build" 1 \
	"atlasplot: --backend osmesa: this atlasplot is built without GL (NO_GL=1)" \
	$nb/atlasplot render --backend osmesa --images $data/syn_gray.npy --layout $data/syn_xy.npy -o "$T/x.png"
[ -e "$T/x.png" ] && bad "a failed render left x.png" || ok
done_tests
