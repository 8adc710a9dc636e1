#!/bin/sh
# make valgrind: one full MNIST render under memcheck. Fails on any memory error, and on
# any definitely/indirectly lost block whose stack passes through atlasplot's own code
# (Mesa and LLVM keep allocations for the life of the process).
set -u
cd "$(dirname "$0")/.." || exit 2
M=.cache/mnist
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=memcheck --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=none \
	--suppressions=tests/valgrind.supp --log-file="$out/vg.log" \
	./atlasplot render --images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte \
	--labels $M/train-labels-idx1-ubyte --labels $M/t10k-labels-idx1-ubyte \
	--layout data/mnist_umap.npy --color-by label --size 480x270 -o "$out/v.png" ${VG_ARGS:-}
rc=$?
grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$out/vg.log"
ours=$(awk '/are definitely lost|are indirectly lost/{b=1} b&&/^==[0-9]+== *$/{b=0} b' "$out/vg.log" | grep -cE 'src/|atlasplot')
if [ $rc != 0 ] || [ "$ours" != 0 ]; then
	cat "$out/vg.log" | tail -60
	echo "valgrind: memcheck found problems (exit $rc, $ours leak frames in atlasplot)"
	exit 1
fi
echo "valgrind: clean"
