#include "io/zdef.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* RFC 1951 3.2.5: lengths 3..258 as symbols 257..285 and their extra bits */
static const uint16_t len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
				       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
/* the order the code-length code's lengths are sent in */
static const uint8_t cl_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

#define MAX_BITS 15
#define CL_MAX_BITS 7
#define MAX_RUN 258
#define STORED_MAX 65535u

int zdef_init(struct zdef *z, unsigned dist, size_t chunk_max)
{
	memset(z, 0, sizeof *z);
	if (dist < 1 || dist > ZDEF_MAX_DIST || !chunk_max)
		return -1;
	z->dist = dist;
	z->chunk_max = chunk_max;
	z->adler = 1;
	z->tok = malloc(chunk_max * sizeof *z->tok);
	if (!z->tok)
		return -1;
	for (int s = 0; s < 28; s++)
		for (int l = len_base[s]; l < len_base[s] + (1 << len_extra[s]) && l <= MAX_RUN; l++)
			z->len_sym[l - 3] = (uint8_t)s;
	z->len_sym[MAX_RUN - 3] = 28;     /* 258 has a symbol of its own, not 284's last */
	return 0;
}

void zdef_free(struct zdef *z)
{
	free(z->tok);
	z->tok = NULL;
}

size_t zdef_bound(size_t n)
{
	/* the larger of a Huffman block and stored ones is never written: stored blocks'
	 * 5-byte headers, the header, pending bits, the trailer */
	return n + 6 * (n / STORED_MAX + 1) + 2 + 8 + 8;
}

/* Minimum-redundancy code lengths in place (Moffat and Katajainen, 1995): a holds n >= 2
 * frequencies in ascending order; on return a[i] is symbol i's length. */
static void mk_lengths(uint32_t *a, int n)
{
	int root = 0, leaf = 2;
	a[0] += a[1];
	for (int next = 1; next < n - 1; next++) {
		if (leaf >= n || a[root] < a[leaf]) {
			a[next] = a[root];
			a[root++] = (uint32_t)next;
		} else {
			a[next] = a[leaf++];
		}
		if (leaf >= n || (root < next && a[root] < a[leaf])) {
			a[next] += a[root];
			a[root++] = (uint32_t)next;
		} else {
			a[next] += a[leaf++];
		}
	}
	a[n - 2] = 0;
	for (int next = n - 3; next >= 0; next--)
		a[next] = a[a[next]] + 1;
	int avail = 1, used = 0, depth = 0;
	root = n - 2;
	int next = n - 1;
	while (avail > 0) {
		while (root >= 0 && (int)a[root] == depth) {
			used++;
			root--;
		}
		while (avail > used) {
			a[next--] = (uint32_t)depth;
			avail--;
		}
		avail = 2 * used;
		depth++;
		used = 0;
	}
}

/* a[0..n) ascending, bottom-up merges through tmp: qsort's comparison calls were most of
 * the time a block spent choosing its codes (keys are distinct, so any sort agrees) */
