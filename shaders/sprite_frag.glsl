#version 430
// A sprite's pixel: its texel (the atlas's mip levels, or with PRE the prescaled image of
// the frame's scale, one texel a pixel), the discard test with the per-sprite threshold,
// and the premultiplied colour; with DECOR the highlight outline or label frame, a border
// of the sprite; with DOTS its disc (draw/dopts.h): 1 alone, 2 plus the image's share of
// the cross-fade, one source composited once; 3 the image times its share. Compiled per
// (POINTS, PRE, DECOR, ALPHA_MODE, CHANNELS, DOTS) by render.c: llvmpipe runs both sides
// of a branch, so the frame's choices are made before compiling.
// CHANNELS: 1 gray, 3 colour, 4 colour with its own alpha.
layout(binding = 0) uniform sampler2DArray atlas;
layout(binding = 1) uniform sampler2DArray pre_tex;   // prescaled images (presc.h), one level

uniform vec2 inv_page;        // 1 / page size
uniform float pre_inv;        // 1 / pre_tex's layer side
uniform vec4 outline;         // premultiplied
uniform float dot_a;          // the disc's share: weight × opacity
uniform float img_a;          // the image's share

flat in vec4 v_rect;
flat in vec4 v_map;
flat in vec4 v_clamp;
flat in vec4 v_tex;
flat in vec2 v_pre;
flat in vec4 v_tint;
flat in uint v_flags;
#if POINTS
flat in vec4 v_px;
#endif
#if DOTS == 1 || DOTS == 2
flat in vec4 v_dot;
flat in vec3 v_disc;
#endif

out vec4 frag;

#if DOTS != 1
// The image's premultiplied source at pixel centre c; dropped when discard drops it.
vec4 image(vec2 c, out bool dropped)
{
	dropped = false;
	vec4 tint = v_tint;
#if DECOR
	// highlight outline (1) or label frame (2): a border of w pixels inside the rect
	float w = float((v_flags >> 8) & 255u);
	if (c.x < v_rect.x + w || c.x >= v_rect.z - w || c.y < v_rect.y + w || c.y >= v_rect.w - w)
		return (v_flags & 1u) != 0u ? outline : vec4(tint.rgb, 1.0) * tint.a;
	if ((v_flags & 2u) != 0u)
		tint = vec4(1.0);      // colour sprites keep their colours inside the frame
#endif
#if PRE
	vec4 tx = textureLod(pre_tex, vec3((v_pre + c - v_rect.xy + 1.0) * pre_inv, v_tex.x), 0.0);
#else
	// keep the filter footprint of the coarser level inside this image's cell
	vec2 t = clamp(v_map.xy + (c - v_rect.xy) * v_map.zw, v_clamp.xy, v_clamp.zw);
	vec4 tx = textureLod(atlas, vec3(t * inv_page, v_tex.x), v_tex.y);
#endif
#if CHANNELS == 1
	vec3 rgb = vec3(tx.r);
	float a = tx.r;
#elif CHANNELS == 4
	vec3 rgb = tx.rgb;
	float a = tx.a;
#else
	vec3 rgb = tx.rgb;
	float a = dot(tx.rgb, vec3(0.2126, 0.7152, 0.0722));
#endif
#if ALPHA_MODE == 0
	if (a < v_tex.w) {
		dropped = true;
		return vec4(0.0);
	}
	return vec4(rgb * tint.rgb, 1.0) * tint.a;
#elif ALPHA_MODE == 1
#if CHANNELS == 3
	float al = 1.0;
#else
	float al = a;
#endif
#if CHANNELS == 1
	vec3 col = tint.rgb;
#else
	vec3 col = rgb * tint.rgb;
#endif
	return vec4(col * al, al) * tint.a;
#else
	return vec4(rgb * tint.rgb, 1.0) * tint.a;
#endif
}
#endif

void main()
{
	vec2 c = gl_FragCoord.xy;
#if POINTS
	if (c.x >= v_px.z || c.y >= v_px.w)
		discard;
#endif
#if DOTS == 1 || DOTS == 2
	vec2 d = c - v_disc.xy;
	float cov = clamp(v_disc.z - sqrt(d.x * d.x + d.y * d.y), 0.0, 1.0);
	vec4 src = vec4(v_dot.rgb, 1.0) * (cov * dot_a);
#if DOTS == 2
	// the image inside its own rectangle, which lies inside the disc's square
	if (c.x >= v_rect.x && c.x < v_rect.z && c.y >= v_rect.y && c.y < v_rect.w) {
		bool dropped;
		src += image(c, dropped) * img_a;
	}
#endif
	if (src.a <= 0.0)
		discard;
	frag = src;
#else
	bool dropped;
	vec4 src = image(c, dropped);
	if (dropped)
		discard;
#if DOTS == 3
	src *= img_a;
#endif
	frag = src;
#endif
}
