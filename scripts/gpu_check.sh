#!/bin/sh
# make gpu-check: on a machine with a GPU, what the GL backend does there, in one run:
# builds, lists the EGL devices (atlasplot info), renders an MNIST overview with egl and
# cpu and compares them with the golden suite's tolerance (mnist_overview.scene's diff
# options), times the UMAP -> t-SNE transition at 1080p on egl and cpu (PNGs, then raw
# RGBA to /dev/null), says what egl's transition uploaded (-v: its first frame only),
# and prints a summary. Without a GPU, egl is Mesa's llvmpipe
# through the surfaceless platform and the script says so; it still checks the egl
# frame. GPU_CHECK_SHORT=1: 12 frames instead of 120 and a smaller overview (what
# make test runs, in well under 30 s on 2 cores). GPU_CHECK_GPU=N passes --gpu N.
# Exit 1 when the egl frame differs from the cpu one beyond the tolerance, or a run fails.
set -eu
cd "$(dirname "$0")/.."
AP=${AP:-$PWD/atlasplot}
[ -n "${GPU_CHECK_NOBUILD:-}" ] || make -s -j"$(nproc)" all >/dev/null
M=.cache/mnist
[ -f "$M/train-images-idx3-ubyte" ] || sh scripts/fetch_data.sh >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
frames=120 size=1920x1080 osize=1920x1080
if [ "${GPU_CHECK_SHORT:-0}" = 1 ]; then frames=12 osize=640x360; fi
gpu=""
[ -z "${GPU_CHECK_GPU:-}" ] || gpu="--gpu $GPU_CHECK_GPU"
imgs="--images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte"
labs="--labels $M/train-labels-idx1-ubyte --labels $M/t10k-labels-idx1-ubyte"

echo "== EGL devices"
"$AP" info --images tests/data/syn_gray.npy | sed -n '/^gl:/,$p'
soft=0
"$AP" render --images tests/data/syn_gray.npy --layout tests/data/syn_xy.npy --size 16x16 --backend egl $gpu \
	-o "$T/probe.png" 2>"$T/probe.err" || { cat "$T/probe.err"; exit 1; }
grep -q "software rasteriser" "$T/probe.err" && soft=1
[ "$soft" = 0 ] || echo "(no GPU: egl runs on Mesa's llvmpipe through the surfaceless platform)"

echo "== MNIST overview $osize, egl against cpu"
dopts=$(sed -n 's/^diff://p' tests/golden/mnist_overview.scene)
for b in egl cpu; do
	# shellcheck disable=SC2086
	"$AP" render $imgs $labs --layout data/mnist_umap.npy --color-by label --alpha blend --size "$osize" \
		--backend $b $gpu -o "$T/overview_$b.png" 2>"$T/overview_$b.err" || { cat "$T/overview_$b.err"; exit 1; }
done
# shellcheck disable=SC2086
if "$AP" diff "$T/overview_cpu.png" "$T/overview_egl.png" $dopts >"$T/diff.txt"; then same=PASS; else same=FAIL; fi
cat "$T/diff.txt"

run_anim() {  # run_anim BACKEND OUT: prints the stats line's render_ms and fps
	# shellcheck disable=SC2086
	"$AP" animate $imgs --from data/mnist_umap.npy --to data/mnist_tsne.npy --frames "$frames" --sprite 8 \
		--size "$size" --backend "$1" $gpu -v -o "$2" 2>"$T/anim.err" >"$T/anim.out" || { cat "$T/anim.err"; exit 1; }
	sed -n 's/.*stats frames=\([0-9]*\) render_ms=\([0-9.]*\) encode_ms=[0-9.]* wall_s=\([0-9.]*\) fps=\([0-9.]*\).*/\2 \3 \4/p' \
		"$T/anim.err" | tail -1
}
echo "== transition, $frames frames at $size"
summary=""
for b in egl cpu; do
	mkdir -p "$T/png_$b"
	set -- $(run_anim "$b" "$T/png_$b/f_%05d.png")
	line=$(printf '%-4s PNGs:      render %8.2f ms/frame, %6.2f frames/s, %6.2f s' "$b" "$1" "$3" "$2")
	echo "$line"; summary="$summary$line\n"
	# the transition kept resident: what its frames handed the GL
	line=$(sed -n "s/^atlasplot: gl uploads: /$b  uploads:  /p" "$T/anim.err")
	[ -z "$line" ] || { echo "$line"; summary="$summary$line\n"; }
	# frames overlapping: how long the loop waited for each frame's read-back
	line=$(sed -n "s/^atlasplot: gl read-back: /$b  read-back: /p" "$T/anim.err")
	[ -z "$line" ] || { echo "$line"; summary="$summary$line\n"; }
	rm -rf "$T/png_$b"
	# shellcheck disable=SC2086
	"$AP" animate $imgs --from data/mnist_umap.npy --to data/mnist_tsne.npy --frames "$frames" --sprite 8 \
		--size "$size" --backend "$b" $gpu -v -o - 2>"$T/anim.err" >/dev/null || { cat "$T/anim.err"; exit 1; }
	# the raw sink has no stats line: "N frame(s) rendered, ...: render X ms/frame, Y s in all"
	set -- $(sed -n 's/.*render \([0-9.]*\) ms\/frame, \([0-9.]*\) s in all.*/\1 \2/p' "$T/anim.err" | tail -1)
	set -- "$1" "$2" "$(awk -v n="$frames" -v s="$2" 'BEGIN { printf "%.2f", n / s }')"
	line=$(printf '%-4s raw RGBA: render %8.2f ms/frame, %6.2f frames/s, %6.2f s rendering' "$b" "$1" "$3" "$2")
	echo "$line"; summary="$summary$line\n"
done
echo "== summary"
"$AP" render --images tests/data/syn_gray.npy --layout tests/data/syn_xy.npy --size 16x16 --backend egl $gpu -v \
	-o "$T/probe.png" 2>&1 | sed -n 's/.*built in [0-9.]* s (\(.*\))$/egl: \1/p'
[ "$soft" = 0 ] || echo "egl: a software rasteriser (no GPU found)"
echo "overview egl vs cpu: $same"
printf "%b" "$summary"
[ "$same" = PASS ]
