/*
 * t: the smallest unit-test harness that does the job. Each test binary counts
 * its checks and ends with "N passed, N failed"; tests/run.sh adds them up.
 */
#ifndef AP_T_H
#define AP_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do { \
	if (cond) t_pass++; \
	else { t_fail++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long t_a = (long long)(a), t_b = (long long)(b); \
	if (t_a == t_b) t_pass++; \
	else { t_fail++; fprintf(stderr, "FAIL %s:%d: %s == %s: %lld != %lld\n", \
		__FILE__, __LINE__, #a, #b, t_a, t_b); } \
} while (0)

#define CHECK_NEAR(a, b, eps) do { \
	double t_a = (double)(a), t_b = (double)(b); \
	if (t_a - t_b <= (eps) && t_b - t_a <= (eps)) t_pass++; \
	else { t_fail++; fprintf(stderr, "FAIL %s:%d: %s ~ %s: %.9g != %.9g\n", \
		__FILE__, __LINE__, #a, #b, t_a, t_b); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *t_a = (a), *t_b = (b); \
	if (t_a && t_b && strcmp(t_a, t_b) == 0) t_pass++; \
	else { t_fail++; fprintf(stderr, "FAIL %s:%d: %s == %s:\n  got      '%s'\n  expected '%s'\n", \
		__FILE__, __LINE__, #a, #b, t_a ? t_a : "(null)", t_b ? t_b : "(null)"); } \
} while (0)

static inline int t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
