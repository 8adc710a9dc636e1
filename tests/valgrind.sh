#!/bin/sh
# make valgrind: full MNIST renders under memcheck, one in colour (four floats a pixel,
# RGB frames) and one gray (one float a pixel, a cross-fade, frames one byte a pixel).
# Fails on any memory error, and on any definitely/indirectly lost block whose stack
# passes through atlasplot's own code (Mesa and LLVM keep allocations for the life of
# the process).
set -u
cd "$(dirname "$0")/.." || exit 2
M=.cache/mnist
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
	valgrind --tool=memcheck --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=none \
		--suppressions=tests/valgrind.supp --log-file="$out/vg.log" \
		./atlasplot render --images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte \
		--layout data/mnist_umap.npy --size 480x270 -o "$out/v.png" "$@" ${VG_ARGS:-}
	rc=$?
	grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$out/vg.log"
	ours=$(awk '/are definitely lost|are indirectly lost/{b=1} b&&/^==[0-9]+== *$/{b=0} b' "$out/vg.log" |
		grep -cE 'src/|atlasplot')
	if [ $rc != 0 ] || [ "$ours" != 0 ]; then
		tail -60 "$out/vg.log"
		echo "valgrind: memcheck found problems in render $* (exit $rc, $ours leak frames in atlasplot)"
		exit 1
	fi
}
run --labels $M/train-labels-idx1-ubyte --labels $M/t10k-labels-idx1-ubyte --color-by label
run --sprite 8 --dots-below 6 --highlight 1,2
echo "valgrind: clean"
