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
# A scene file: '#' comments, one line 'COMMAND ARGS...' (render or atlas; -o is added),
# and optionally 'diff: OPTIONS' for atlasplot diff. $M and $F stand for the MNIST cache
# and the Fashion-MNIST folder. A missing reference is a failure, never created silently.
. "$(dirname "$0")/setup"
regen=0
if [ "${1:-}" = "--regenerate" ]; then regen=1; shift; fi
M=.cache/mnist
F=/usr/share/datasets/fashion-mnist
out=tests/out/golden
mkdir -p "$out"
scenes=""
if [ $# -gt 0 ]; then
	for n in "$@"; do scenes="$scenes tests/golden/$n.scene"; done
else
	scenes=$(ls tests/golden/*.scene)
fi
for s in $scenes; do
	name=$(basename "$s" .scene)
	cmd=$(grep -v '^#' "$s" | grep -v '^diff:' | grep -v '^[[:space:]]*$' | sed -e "s|\$M|$M|g" -e "s|\$F|$F|g")
	dopts=$(sed -n 's/^diff://p' "$s")
	actual="$out/$name.png"
	rm -f "$actual" "$out/${name}_diff.png"
	# shellcheck disable=SC2086
	set -- $cmd
	verb=$1; shift
	case "$verb" in
	atlas)
		rm -rf "$T/atlas"
		"$AP" atlas "$@" -o "$T/atlas" 2>"$T/err" && mv "$T/atlas/page_000.png" "$actual" ;;
	*)
		"$AP" "$verb" "$@" -o "$actual" 2>"$T/err" ;;
	esac
	if [ $? != 0 ] || [ ! -s "$actual" ]; then
		bad "$name: the command failed: $(cat "$T/err")"
		continue
	fi
	if [ "$regen" = 1 ]; then
		if [ -e "golden/$name.png" ]; then
			# shellcheck disable=SC2086
			"$AP" diff "golden/$name.png" "$actual" $dopts | sed "s|^|was: |"
		else
			echo "new: $name"
		fi
		cp "$actual" "golden/$name.png"
		rm -f "$actual"
		ok
		continue
	fi
	if [ ! -e "golden/$name.png" ]; then
		bad "$name: no reference golden/$name.png (make golden creates it; review it first)"
		continue
	fi
	# shellcheck disable=SC2086
	"$AP" diff "golden/$name.png" "$actual" $dopts --out "$out" >"$T/diff" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		ok
		rm -f "$actual"
	else
		cat "$T/diff" >&2
		bad "$name: differs from golden/$name.png; actual: $actual, diff: $out/${name}_diff.png"
	fi
done
rmdir "$out" 2>/dev/null
rmdir tests/out 2>/dev/null
done_tests
