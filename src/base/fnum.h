/*
 * fnum: float to integer conversions that are defined for every double. C leaves a
 * conversion undefined when the value does not fit the integer type (NaN, inf, 1e300),
 * and clang's -fsanitize=float-cast-overflow (make check-asan) stops on one; the pure
 * code clamps through these before every such cast, so no input value reaches one.
 * Not here: the bounds the CLI checks on what a user typed (cam.h's CAM_* limits).
 */
#ifndef AP_FNUM_H
#define AP_FNUM_H

#include <stdint.h>

/* v clamped to [lo, hi]; NaN gives lo. */
static inline double fnum_clamp(double v, double lo, double hi)
{
	return v >= lo ? (v <= hi ? v : hi) : lo;
}

/* v truncated toward zero into [lo, hi]; NaN gives lo. lo and hi must be exact as doubles
 * (|bound| < 2^53), so that the clamped value fits. */
static inline long fnum_long(double v, long lo, long hi)
{
	return (long)fnum_clamp(v, (double)lo, (double)hi);
}

static inline uint32_t fnum_u32(double v, uint32_t lo, uint32_t hi)
{
	return (uint32_t)fnum_clamp(v, (double)lo, (double)hi);
}

#endif
