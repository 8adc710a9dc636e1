#version 430
// The float frame (premultiplied, background included) to what a PNG stores: straight
// alpha, and transparent black where it stores as transparent.
layout(binding = 0) uniform sampler2D accum;
out vec4 frag;

void main()
{
	vec4 acc = texelFetch(accum, ivec2(gl_FragCoord.xy), 0);
	if (acc.a < 0.5 / 255.0)
		acc = vec4(0.0);
	else if (acc.a < 1.0)
		acc.rgb /= acc.a;
	frag = acc;
}
