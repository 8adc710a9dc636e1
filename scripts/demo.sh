#!/bin/sh
# The README's first command: render the MNIST demo into out/ and say where it is.
# Assumes `make deps all` ran (the Makefile's demo target does that).
set -eu
cd "$(dirname "$0")/.."
M=.cache/mnist
mkdir -p out
data="--images $M/train-images-idx3-ubyte --images $M/t10k-images-idx3-ubyte
      --labels $M/train-labels-idx1-ubyte --labels $M/t10k-labels-idx1-ubyte"
echo "demo: MNIST, 70,000 digits at their UMAP places, coloured by label"
# shellcheck disable=SC2086
./atlasplot render $data --layout data/mnist_umap.npy --color-by label \
	--camera 5.627,5.503,1 --camera 3.4,-0.6,6 --camera 15.2,7.4,24 \
	--sprite 8 --sprite-growth 0.75 -o 'out/mnist_umap_%d.png'
echo "demo: the UMAP -> t-SNE transition, 60 frames of 1920x1080"
rm -rf out/transition
mkdir -p out/transition
# shellcheck disable=SC2086
./atlasplot animate $data --from data/mnist_umap.npy --to data/mnist_tsne.npy --color-by label \
	--alpha blend --frames 60 -o 'out/transition/frame_%03d.png' --contact-sheet out/transition_sheet.png
cat <<EOM
demo: wrote
  out/mnist_umap_0.png         the overview
  out/mnist_umap_1.png         zoom x6 into the twos
  out/mnist_umap_2.png         zoom x24 into the zeros: single digits
  out/transition/frame_*.png   the transition, 60 frames
  out/transition_sheet.png     12 of its frames on one page
video: ffmpeg -framerate 30 -i out/transition/frame_%03d.png -pix_fmt yuv420p out/transition.mp4
EOM
