"""Image data-set readers: idx (plain and gzip), npz, EMNIST, image folders."""

import gzip
import struct

import cv2
import numpy as np
import pytest

from textrecog.data.images import load_emnist, load_image_folder, load_mnist_idx, load_mnist_npz, read_idx


def write_idx(path, arr, gz=False):
    header = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if gz else data)


@pytest.fixture()
def three(tmp_path):
    x = np.zeros((3, 28, 28), np.uint8)
    x[0, 5:20, 10] = 255  # a vertical bar in image 0
    y = np.array([1, 7, 2], np.uint8)
    write_idx(tmp_path / "img.gz", x, gz=True)
    write_idx(tmp_path / "lab", y)
    return tmp_path, x, y


def test_idx_roundtrip(three):
    d, x, y = three
    np.testing.assert_array_equal(read_idx(d / "img.gz"), x)
    imgs, labels = load_mnist_idx(d / "img.gz", d / "lab")
    assert labels == ["1", "7", "2"] and imgs.shape == (3, 28, 28)


def test_idx_errors(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="bad magic"):
        read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 10) + b"abc")
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short")


def test_emnist_is_transposed_back(three):
    d, x, _ = three
    (d / "map.txt").write_text("1 65\n7 66\n2 97\n")
    imgs, labels = load_emnist(d / "img.gz", d / "lab", d / "map.txt")
    assert labels == ["A", "B", "a"]
    np.testing.assert_array_equal(imgs[0], x[0].T)  # the bar is now horizontal


def test_npz(tmp_path):
    np.savez(tmp_path / "d.npz", images=np.zeros((2, 28, 28), np.uint8), labels=np.array([3, 4]))
    imgs, labels = load_mnist_npz(tmp_path / "d.npz")
    assert imgs.shape == (2, 28, 28) and labels == ["3", "4"]


def test_image_folder(tmp_path):
    for label in ("a", "B"):
        (tmp_path / label).mkdir()
        img = np.full((30, 20), 255, np.uint8)
        img[5:25, 8:12] = 0
        cv2.imwrite(str(tmp_path / label / "1.png"), img)
    (tmp_path / "a" / "notes.txt").write_text("ignored")
    inks, labels, paths = load_image_folder(tmp_path)
    assert labels == ["B", "a"] and len(inks) == 2
    assert inks[0][15, 10] == 255 and inks[0][0, 0] == 0  # ink is bright
