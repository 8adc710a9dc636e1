#!/bin/sh
# The Python package (python/atlasplot) over libatlasplot.so: tests/python/test_*.py with
# Debian's pytest, its summary turned into the "N passed, N failed" line of tests/run.sh.
# Skipped tests count as passed (they say why in the log); no tests at all is a failure.
. "$(dirname "$0")/setup"
export AP
if [ "${NO_SO:-}" = 1 ]; then
	# make check-asan builds no shared library (NO_SO=1): the suite runs in make test
	echo "sh_python: skipped: no libatlasplot.so in a NO_SO=1 build"
	echo "0 passed, 0 failed"
	exit 0
fi
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python >"$T/log" 2>&1
rc=$?
cat "$T/log"
sum=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|error)' "$T/log" | tail -n 1)
num() { printf '%s\n' "$sum" | grep -oE "[0-9]+ $1" | grep -oE '[0-9]+' || echo 0; }
p=$(($(num passed) + $(num skipped)))
f=$(($(num failed) + $(num error) + $(num errors)))
[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1     # exit 5 (no tests) or a crash is a failure
[ "$p" != 0 ] || f=$((f + 1))
echo "$p passed, $f failed"
[ "$f" = 0 ]
