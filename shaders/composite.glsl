#version 430
// One workgroup per 8x8 screen tile. Each pixel walks its tile's sprite list topmost
// first, composites "under" what it has (premultiplied alpha), and stops once opaque,
// so dense clusters cost little more than the few sprites on top. Batches after the
// first continue from the accumulation image; the last writes the 8-bit frame.
layout(local_size_x = 8, local_size_y = 8) in;

struct Sprite {
	vec4 rect;   // x0, y0, x1, y1 in pixels, x1/y1 exclusive
	uvec4 u;     // tex x|y<<16, size w|h<<16, page|flags<<16, tint RGBA8
};
layout(std430, binding = 0) readonly buffer Sprites { Sprite spr[]; };
layout(std430, binding = 1) readonly buffer Offsets { uint off[]; };
layout(std430, binding = 2) readonly buffer Index { uint idx[]; };
layout(std430, binding = 3) readonly buffer Coverage { float cov[]; };   // images × levels
// The prescaled images' coverage scales (the images: pre_tex).
layout(std430, binding = 5) readonly buffer PreCov { float pre_cov[]; };

layout(binding = 0) uniform sampler2DArray atlas;
uniform sampler2DArray pre_tex;   // prescaled images (presc.h) in a grid of slots, one level
layout(rgba8, binding = 0) uniform writeonly image2D frame;
layout(rgba32f, binding = 1) uniform image2D accum;

uniform ivec2 frame_size;
uniform uint tiles_x;
uniform uint off_base;       // this batch's offsets start
uniform uint page_base;      // first page of the bound texture array
uniform int alpha_mode;      // 0 discard, 1 blend, 2 opaque
uniform float threshold;
uniform int gray;            // atlas pages hold one channel
uniform int has_alpha;       // images carry their own alpha
uniform float pitch;         // atlas cell pitch, texels
uniform vec2 inv_page;       // 1 / page size
uniform float max_lod;
uniform vec4 background;     // premultiplied
uniform vec4 outline;        // premultiplied
uniform int first_batch;
uniform int last_batch;
uniform int use_cov;         // scale the discard test to keep each level's coverage
uniform uint cols;           // atlas cells per page row
uniform uint per_page;       // atlas cells per page
uniform uint levels;
uniform int pre_on;          // sprites of scale pre_scale (within pre_step) use pre_tex
uniform vec2 pre_scale;
uniform float pre_step;
uniform ivec2 pre_grid;      // slots a layer row, rows a layer
uniform ivec2 pre_slot;      // texels a slot
uniform float pre_inv;       // 1 / layer side

void main()
{
	ivec2 p = ivec2(gl_GlobalInvocationID.xy);
	vec2 c = vec2(p) + 0.5;
	vec4 acc = vec4(0.0);
	bool inside = p.x < frame_size.x && p.y < frame_size.y;
	if (first_batch == 0 && inside)
		acc = imageLoad(accum, p);
	uint tile = gl_WorkGroupID.y * tiles_x + gl_WorkGroupID.x;
	uint b = off[off_base + tile], e = off[off_base + tile + 1];
	for (uint k = b; k < e && acc.a < 1.0; k++) {
		Sprite s = spr[idx[k]];
		if (c.x < s.rect.x || c.x >= s.rect.z || c.y < s.rect.y || c.y >= s.rect.w)
			continue;
		vec4 tint = unpackUnorm4x8(s.u.w);
		uint flags = s.u.z >> 16;
		if ((flags & 3u) != 0u) {
			// highlight outline (1) or label frame (2): a border of w pixels inside the rect
			float w = float((flags >> 8) & 255u);
			if (c.x < s.rect.x + w || c.x >= s.rect.z - w || c.y < s.rect.y + w || c.y >= s.rect.w - w) {
				acc += (1.0 - acc.a) * ((flags & 1u) != 0u ? outline : vec4(tint.rgb, 1.0) * tint.a);
				continue;
			}
			if ((flags & 2u) != 0u)
				tint = vec4(1.0);      // colour sprites keep their colours inside the frame
		}
		vec2 tpos = vec2(float(s.u.x & 0xffffu), float(s.u.x >> 16));
		vec2 tsize = vec2(float(s.u.y & 0xffffu), float(s.u.y >> 16));
		vec2 scale = tsize / (s.rect.zw - s.rect.xy);     // texels per pixel
		vec2 t = tpos + (c - s.rect.xy) * scale;
		float lod = clamp(log2(max(scale.x, scale.y)), 0.0, max_lod);
		vec2 cell = floor(tpos / pitch) * pitch;
		bool from_pre = pre_on != 0 && all(lessThanEqual(abs(scale - pre_scale), vec2(pre_step)));
		vec4 tx;
		if (from_pre) {
			// one texel a pixel, a border of one texel: bilinear at one offset for the sprite
			uint img = (s.u.z & 0xffffu) * per_page + uint(cell.y / pitch) * cols + uint(cell.x / pitch);
			int slot = int(img), per = pre_grid.x * pre_grid.y;
			vec2 o = vec2(ivec2(slot % pre_grid.x, slot / pre_grid.x % pre_grid.y) * pre_slot);
			tx = textureLod(pre_tex, vec3((o + c - s.rect.xy + 1.0) * pre_inv, float(slot / per)), 0.0);
		} else {
			// keep the filter footprint of the coarser level inside this image's cell
			float halfw = 0.5 * exp2(ceil(lod));
			t = clamp(t, cell + halfw, cell + pitch - halfw);
			float layer = float((s.u.z & 0xffffu) - page_base);
			tx = textureLod(atlas, vec3(t * inv_page, layer), lod);
		}
		vec3 rgb;
		float a;
		if (gray != 0) {
			rgb = vec3(tx.r);
			a = tx.r;
		} else {
			rgb = tx.rgb;
			a = has_alpha != 0 ? tx.a : dot(tx.rgb, vec3(0.2126, 0.7152, 0.0722));
		}
		vec4 src;
		if (alpha_mode == 0) {
			float sc = 1.0;
			if (use_cov != 0) {
				uint img = (s.u.z & 0xffffu) * per_page + uint(cell.y / pitch) * cols + uint(cell.x / pitch);
				uint la = uint(floor(lod)), lb = min(la + 1u, levels - 1u);
				sc = from_pre ? pre_cov[img] : mix(cov[img * levels + la], cov[img * levels + lb], fract(lod));
			}
			if (a < threshold / sc)
				continue;
			src = vec4(rgb * tint.rgb, 1.0) * tint.a;
		} else if (alpha_mode == 1) {
			float al = (gray != 0 || has_alpha != 0) ? a : 1.0;
			vec3 col = gray != 0 ? tint.rgb : rgb * tint.rgb;
			src = vec4(col * al, al) * tint.a;
		} else {
			src = vec4(rgb * tint.rgb, 1.0) * tint.a;
		}
		acc += (1.0 - acc.a) * src;
	}
	if (!inside)
		return;
	if (last_batch == 0) {
		imageStore(accum, p, acc);
		return;
	}
	acc += (1.0 - acc.a) * background;
	if (acc.a < 0.5 / 255.0)
		acc = vec4(0.0);           // what stores as transparent is transparent black
	else if (acc.a < 1.0)
		acc.rgb /= acc.a;          // PNG wants straight alpha
	imageStore(frame, p, acc);
}
