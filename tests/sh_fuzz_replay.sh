#!/bin/sh
# Replays the fuzz seeds and every input a fuzzer ever found (tests/fuzz/regress/NAME/)
# through the harnesses, built normally: each must run to completion.
. "$(dirname "$0")/setup"
B=${BUILD:-build}
for f in idx npy csv png zdef jpeg manifest; do
	files=$(find tests/fuzz/seeds/$f tests/fuzz/regress/$f -type f ! -name .keep | sort)
	# shellcheck disable=SC2086
	if "$B/replay/replay_$f" $files >"$T/out" 2>"$T/err" && grep -q ' passed, 0 failed' "$T/out"; then
		ok
	else
		bad "replay $f: $(tail -n 3 "$T/err")"
	fi
done
done_tests
