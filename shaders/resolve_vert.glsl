#version 430
// One triangle over the frame.
void main()
{
	vec2 p = vec2(float((gl_VertexID & 1) << 2), float((gl_VertexID & 2) << 1)) - 1.0;
	gl_Position = vec4(p, 0.0, 1.0);
}
