#!/bin/sh
# Runs every unit-test binary (build/tests/test_*) and every shell test (tests/sh_*.sh),
# each of which ends with "N passed, N failed", and prints the sum as the last line.
# Usage: sh tests/run.sh [NAME_FILTER]
cd "$(dirname "$0")/.." || exit 2
filter=${1:-}
total_p=0 total_f=0 broken=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${BUILD:-build}"/tests/test_* tests/sh_*.sh; do
	case "$t" in *.d) continue ;; esac
	[ -e "$t" ] || continue
	case "$t" in *"$filter"*) ;; *) continue ;; esac
	case "$t" in *.sh) cmd="sh $t" ;; *) cmd="$t" ;; esac
	$cmd >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$log"
		echo "run: $t exited $rc without a result line"
		broken="$broken $t"
		total_f=$((total_f + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }; f=${f%% failed}
	if [ "$f" != 0 ] || [ "$rc" != 0 ]; then
		cat "$log"
		[ "$f" = 0 ] && f=1
	fi
	printf '%-32s %s\n' "$(basename "$t")" "$line"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
done
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