static void sort_u64(uint64_t *a, uint64_t *tmp, int n)
{
	uint64_t *src = a, *dst = tmp;
	for (int w = 1; w < n; w *= 2) {
		for (int lo = 0; lo < n; lo += 2 * w) {
			int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (size_t)n * sizeof *a);
}

void zdef_lengths(const uint32_t *freq, int n, int maxbits, uint8_t *lens)
{
	uint64_t sorted[ZDEF_LITLEN], tmp[ZDEF_LITLEN];
	uint32_t a[ZDEF_LITLEN];
	int used = 0;
	memset(lens, 0, (size_t)n);
	for (int s = 0; s < n && s < ZDEF_LITLEN; s++)
		if (freq[s])
			sorted[used++] = (uint64_t)freq[s] << 16 | (uint64_t)s;
	if (used == 1)
		lens[sorted[0] & 0xffff] = 1;
	if (used < 2)
		return;
	sort_u64(sorted, tmp, used);
	for (int i = 0; i < used; i++)
		a[i] = (uint32_t)(sorted[i] >> 16);
	mk_lengths(a, used);
	/* too long codes: clamp, then lengthen shorter ones until the code is complete
	 * again (each round takes one code off the longest length and splits one of the
	 * next shorter into two: the Kraft sum drops by one unit of 2^-maxbits) */
	uint32_t count[MAX_BITS + 1] = { 0 };
	for (int i = 0; i < used; i++)
		count[a[i] > (uint32_t)maxbits ? maxbits : (int)a[i]]++;
	uint32_t total = 0;
	for (int l = 1; l <= maxbits; l++)
		total += count[l] << (maxbits - l);
	while (total > 1u << maxbits) {
		count[maxbits]--;
		for (int l = maxbits - 1; l > 0; l--)
			if (count[l]) {
				count[l]--;
				count[l + 1] += 2;
				break;
			}
		total--;
	}
	/* the least frequent symbols take the longest codes */
	int i = 0;
	for (int l = maxbits; l > 0; l--)
		for (uint32_t k = 0; k < count[l]; k++)
			lens[sorted[i++] & 0xffff] = (uint8_t)l;
}

/* Canonical codes, bit-reversed: deflate sends Huffman codes most significant bit first
 * into an LSB-first stream. */
static void make_codes(const uint8_t *lens, int n, uint16_t *codes)
{
	uint16_t count[MAX_BITS + 1] = { 0 }, next[MAX_BITS + 2];
	for (int s = 0; s < n; s++)
		count[lens[s]]++;
	count[0] = 0;
	uint32_t code = 0;
	for (int l = 1; l <= MAX_BITS; l++) {
		code = (code + count[l - 1]) << 1;
		next[l] = (uint16_t)code;
	}
	for (int s = 0; s < n; s++) {
		unsigned l = lens[s];
		if (!l) {
			codes[s] = 0;
			continue;
		}
		uint32_t c = next[l]++, r = 0;
		for (unsigned b = 0; b < l; b++, c >>= 1)
			r = r << 1 | (c & 1);
		codes[s] = (uint16_t)r;
	}
}

/* The bit writer: up to 57 pending bits, whole 32-bit words written out. */
struct bw {
	uint64_t bits;
	unsigned n;
	uint8_t *o;
};

static inline void put(struct bw *w, uint32_t v, unsigned n)
{
	w->bits |= (uint64_t)v << w->n;
	w->n += n;
	if (w->n >= 32) {
		uint32_t lo = (uint32_t)w->bits;
		w->o[0] = (uint8_t)lo;
		w->o[1] = (uint8_t)(lo >> 8);
		w->o[2] = (uint8_t)(lo >> 16);
		w->o[3] = (uint8_t)(lo >> 24);
		w->o += 4;
		w->bits >>= 32;
		w->n -= 32;
	}
}

/* To a byte boundary, everything pending written. */
static void align(struct bw *w)
{
	w->n = (w->n + 7) & ~7u;
	while (w->n) {
		*w->o++ = (uint8_t)w->bits;
		w->bits >>= 8;
		w->n -= 8;
	}
}

/* How many bytes from p on repeat the ones dist before them, up to max. */
static inline size_t run_length(const uint8_t *p, size_t dist, size_t max)
{
	size_t k = 0;
	while (k + 8 <= max) {
		uint64_t x, y;
		memcpy(&x, p + k, 8);
		memcpy(&y, p + k - dist, 8);
		uint64_t d = x ^ y;
		if (d) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			return k + (size_t)__builtin_clzll(d) / 8;
#else
			return k + (size_t)__builtin_ctzll(d) / 8;
#endif
		}
		k += 8;
	}
	while (k < max && p[k] == *(p + k - dist))
		k++;
	return k;
}

/* Tokens of p[0..n) into z->tok, their frequencies into z->freq; returns the count. */
static size_t tokenize(struct zdef *z, const uint8_t *p, size_t n, size_t hist)
{
	size_t dist = z->dist, i = 0, nt = 0;
	uint16_t *tok = z->tok;
	uint32_t *freq = z->freq;
	memset(freq, 0, sizeof z->freq);
	for (; i < n && i + hist < dist; i++) {     /* nothing far enough back to repeat */
		tok[nt++] = p[i];
		freq[p[i]]++;
	}
	while (i < n) {
		size_t max = n - i < MAX_RUN ? n - i : MAX_RUN;
		size_t len = max >= 3 && p[i] == *(p + i - dist) ? run_length(p + i, dist, max) : 0;
		if (len >= 3) {
			tok[nt++] = (uint16_t)(256 + len - 3);
			freq[257 + z->len_sym[len - 3]]++;
			i += len;
		} else {
			tok[nt++] = p[i];
			freq[p[i]]++;
			i++;
		}
	}
	freq[256]++;                 /* end of block */
	return nt;
}

static size_t stored(struct bw *w, const uint8_t *p, size_t n, bool last)
{
	uint8_t *o0 = w->o;
	do {
		size_t k = n < STORED_MAX ? n : STORED_MAX;
		put(w, (last && k == n) ? 1 : 0, 3);
		align(w);
		w->o[0] = (uint8_t)k;
		w->o[1] = (uint8_t)(k >> 8);
		w->o[2] = (uint8_t)~k;
		w->o[3] = (uint8_t)(~k >> 8);
		memcpy(w->o + 4, p, k);
		w->o += 4 + k;
		p += k;
		n -= k;
	} while (n);
	return (size_t)(w->o - o0);
}

