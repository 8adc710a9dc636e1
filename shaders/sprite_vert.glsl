#version 430
// One instance a sprite, four vertices a quad (a triangle strip). Everything that is the
// same over a sprite is worked out here, once, and handed on flat: the pixels it covers,
// the texel mapping, its level of detail and the discard threshold scaled for that level.
// Compiled in variants (render.c prepends the #defines): POINTS, a point a sprite
// instead of a quad (a quarter of the vertices, half the primitives); PRE, the sprites drawn from the
// prescaled images of the frame's scale (the CPU sorts them into runs, as presc_match
// says, the test the cpu backend makes); ALPHA_MODE 0 discard, 1 blend, 2 opaque; DOTS
// (draw/dopts.h's discs, for sprites flagged with them): 0 none, 1 the disc alone, 2 the
// disc and the image cross-faded, 3 the image with its share of alpha only. A disc covers
// the square of its centre ± (R + 1/2), so its pixels are those of that square.
// TWEEN and EASE, below.
// The sprite's rectangle arrives in pixels, made on the CPU in double from the data
// units (camera-relative, so t-SNE's hundreds of units keep integer positions exact);
// or, with TWEEN, it is made here, each frame, from a transition kept resident: the
// point's start and end relative to their layouts' origins, its departure rank, and
// uniforms; EASE is the curve (enum tween_ease), so no frame pays for the others.
#if TWEEN
layout(location = 0) in vec4 pa;     // start: high part xy, low part zw, data units from its origin
layout(location = 2) in vec4 pb;     // end, the same way (from the end layout's origin)
layout(location = 3) in float rank;  // departure rank, 0..1
uniform vec4 cam_a, cam_b;           // the camera's centre from each origin, split the same way
uniform float tl;                    // the timeline t
uniform float stagger;
uniform float px_per_unit;           // s0 times zoom
uniform vec2 centre;                 // the frame's centre, pixels
uniform vec2 frame_size;
uniform float side, hl_side;         // S, and a highlight's
uniform uint frame_border, outline_border;
#else
layout(location = 0) in vec4 rect;   // x0, y0, x1, y1 in pixels, x1/y1 exclusive, y down
#endif
layout(location = 1) in uvec4 u;     // tex x|y<<16, size w|h<<16, page|flags<<16, tint RGBA8

uniform mat4 proj;            // pixels to clip space (cglm's ortho, y kept: row 0 is read first)
uniform float pitch;          // atlas cell pitch, texels
uniform float max_lod;
uniform uint page_base;       // first page of the bound texture array
uniform uint cols;            // atlas cells per page row
uniform uint per_page;        // atlas cells per page
uniform uint levels;
uniform int use_cov;          // scale the discard test to keep each level's coverage
uniform float threshold;
uniform ivec2 pre_grid;       // slots a layer row, rows a layer
uniform ivec2 pre_slot;       // texels a slot
uniform float dot_r;          // the discs' radius, S / 2
layout(binding = 2) uniform samplerBuffer cov;       // images × levels
layout(binding = 3) uniform samplerBuffer pre_cov;   // per image, the prescaled images' scale
#if DOTS == 1 || DOTS == 2
layout(binding = 4) uniform samplerBuffer dot_col;   // per image, its disc's colour
flat out vec4 v_dot;          // that colour
flat out vec3 v_disc;         // the disc's centre, R + 1/2
#endif

flat out vec4 v_rect;
flat out vec4 v_map;          // texel origin (tpos), texels per pixel (scale)
flat out vec4 v_clamp;        // texel clamp box inside the image's cell
flat out vec4 v_tex;          // layer, lod, from_pre, threshold
flat out vec2 v_pre;          // the slot's origin in pre_tex
flat out vec4 v_tint;
flat out uint v_flags;
#if POINTS
flat out vec4 v_px;           // the pixels' bounds
#endif

#if TWEEN
// core/tween.c's tween_ease, in float: exactly 0 and 1 at the ends
float ease(float x)
{
	if (!(x > 0.0))
		return 0.0;
	if (x >= 1.0)
		return 1.0;
#if EASE == 1
	return x * x;
#elif EASE == 2
	return x * (2.0 - x);
#elif EASE == 3
	x *= 2.0;
	if (x <= 1.0)
		return x * x / 2.0;
	x -= 1.0;
	return (x * (2.0 - x) + 1.0) / 2.0;
#elif EASE == 4
	return x * x * x;
#elif EASE == 5
	x -= 1.0;
	return x * x * x + 1.0;
#elif EASE == 6
	x *= 2.0;
	if (x <= 1.0)
		return x * x * x / 2.0;
	x -= 2.0;
	return (x * x * x + 2.0) / 2.0;
#elif EASE == 7
	return 1.0 - cos(x * 1.5707963267948966);
#elif EASE == 8
	return sin(x * 1.5707963267948966);
#elif EASE == 9
	return (1.0 - cos(3.141592653589793 * x)) / 2.0;
#elif EASE == 10
	// d3's tpmt: 2^(-10 u) rescaled to be 1 at 0 and 0 at 1
	x *= 2.0;
	float u = x <= 1.0 ? 1.0 - x : x - 1.0;
	float tp = (exp2(-10.0 * u) - 0.0009765625) * 1.0009775171065494;
	return (x <= 1.0 ? tp : 2.0 - tp) / 2.0;
#else
	return x;
#endif
}

