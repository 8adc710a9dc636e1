#!/bin/sh
# The golden suite: render every tests/golden/NAME.scene and compare it with golden/NAME.png
# (or an accepted alternate golden/NAME.1.png, ...) through `atlasplot diff`.
# A failure keeps tests/out/golden/NAME.png and NAME_diff.png and names them.
#
#   sh tests/sh_golden.sh                 check (what `make test` runs)
#   sh tests/sh_golden.sh --regenerate    render new references into golden/, after printing
#                                         how each differs from the old one (`make golden`)
#   sh tests/sh_golden.sh NAME...         only these scenes
#
# Each scene is drawn by every backend in GOLDEN_BACKENDS (default "cpu osmesa": the
# software compositor and the GL shader on llvmpipe) against the same references, made
# by the cpu backend.
#
# A scene file: '#' comments, one line 'COMMAND ARGS...' (render, animate or atlas; -o is
# added), optionally 'diff: OPTIONS' for atlasplot diff, and for animate 'frames: K...':
# the frames compared, each against golden/NAME_K.png. $M and $F stand for the MNIST cache
# and the Fashion-MNIST folder. A missing reference is a failure, never created silently.
. "$(dirname "$0")/setup"
regen=0
if [ "${1:-}" = "--regenerate" ]; then regen=1; shift; fi
M=.cache/mnist
F=/usr/share/datasets/fashion-mnist
out=tests/out/golden
mkdir -p "$out"
backends=${GOLDEN_BACKENDS:-cpu osmesa}
[ "$regen" = 1 ] && backends=cpu
scenes=""
if [ $# -gt 0 ]; then
	for n in "$@"; do scenes="$scenes tests/golden/$n.scene"; done
else
	scenes=$(ls tests/golden/*.scene)
fi
for s in $scenes; do
	name=$(basename "$s" .scene)
	cmd=$(grep -v '^#' "$s" | grep -v '^diff:' | grep -v '^frames:' | grep -v '^[[:space:]]*$' | sed -e "s|\$M|$M|g" -e "s|\$F|$F|g")
	dopts=$(sed -n 's/^diff://p' "$s")
	frames=$(sed -n 's/^frames://p' "$s")
	for b in $backends; do
	# shellcheck disable=SC2086
	set -- $cmd
	verb=$1; shift
	sfx=""
	[ "$b" = cpu ] || sfx=".$b"
	rm -rf "$T/anim"
	case "$verb" in
	atlas)
		[ "$b" = cpu ] || continue          # no drawing: one backend is enough
		rm -rf "$T/atlas"
		"$AP" atlas "$@" -o "$T/atlas" 2>"$T/err" && mv "$T/atlas/page_000.png" "$out/$name.png" ;;
	animate)
		mkdir -p "$T/anim" && "$AP" animate "$@" --backend "$b" -o "$T/anim/f_%d.png" 2>"$T/err" &&
			for k in $frames; do mv "$T/anim/f_$k.png" "$out/${name}_$k$sfx.png" || exit 1; done ;;
	*)
		"$AP" "$verb" "$@" --backend "$b" -o "$out/$name$sfx.png" 2>"$T/err" ;;
	esac
	rc=$?
	if [ "$verb" = animate ]; then items=$(for k in $frames; do printf '%s_%s ' "$name" "$k"; done); else items=$name; fi
	for item in $items; do
	label="$item [$b]"
	actual="$out/$item$sfx.png"
	if [ $rc != 0 ] || [ ! -s "$actual" ]; then
		bad "$label: the command failed: $(cat "$T/err")"
		continue
	fi
	if [ "$regen" = 1 ]; then
		if [ -e "golden/$item.png" ]; then
			# shellcheck disable=SC2086
			"$AP" diff "golden/$item.png" "$actual" $dopts | sed "s|^|was: |"
		else
			echo "new: $item"
		fi
		cp "$actual" "golden/$item.png"
		rm -f "$actual"
		ok
		continue
	fi
	if [ ! -e "golden/$item.png" ]; then
		bad "$label: no reference golden/$item.png (make golden creates it; review it first)"
		continue
	fi
	# shellcheck disable=SC2086
	"$AP" diff "golden/$item.png" "$actual" $dopts --out "${actual%.png}_diff.png" >"$T/diff" 2>&1
	if [ $? = 0 ]; then
		ok
		rm -f "$actual"
	else
		cat "$T/diff" >&2
		bad "$label: differs from golden/$item.png; actual: $actual, diff: ${actual%.png}_diff.png"
	fi
	done
	done
done
rmdir "$out" 2>/dev/null
rmdir tests/out 2>/dev/null
done_tests
