#!/bin/sh
# make install / make uninstall into a prefix under the scratch folder (and a DESTDIR
# staging root); the installed binary and man page work; every long option that
# `atlasplot COMMAND --help` prints is in the man page and, for the options a command
# defines, in the bash completion; the completion completes commands, options and
# option values. Nothing outside $T is touched.
. "$(dirname "$0")/setup"
MAN=doc/atlasplot.1
COMP=doc/atlasplot.bash
P=$T/p
# A sub-make inherits MAKEFLAGS from `make test` (so `make check-asan` installs its own
# BIN); its jobserver notice, if any, goes to the log with everything else.
mk() { make --no-print-directory -s "$@" >"$T/make.log" 2>&1 || { cat "$T/make.log" >&2; return 1; }; }
FILES="bin/atlasplot share/man/man1/atlasplot.1 share/bash-completion/completions/atlasplot include/atlasplot.h
lib/libatlasplot.a lib/pkgconfig/atlasplot.pc
lib/python3/dist-packages/atlasplot/__init__.py lib/python3/dist-packages/atlasplot/_lib.py"
# make check-asan builds no shared library (NO_SO=1)
[ "${NO_SO:-}" = 1 ] || FILES="$FILES lib/libatlasplot.so.0.1.0 lib/libatlasplot.so.0 lib/libatlasplot.so"

# install into PREFIX
check "make install PREFIX=\$T/p" mk install PREFIX="$P"
for f in $FILES; do
	check "installed $f" test -f "$P/$f"
done
check "binary is executable" test -x "$P/bin/atlasplot"
[ "${NO_SO:-}" = 1 ] || check "the SONAME link" test "$(readlink "$P/lib/libatlasplot.so.0")" = libatlasplot.so.0.1.0
check "pkg-config names the prefix" sh -c "PKG_CONFIG_PATH='$P/lib/pkgconfig' pkg-config --cflags --libs atlasplot |
	grep -qx -- '-I$P/include -L$P/lib -latlasplot *'"
check "page and completion are not executable" test ! -x "$P/share/man/man1/atlasplot.1" -a \
	! -x "$P/share/bash-completion/completions/atlasplot"
check "installed page and completion are the sources" sh -c "cmp -s '$MAN' '$P/share/man/man1/atlasplot.1' &&
	cmp -s '$COMP' '$P/share/bash-completion/completions/atlasplot'"
check "installed binary runs" test "$("$P/bin/atlasplot" --version 2>&1)" = "$("$AP" --version)"
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$P/share/man/man1/atlasplot.1" >"$T/man.txt" 2>"$T/man.err"; rc=$?
	check "man -l of the installed page" test "$rc" = 0
	check "rendered page has its sections" sh -c "grep -q '^NAME' '$T/man.txt' &&
		grep -q 'CAMERA AND SPRITE SEMANTICS' '$T/man.txt' && grep -q '^EXIT STATUS' '$T/man.txt'"
else
	ok; ok    # no man here: nothing to render with
fi
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.out" 2>&1
	check "groff -ww: no warnings" test ! -s "$T/groff.out"
else
	ok
fi

# make uninstall removes exactly the installed files
echo keep >"$P/bin/other"
check "make uninstall PREFIX=\$T/p" mk uninstall PREFIX="$P"
for f in $FILES; do
	check "uninstalled $f" test ! -e "$P/$f"
done
check "other files stay" test -f "$P/bin/other"
check "uninstall again is harmless" mk uninstall PREFIX="$P"

# DESTDIR stages under a root, PREFIX inside it
check "make install DESTDIR" mk install DESTDIR="$T/stage" PREFIX=/opt/ap
for f in $FILES; do
	check "staged $f" test -f "$T/stage/opt/ap/$f"
done
check "make uninstall DESTDIR" mk uninstall DESTDIR="$T/stage" PREFIX=/opt/ap
check "staged files removed" test -z "$(find "$T/stage" -type f)"

# help and man page cannot drift: every --option any --help prints is in the page
# (its source with \- as -, fonts dropped, options taken as whole tokens).
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man_opts"
"$AP" --help >"$T/help_top"
for c in render animate atlas info diff cache grid; do
	"$AP" $c --help >"$T/help_$c" 2>&1 || bad "$c --help exits non-zero"
