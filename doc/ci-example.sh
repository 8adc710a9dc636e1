#!/bin/sh
# check-figures.sh — render a report's figures and fail the build on any visual change.
# Golden references live in $GOLDEN (review them, then commit); on a change the diff
# images (changed pixels red, small differences yellow, the rest dimmed) go to $DIFFS.
#   first time, or after an intended change:  UPDATE=1 ./check-figures.sh
set -eu
IMAGES=${IMAGES:-data/images.npy}
LAYOUT=${LAYOUT:-data/umap.csv}
GOLDEN=${GOLDEN:-figures/golden}
DIFFS=${DIFFS:-figures/diff}
ATLASPLOT=${ATLASPLOT:-atlasplot}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$ATLASPLOT" render --images "$IMAGES" --layout "$LAYOUT" --size 800x600 -o "$out/overview.png"
"$ATLASPLOT" render --images "$IMAGES" --layout "$LAYOUT" --size 800x600 --camera 20,20,3 -o "$out/zoom.png"

if [ "${UPDATE:-0}" = 1 ]; then
	mkdir -p "$GOLDEN" && cp "$out"/*.png "$GOLDEN"/ && echo "updated $GOLDEN"
	exit 0
fi
if ! "$ATLASPLOT" diff "$GOLDEN" "$out" --out "$DIFFS"; then
	echo "figures changed: look at $DIFFS/*_diff.png" >&2
	exit 1
fi
