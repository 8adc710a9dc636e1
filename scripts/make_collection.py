#!/usr/bin/python3
"""A small colour photo collection for the README's gallery: N PNG and JPEG "photos" of
mixed sizes and aspect ratios (a coloured field, a disc, a corner mark), and a manifest
placing them on a colour wheel by hue. Deterministic. --jpeg: every photo a JPEG (the
benchmark's collection: 20,000 of them take about a minute).
Usage: scripts/make_collection.py DIR [N] [--jpeg]   ->  DIR/photos/*, DIR/manifest.csv
"""
import colorsys, math, os, sys
from PIL import Image, ImageDraw

args = [a for a in sys.argv[1:] if a != "--jpeg"]
jpeg_only = len(args) < len(sys.argv) - 1
d = args[0]
n = int(args[1]) if len(args) > 1 else 300
os.makedirs(os.path.join(d, "photos"), exist_ok=True)
rows = ["path,x,y,label"]
for i in range(n):
    hue = (i * 0.618034) % 1.0
    w = 80 + (i * 37) % 220
    h = 80 + (i * 53) % 220
    r, g, b = (int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.75, 0.95))
    im = Image.new("RGB", (w, h), (r, g, b))
    dr = ImageDraw.Draw(im)
    dr.ellipse([w * 0.25, h * 0.25, w * 0.75, h * 0.75], fill=(255 - r, 255 - g, 255 - b))
    dr.rectangle([0, 0, w * 0.15, h * 0.15], fill=(20, 20, 20))
    ext = "jpg" if i % 3 == 0 or jpeg_only else "png"
    name = "photos/p%03d.%s" % (i, ext)
    im.save(os.path.join(d, name), quality=92)
    rad = 1 + 0.5 * ((i * 7) % 11) / 11
    rows.append("%s,%.4f,%.4f,%d" % (name, rad * math.cos(hue * 2 * math.pi), rad * math.sin(hue * 2 * math.pi), int(hue * 6)))
with open(os.path.join(d, "manifest.csv"), "w") as f:
    f.write("\n".join(rows) + "\n")
