#!/usr/bin/python3
"""Hostile files for tests/sh_limits.sh: small on disk, huge when decoded.
Usage: bombs.py KIND OUT   (KIND: png_big png_big_grey png_text jpeg_prog idx_gz npy_gz)"""
import struct, sys, zlib, gzip


def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)


def png(w, h, rows, extra=b''):
    ihdr = struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)   # 8-bit gray
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra +
            chunk(b'IDAT', rows) + chunk(b'IEND', b''))


def png_big(out, side=16384, value=0):
    # one gray image of side x side zeros (or of value): a few hundred KB of deflate
    z = zlib.compressobj(9)
    row = b'\0' + bytes([value]) * side
    data = b''.join(z.compress(row) for _ in range(side)) + z.flush()
    open(out, 'wb').write(png(side, side, data))


def png_text(out):
    # a tEXt chunk that claims 1 GiB and ends the file at once
    ihdr = struct.pack('>IIBBBBB', 8, 8, 8, 0, 0, 0, 0)
    body = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + struct.pack('>I', 1 << 30) + b'tEXt' + b'k\0v'
    open(out, 'wb').write(body)


def jpeg_prog(out, side=8000):
    # a progressive gray JPEG of side x side, its last quarter cut off: libjpeg holds
    # every coefficient of a progressive image (2 bytes a pixel) before it finds out
    import io
    from PIL import Image
    b = io.BytesIO()
    Image.new('L', (side, side), 128).save(b, 'JPEG', progressive=True, quality=90)
    d = b.getvalue()
    open(out, 'wb').write(d[:len(d) * 3 // 4])


def idx_gz(out, n=100):
    # an IDX3 header of n 28x28 images, then 2 GiB of zeros, gzipped (about 2 MB)
    # (one member, then 128 copies of a member of 16 MiB zeros: gzip joins members)
    head = gzip.compress(struct.pack('>IIII', 0x803, n, 28, 28) + b'\0' * (n * 784), 9)
    zeros = gzip.compress(b'\0' * (1 << 24), 9)
    open(out, 'wb').write(head + zeros * 128)


def npy_gz(out, n=100):
    # an NPY header of n 28x28 uint8 images (128 bytes, as np.save pads it), then 2 GiB
    # of zeros, gzipped as idx_gz is
    d = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d, 28, 28), }" % n
    d = d + ' ' * (128 - 10 - len(d) - 1) + '\n'
    head = b'\x93NUMPY\x01\x00' + struct.pack('<H', len(d)) + d.encode()
    zeros = gzip.compress(b'\0' * (1 << 24), 9)
    open(out, 'wb').write(gzip.compress(head + b'\0' * (n * 784), 9) + zeros * 128)


if __name__ == '__main__':
    {'png_big': png_big, 'png_big_grey': lambda out: png_big(out, value=128), 'png_text': png_text, 'jpeg_prog': jpeg_prog, 'idx_gz': idx_gz, 'npy_gz': npy_gz}[sys.argv[1]](sys.argv[2])
