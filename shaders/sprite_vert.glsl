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
// The sprite's rectangle arrives in pixels, made on the CPU in double from the data
// units (camera-relative, so t-SNE's hundreds of units keep integer positions exact).
layout(location = 0) in vec4 rect;   // x0, y0, x1, y1 in pixels, x1/y1 exclusive, y down
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

void main()
{
	vec4 box = rect;
#if DOTS == 1 || DOTS == 2
	vec2 dc = 0.5 * (rect.xy + rect.zw);
	float de = dot_r + 0.5;
	box = vec4(dc - de, dc + de);
#endif
	// the pixels whose centres i + 0.5 are inside [x0, x1): i in [ceil(x0 - 0.5), ceil(x1 - 0.5))
	vec4 px = ceil(box - 0.5);
#if POINTS
	// one point a sprite, a square of the longer side from the top-left pixel: the
	// fragment shader keeps the rectangle's pixels (the CPU gives points only to
	// sprites wholly inside the frame, as points are clipped by their centre)
	float side = max(px.z - px.x, px.w - px.y);
	gl_PointSize = side;
	gl_Position = proj * vec4(px.xy + 0.5 * side, 0.0, 1.0);
	v_px = px;
#else
	vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
	gl_Position = proj * vec4(mix(px.xy, px.zw, corner), 0.0, 1.0);
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
	v_flags = u.z >> 16;
#if DOTS == 1 || DOTS == 2
	v_dot = texelFetch(dot_col, int(img));
	v_disc = vec3(dc, de);
#endif
}