#define ADLER_MOD 65521u
#define ADLER_RUN 5536u              /* bytes between reductions: a multiple of 16, sums fit */

/* Adler-32, 16 bytes a step where SSE2 is there (zlib's is a byte at a time: 3% of a
 * transition's CPU). Over a run of n bytes from (a, b): a' = a + sum p[i] and
 * b' = b + n a + sum (n - i) p[i]; per 16-byte step the weights 16..1 come from
 * _mm_madd_epi16, and 16 x (bytes before the step) from a running sum of the sums. */
uint32_t zdef_adler32(uint32_t adler, const uint8_t *p, size_t n)
{
	uint64_t a = adler & 0xffff, b = adler >> 16;
	while (n) {
		size_t run = n < ADLER_RUN ? n : ADLER_RUN, i = 0;
#ifdef __SSE2__
		size_t vec = run & ~(size_t)15;
		if (vec) {
			const __m128i zero = _mm_setzero_si128();
			const __m128i w_lo = _mm_setr_epi16(16, 15, 14, 13, 12, 11, 10, 9);
			const __m128i w_hi = _mm_setr_epi16(8, 7, 6, 5, 4, 3, 2, 1);
			__m128i vs = zero, vps = zero, vw = zero;
			for (; i < vec; i += 16) {
				__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
				vps = _mm_add_epi32(vps, vs);
				vs = _mm_add_epi32(vs, _mm_sad_epu8(v, zero));
				vw = _mm_add_epi32(vw, _mm_madd_epi16(_mm_unpacklo_epi8(v, zero), w_lo));
				vw = _mm_add_epi32(vw, _mm_madd_epi16(_mm_unpackhi_epi8(v, zero), w_hi));
			}
			uint32_t s[4], ps[4], ws[4];
			_mm_storeu_si128((__m128i *)(void *)s, vs);
			_mm_storeu_si128((__m128i *)(void *)ps, vps);
			_mm_storeu_si128((__m128i *)(void *)ws, vw);
			uint64_t sum = (uint64_t)s[0] + s[2], before = (uint64_t)ps[0] + ps[2];
			b += vec * a + 16 * before + (uint64_t)ws[0] + ws[1] + ws[2] + ws[3];
			a += sum;
		}
#endif
		for (; i < run; i++) {
			a += p[i];
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
		p += run;
		n -= run;
	}
	return (uint32_t)(b << 16 | a);
}

size_t zdef_block(struct zdef *z, const uint8_t *p, size_t n, size_t hist, bool last, uint8_t *out)
{
	assert(n <= z->chunk_max && !z->ended);
	struct bw w = { z->bits, z->nbits, out };
	if (!z->started) {
		out[0] = 0x78;            /* deflate, 32 KB window */
		out[1] = 0x01;            /* fastest; (0x78 << 8 | 0x01) % 31 == 0 */
		w.o += 2;
		z->started = true;
	}
	z->adler = zdef_adler32(z->adler, p, n);
	size_t nt = tokenize(z, p, n, hist);

	/* the tables: literals and lengths; one distance code used (dist - 1), length 1,
	 * which RFC 1951 3.2.7 allows; at least two literal/length symbols so the code is
	 * complete */
	uint32_t *freq = z->freq;
	if (nt == 0)
		freq[0]++;
	zdef_lengths(freq, ZDEF_LITLEN, MAX_BITS, z->lens);
	make_codes(z->lens, ZDEF_LITLEN, z->codes);
	int hlit = ZDEF_LITLEN;
	while (hlit > 257 && !z->lens[hlit - 1])
		hlit--;
	int hdist = (int)z->dist;
	uint8_t all[ZDEF_LITLEN + ZDEF_MAX_DIST];
	memcpy(all, z->lens, (size_t)hlit);
	memset(all + hlit, 0, (size_t)hdist);
	all[hlit + hdist - 1] = 1;

	/* the lengths run-length coded (16: repeat the previous 3-6 times, 17: 3-10 zeros,
	 * 18: 11-138 zeros), and the code-length code */
	uint8_t cl[ZDEF_LITLEN + ZDEF_MAX_DIST], clx[ZDEF_LITLEN + ZDEF_MAX_DIST];
	uint32_t clfreq[19] = { 0 };
	int ncl = 0, total = hlit + hdist;
	for (int i = 0; i < total;) {
		int v = all[i], run = 1;
		while (i + run < total && all[i + run] == v)
			run++;
		i += run;
		if (v == 0) {
			while (run >= 11) {
				int r = run < 138 ? run : 138;
				cl[ncl] = 18, clx[ncl++] = (uint8_t)(r - 11);
				run -= r;
			}
			if (run >= 3) {
				cl[ncl] = 17, clx[ncl++] = (uint8_t)(run - 3);
				run = 0;
			}
		} else {
			cl[ncl] = (uint8_t)v, clx[ncl++] = 0;
			run--;
			while (run >= 3) {
				int r = run < 6 ? run : 6;
				cl[ncl] = 16, clx[ncl++] = (uint8_t)(r - 3);
				run -= r;
			}
		}
		while (run-- > 0)
			cl[ncl] = (uint8_t)v, clx[ncl++] = 0;
	}
	for (int i = 0; i < ncl; i++)
		clfreq[cl[i]]++;
	int clused = 0;
	for (int s = 0; s < 19; s++)
		clused += clfreq[s] != 0;
	if (clused < 2)              /* the code-length code must be complete: a second symbol */
		clfreq[clfreq[0] ? 1 : 0]++;
	uint8_t cllens[19];
	uint16_t clcodes[19];
	zdef_lengths(clfreq, 19, CL_MAX_BITS, cllens);
	make_codes(cllens, 19, clcodes);
	int hclen = 19;
	while (hclen > 4 && !cllens[cl_order[hclen - 1]])
		hclen--;

	/* its size against stored blocks' */
	uint64_t cost = 3 + 14 + 3 * (uint64_t)hclen;
	for (int i = 0; i < ncl; i++)
		cost += cllens[cl[i]] + (cl[i] == 16 ? 2 : cl[i] == 17 ? 3 : cl[i] == 18 ? 7 : 0);
	for (int s = 0; s < hlit; s++)
		cost += (uint64_t)freq[s] * z->lens[s];
	for (int s = 0; s < 29; s++)
		cost += (uint64_t)freq[257 + s] * (len_extra[s] + 1u);   /* and the distance bit */
	uint64_t stored_cost = (uint64_t)(n / STORED_MAX + 1) * (3 + 7 + 32) + 8 * (uint64_t)n;
	if (cost > stored_cost) {
		stored(&w, p, n, last);
	} else {
		put(&w, last ? 1 : 0, 1);
		put(&w, 2, 2);                          /* dynamic Huffman */
		put(&w, (uint32_t)(hlit - 257), 5);
		put(&w, (uint32_t)(hdist - 1), 5);
		put(&w, (uint32_t)(hclen - 4), 4);
		for (int i = 0; i < hclen; i++)
			put(&w, cllens[cl_order[i]], 3);
		for (int i = 0; i < ncl; i++) {
			put(&w, clcodes[cl[i]], cllens[cl[i]]);
			if (cl[i] >= 16)
				put(&w, clx[i], cl[i] == 16 ? 2 : cl[i] == 17 ? 3 : 7);
		}
		const uint16_t *codes = z->codes;
		const uint8_t *lens = z->lens;
		for (size_t k = 0; k < nt; k++) {
			unsigned t = z->tok[k];
			if (t < 256) {
				put(&w, codes[t], lens[t]);
			} else {
				unsigned l = t - 256, s = z->len_sym[l];
				/* the length's code, its extra bits, and distance code 0 (one bit, 0) */
				put(&w, codes[257 + s] | (l + 3 - len_base[s]) << lens[257 + s],
				    lens[257 + s] + len_extra[s] + 1u);
			}
		}
		put(&w, codes[256], lens[256]);
	}
	z->bits = w.bits;
	z->nbits = w.n;
	if (last)
		z->ended = true;
	return (size_t)(w.o - out);
}

size_t zdef_finish(struct zdef *z, uint8_t *out)
{
	struct bw w = { z->bits, z->nbits, out };
	align(&w);
	uint32_t a = z->adler;
	w.o[0] = (uint8_t)(a >> 24);
	w.o[1] = (uint8_t)(a >> 16);
	w.o[2] = (uint8_t)(a >> 8);
	w.o[3] = (uint8_t)a;
	w.o += 4;
	z->bits = 0;
	z->nbits = 0;
	return (size_t)(w.o - out);
}

size_t zdef_compress_bound(size_t n, size_t chunk)
{
	size_t blocks = n / chunk + 1;
	return blocks * zdef_bound(chunk) + 8;
}

size_t zdef_compress(const uint8_t *p, size_t n, unsigned dist, size_t chunk, uint8_t *out)
{
	struct zdef z;
	if (zdef_init(&z, dist, chunk)) {
		zdef_free(&z);
		return 0;
	}
	size_t m = 0, at = 0;
	do {
		size_t k = n - at < chunk ? n - at : chunk;
		m += zdef_block(&z, p + at, k, at < ZDEF_MAX_DIST ? at : ZDEF_MAX_DIST, at + k == n, out + m);
		at += k;
	} while (at < n);
	m += zdef_finish(&z, out + m);
	zdef_free(&z);
	return m;
}
