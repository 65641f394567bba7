#!/usr/bin/env python3
"""Rebuilds the embedded Fashion-MNIST subset from the full data set (Python standard library only).

Selection: the first 600 training images of each class and the first 100 test images of each class, taken in the
order of the original files (the selected images keep that order: classes stay interleaved as in the source).
Output: the four MNIST-layout IDX files, gzip level 9 with mtime 0 (byte-identical on every run).

Usage: python3 make_subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist),
  OUTPUT_DIR to the directory of this script.
"""
import gzip
import os
import struct
import sys

TRAIN_PER_CLASS, TEST_PER_CLASS, CLASSES = 600, 100, 10


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, kind, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and kind == 0x08, f"{path}: not an unsigned-byte IDX file"
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def write_idx(path, dims, payload):
    header = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
        f.write(header + payload)


def subset(src, out, prefix, per_class):
    (n, h, w), images = read_idx(os.path.join(src, f"{prefix}-images-idx3-ubyte.gz"))
    (m,), labels = read_idx(os.path.join(src, f"{prefix}-labels-idx1-ubyte.gz"))
    assert n == m
    taken, chosen = [0] * CLASSES, []
    for i, label in enumerate(labels):
        if taken[label] < per_class:
            taken[label] += 1
            chosen.append(i)
    assert taken == [per_class] * CLASSES, taken
    size = h * w
    write_idx(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), (len(chosen), h, w),
              b"".join(images[i * size:(i + 1) * size] for i in chosen))
    write_idx(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), (len(chosen),), bytes(labels[i] for i in chosen))
    print(f"{prefix}: {len(chosen)} images (indices {chosen[0]}..{chosen[-1]} of {n})")


if __name__ == "__main__":
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    subset(src, out, "train", TRAIN_PER_CLASS)
    subset(src, out, "t10k", TEST_PER_CLASS)