done
for h in top render animate atlas info diff cache grid; do
	n=0
	for o in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T/help_$h" | sort -u); do
		n=$((n + 1))
		grep -qxF -- "$o" "$T/man_opts" || bad "man page lacks $o (from ${h#top} --help)"
	done
	check "$h --help names options" test "$n" -gt 0
done
check "man page documents the coming data options" sh -c "for o in --images --manifest --cell \
	--on-bad-image --backend; do grep -qxF -- \$o '$T/man_opts' || exit 1; done"

# The completion script: syntax, and what it offers
if command -v bash >/dev/null 2>&1; then
	check "bash -n completion" bash -n "$COMP"
	# comp WORDS...: the completion of the last word (COMP_CWORD), one line, sorted
	cat >"$T/comp.bash" <<'EOF'
. "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_atlasplot
printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
EOF
	comp() { bash "$T/comp.bash" "$COMP" "$@"; }
	check "registered for atlasplot" bash -c ". '$COMP' && complete -p atlasplot | grep -q -- '-F _atlasplot'"
	check "atlasplot ren -> render" test "$(comp atlasplot ren)" = "render"
	check "atlasplot a -> animate atlas" test "$(comp atlasplot a)" = "animate atlas"
	check "render --alp -> --alpha" test "$(comp atlasplot render --alp)" = "--alpha"
	check "render --alpha '' -> modes" test "$(comp atlasplot render --alpha '')" = "blend discard opaque"
	check "render --alpha=b -> --alpha=blend" test "$(comp atlasplot render --alpha=b)" = "--alpha=blend"
	check "--backend choices" test "$(comp atlasplot info --backend '')" = "auto cpu egl osmesa"
	check "--color-by choices" test "$(comp atlasplot render --color-by '')" = "label none"
	check "--ease choices" test "$(comp atlasplot animate --ease cubic-)" = "cubic-in cubic-in-out cubic-out"
	check "--path-ease choices" test "$(comp atlasplot animate --path-ease e)" = "exp-in-out"
	check "--stagger-by choices" test "$(comp atlasplot animate --stagger-by '')" = "distance index label"
	check "--align choices" test "$(comp atlasplot animate --align '')" = "none procrustes"
	check "--on-bad-image choices" test "$(comp atlasplot atlas --on-bad-image '')" = "fail skip"
	check "grid --method choices" test "$(comp atlasplot grid --method '')" = "auto exact heuristic random"
	check "grid --cols takes no completion" test -z "$(comp atlasplot grid --cols '')"
	check "--size takes no completion" test -z "$(comp atlasplot render --size '')"
	mkdir -p "$T/f/sub" && : >"$T/f/lay.csv" && : >"$T/f/m.csv"
	for o in --images --labels --layout --manifest -o; do
		check "render $o completes files" test "$(comp atlasplot render $o "$T/f/")" = "$T/f/lay.csv $T/f/m.csv $T/f/sub"
	done
	for o in --from --to --path --manifest --output; do
		check "animate $o completes files" test "$(comp atlasplot animate $o "$T/f/l")" = "$T/f/lay.csv"
	done
	check "atlas -o completes folders" test "$(comp atlasplot atlas -o "$T/f/")" = "$T/f/sub"
	check "diff operands are files" test "$(comp atlasplot diff "$T/f/m")" = "$T/f/m.csv"
	# every option a command's --help defines (at the start of a help line) is offered
	check "--cache completes folders" test "$(comp atlasplot render --cache "$T/f/")" = "$T/f/sub"
	check "cache --list completes folders" test "$(comp atlasplot cache --list "$T/f/")" = "$T/f/sub"
	for c in render animate atlas info diff cache grid; do
		all=" $(comp atlasplot $c --) "
		for o in $(grep -oE -- '^ +(-[a-zA-Z], +)?--[a-z][a-z0-9-]*' "$T/help_$c" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			case $all in *" $o "*) ok ;; *) bad "completion of '$c --' lacks $o" ;; esac
		done
	done
else
	ok    # no bash: the completion is bash-only
fi
done_tests
