#!/bin/sh
# make gpu-check's short form (GPU_CHECK_SHORT=1: 12 frames), here on whatever GL there
# is (llvmpipe through surfaceless EGL without a GPU): the script runs, the egl frame
# matches the cpu one within the golden tolerance, egl's transition uploads once, the
# summary has every line.
. "$(dirname "$0")/setup"
GPU_CHECK_SHORT=1 GPU_CHECK_NOBUILD=1 AP="$AP" sh scripts/gpu_check.sh >"$T/out" 2>&1
rc=$?
check "gpu_check.sh short form succeeds" test "$rc" = 0
[ "$rc" = 0 ] || cat "$T/out"
check "it lists the EGL devices" grep -q '^egl: ' "$T/out"
check "the overview matches" grep -q '^overview egl vs cpu: PASS$' "$T/out"
check "egl's transition uploads in its first frame only" \
	grep -q '^egl  uploads:  [0-9]* bytes of sprite data in 1 of 12 frames, [0-9]* bytes of prescaled images in 1$' "$T/out"
check "egl's PNG frames overlap their read-backs" \
	grep -q '^egl  read-back: 12 frames, 2 in flight, [0-9.]* ms a frame waiting for them$' "$T/out"
check "cpu has no read-back" sh -c "! grep -q '^cpu  read-back' '$T/out'"
for b in egl cpu; do
	check "$b PNG timing" grep -q "^$b  PNGs: .* ms/frame" "$T/out"
	check "$b raw timing" grep -q "^$b  raw RGBA: .* ms/frame" "$T/out"
done
done_tests
