#include "core/pal.h"

#include <ctype.h>
#include <string.h>

static const uint32_t tab10[10] = {
	0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
	0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
};

static const uint32_t tab20[20] = {
	0x1f77b4, 0xaec7e8, 0xff7f0e, 0xffbb78, 0x2ca02c, 0x98df8a, 0xd62728, 0xff9896,
	0x9467bd, 0xc5b0d5, 0x8c564b, 0xc49c94, 0xe377c2, 0xf7b6d2, 0x7f7f7f, 0xc7c7c7,
	0xbcbd22, 0xdbdb8d, 0x17becf, 0x9edae5,
};

static uint32_t from_hex(uint32_t rgb)
{
	return PAL_RGBA(rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255, 255);
}

uint32_t pal_label(int32_t label, int64_t nlabels)
{
	if (label < 0)
		label = 0;
	if (nlabels <= 10)
		return from_hex(tab10[label % 10]);
	return from_hex(tab20[label % 20]);
}

int pal_parse(const char *s, uint32_t *out)
{
	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	if (*s == '#')
		s++;
	size_t n = strlen(s);
	if (n != 6 && n != 8)
		return -1;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		int c = s[i];
		v = v << 4 | (uint32_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	if (n == 6)
		*out = from_hex(v);
	else
		*out = PAL_RGBA(v >> 24 & 255, v >> 16 & 255, v >> 8 & 255, v & 255);
	return 0;
}

void pal_premul(uint32_t c, float out[4])
{
	float a = (float)(c >> 24 & 255) / 255.0f;
	out[0] = (float)(c & 255) / 255.0f * a;
	out[1] = (float)(c >> 8 & 255) / 255.0f * a;
	out[2] = (float)(c >> 16 & 255) / 255.0f * a;
	out[3] = a;
}

uint32_t pal_outline(uint32_t c, uint32_t bg)
{
	if (c)
		return c;
	if (!(bg >> 24))
		return 0xffffffffu;
	float lum = 0.2126f * (float)(bg & 255) + 0.7152f * (float)(bg >> 8 & 255) + 0.0722f * (float)(bg >> 16 & 255);
	return lum < 128 ? 0xffffffffu : 0xff000000u;
}
