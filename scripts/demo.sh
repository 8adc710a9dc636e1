#!/bin/sh
# The README's first command: render the MNIST demo frames into out/.
# Assumes `make deps all` ran (the Makefile's demo target does that).
set -eu
cd "$(dirname "$0")/.."
M=.cache/mnist
mkdir -p out
data="--images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte
      --labels $M/train-labels-idx1-ubyte --labels $M/t10k-labels-idx1-ubyte"
echo "demo: MNIST 70,000 digits, UMAP layout, coloured by label -> out/"
# shellcheck disable=SC2086
./atlasplot render $data --layout data/mnist_umap.npy --color-by label \
	--camera 5.627,5.503,1 --camera 3.4,-0.6,6 --camera 15.2,7.4,24 \
	--sprite 8 --sprite-growth 0.75 -o 'out/mnist_umap_%d.png'
for f in out/mnist_umap_0.png out/mnist_umap_1.png out/mnist_umap_2.png; do
	echo "demo: wrote $f"
done