// tween_progress: the point moves during [f rank, f rank + 1 - f] of the timeline
float progress(float t, float r)
{
	if (!(t > 0.0))
		return 0.0;
	if (t >= 1.0)
		return 1.0;
	float f = clamp(stagger, 0.0, 1.0);
	float start = f * clamp(r, 0.0, 1.0);
	if (f >= 1.0)
		return t >= start ? 1.0 : 0.0;
	return ease((t - start) / (1.0 - f));
}
#endif

void main()
{
	uint flags = u.z >> 16;
#if TWEEN
	// camera-relative first, in two parts, so that the float sums lose nothing a pixel
	// shows at any zoom; then tween_lerp_points' lerp, exact at its ends
	float p = progress(tl, rank);
	precise vec2 da = (pa.xy - cam_a.xy) + (pa.zw - cam_a.zw);
	precise vec2 db = (pb.xy - cam_b.xy) + (pb.zw - cam_b.zw);
	vec2 d = p <= 0.0 ? da : p >= 1.0 ? db : da * (1.0 - p) + db * p;
	vec2 c = centre + vec2(d.x, -d.y) * px_per_unit;
	// cam_sprite_rect: the longer image side spans S
	bool hl = (flags & 1u) != 0u;
	float S = hl ? hl_side : side;
	vec2 tsz = vec2(float(u.y & 0xffffu), float(u.y >> 16));
	vec2 wh = tsz.x > tsz.y ? vec2(S, S * tsz.y / tsz.x) : tsz.y > tsz.x ? vec2(S * tsz.x / tsz.y, S) : vec2(S);
	vec2 r0 = c - wh * 0.5;
	vec4 rect = vec4(r0, r0 + wh);
	flags |= (hl ? outline_border : (flags & 2u) != 0u ? frame_border : 0u) << 8;
#endif
	vec4 box = rect;
#if DOTS == 1 || DOTS == 2
	vec2 dc = 0.5 * (rect.xy + rect.zw);
	float de = dot_r + 0.5;
	box = vec4(dc - de, dc + de);
#endif
	// the pixels whose centres i + 0.5 are inside [x0, x1): i in [ceil(x0 - 0.5), ceil(x1 - 0.5))
	vec4 px = ceil(box - 0.5);
#if TWEEN
	// culled as scene_build culls, by the image's rectangle with a pixel of slack (a
	// disc is drawn where the image would be)
	vec4 pr = ceil(rect - 0.5);
	bool shown = wh.x > 0.0 && wh.y > 0.0 && pr.z + 1.0 > 0.0 && pr.w + 1.0 > 0.0 && pr.x - 1.0 < frame_size.x &&
		     pr.y - 1.0 < frame_size.y;
#else
	bool shown = true;
#endif
#if POINTS
	// one point a sprite, a square of the longer side from the top-left pixel: the
	// fragment shader keeps the rectangle's pixels (points are clipped by their centre,
	// so the CPU gives points only to sprites wholly inside the frame; with TWEEN,
	// render.c pads the viewport by half the largest point instead)
	float pside = max(px.z - px.x, px.w - px.y);
	gl_PointSize = shown ? pside : 1.0;
	gl_Position = shown ? proj * vec4(px.xy + 0.5 * pside, 0.0, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
	v_px = px;
#else
	vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
	gl_Position = shown ? proj * vec4(mix(px.xy, px.zw, corner), 0.0, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
#endif
	vec2 tpos = vec2(float(u.x & 0xffffu), float(u.x >> 16));
	vec2 tsize = vec2(float(u.y & 0xffffu), float(u.y >> 16));
	vec2 scale = tsize / (rect.zw - rect.xy);
	float lod = clamp(log2(max(scale.x, scale.y)), 0.0, max_lod);
	vec2 cell = floor(tpos / pitch) * pitch;
	uint page = u.z & 0xffffu;
	uint img = page * per_page + uint(cell.y / pitch) * cols + uint(cell.x / pitch);
	float halfw = 0.5 * exp2(ceil(lod));
	float sc = 1.0;
	int slot = int(img), per = pre_grid.x * pre_grid.y;
#if ALPHA_MODE == 0
	if (use_cov != 0) {
#if PRE
		sc = texelFetch(pre_cov, int(img)).r;
#else
		uint la = uint(floor(lod)), lb = min(la + 1u, levels - 1u);
		sc = mix(texelFetch(cov, int(img * levels + la)).r, texelFetch(cov, int(img * levels + lb)).r, fract(lod));
#endif
	}
#endif
	v_rect = rect;
	v_map = vec4(tpos, scale);
	v_clamp = vec4(cell + halfw, cell + pitch - halfw);
#if PRE
	v_tex = vec4(float(slot / per), lod, 1.0, threshold / sc);
#else
	v_tex = vec4(float(page - page_base), lod, 0.0, threshold / sc);
#endif
	v_pre = vec2(ivec2(slot % pre_grid.x, slot / pre_grid.x % pre_grid.y) * pre_slot);
	v_tint = unpackUnorm4x8(u.w);
	v_flags = flags;
#if DOTS == 1 || DOTS == 2
	v_dot = texelFetch(dot_col, int(img));
	v_disc = vec3(dc, de);
#endif
}
