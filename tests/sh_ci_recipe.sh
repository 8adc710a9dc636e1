#!/bin/sh
# The README's CI recipe (doc/ci-example.sh), run as written on the synthetic data:
# UPDATE=1 makes references, an unchanged run passes, a changed figure fails with a diff.
. "$(dirname "$0")/setup"
export IMAGES=tests/data/syn_gray.npy LAYOUT=tests/data/syn_xy.npy GOLDEN=$T/golden DIFFS=$T/diff ATLASPLOT=$AP
check "UPDATE=1 makes the references" sh -c "UPDATE=1 sh doc/ci-example.sh >/dev/null"
check "two references" test -s "$T/golden/overview.png" -a -s "$T/golden/zoom.png"
check "unchanged figures pass" sh -c "sh doc/ci-example.sh >/dev/null"
check "no diff images on a pass" test ! -e "$T/diff"
# a different data set: the layout CSV moves one point
sed '5s/.*/1.5,77.0,3/' tests/data/syn_xy.csv > "$T/moved.csv"
LAYOUT=$T/moved.csv sh doc/ci-example.sh >"$T/out" 2>"$T/err"
check "a changed figure fails" test $? = 1
check "it says where to look" grep -q "figures changed: look at $T/diff/\*_diff.png" "$T/err"
check "the diff image exists" test -s "$T/diff/overview_diff.png"
check "the report names the failing figure" grep -q "^FAIL overview.png" "$T/out"
done_tests
