"""Class folders of image files: read, write, and a grid to look at.

:func:`read_image_folder` and :func:`write_images` read and write a folder with one
subfolder per class (the layout of ``keras.utils.image_dataset_from_directory``), with
errors that name the file and writes that never leave a partial PNG;
:func:`image_grid` lays images out for a preview.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganaug.images.encoder import MAX_SIDE, MIN_SIDE

__all__ = ["IMAGE_SUFFIXES", "image_grid", "parse_size", "read_image_folder", "write_images"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")

def parse_size(text):
    """``"32x32"`` -> ``(32, 32)`` (height, width); a ValueError names the format."""
    parts = str(text).lower().split("x")
    try:
        height, width = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"size must look like HxW, e.g. 32x32. Got {text!r} instead.") from None
    if not (MIN_SIDE <= height <= MAX_SIDE and MIN_SIDE <= width <= MAX_SIDE):
        raise ValueError(
            f"size must be between {MIN_SIDE} and {MAX_SIDE} pixels each way. "
            f"Got {text!r} instead."
        )
    return height, width


def _class_dirs(folder):
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{str(folder)!r} is not a folder; expected one subfolder per class.")
    dirs = sorted(
        (d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")),
        key=lambda d: d.name,
    )
    dirs = [d for d in dirs if any(_image_files(d))]
    if not dirs:
        raise ValueError(
            f"Folder {str(folder)!r} has no classes: expected one subfolder per class, "
            f"each holding images ({', '.join(IMAGE_SUFFIXES)})."
        )
    return dirs


def _image_files(directory):
    return sorted(
        p
        for p in Path(directory).iterdir()
        if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
    )


def read_image_folder(folder, *, size=None):
    """Read a folder of class subfolders into arrays.

    Grayscale images give ``(n, H, W)``; if any image has colour, all become RGB
    ``(n, H, W, 3)``. All images must have the same size unless ``size=(H, W)``
    asks to resize them (bilinear).

    Parameters
    ----------
    folder : path
        ``folder/<class>/<image>``; hidden files and non-image files are skipped.
    size : (int, int), optional
        Resize every image to ``(height, width)``.

    Returns
    -------
    X : ndarray of uint8
    y : ndarray of str
        The class (subfolder name) of each image.
    paths : list of Path
        The file of each image, in the same order.

    Examples
    --------
    >>> from ganaug.images.folders import read_image_folder
    >>> X, y, paths = read_image_folder("sample_data/digits")  # doctest: +SKIP
    """
    from PIL import Image, UnidentifiedImageError

    images, labels, paths = [], [], []
    for directory in _class_dirs(folder):
        for path in _image_files(directory):
            try:
                with Image.open(path) as img:
                    img.load()
                    mode = "L" if img.mode in ("1", "L", "LA", "I", "I;16", "F") else "RGB"
                    img = img.convert(mode)
                    if size is not None and img.size != (size[1], size[0]):
                        img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                    images.append(np.asarray(img, dtype=np.uint8))
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                raise ValueError(f"Could not read image {str(path)!r}: {exc}") from None
            labels.append(directory.name)
            paths.append(path)
    shapes = {img.shape[:2] for img in images}
    if len(shapes) > 1:
        first = images[0].shape[:2]
        odd = next(p for p, img in zip(paths, images) if img.shape[:2] != first)
        other = next(img.shape[:2] for img in images if img.shape[:2] != first)
        raise ValueError(
            f"Images have mixed sizes: {str(paths[0])!r} is {first[0]}x{first[1]} but "
            f"{str(odd)!r} is {other[0]}x{other[1]}. Resize them all with --size HxW "
            f"(size=(H, W) in Python). Got sizes {sorted(shapes)!r} instead."
        )
    if any(img.ndim == 3 for img in images):
        images = [img if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2) for img in images]
    return np.stack(images), np.array(labels), paths


def _to_pil(image):
    from PIL import Image

    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"Images to write must be uint8. Got dtype {str(image.dtype)!r} instead.")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    return Image.fromarray(image)


def write_images(images, paths, *, force=False):
    """Write each uint8 image to its PNG path, atomically; refuse existing files first.

    Every target is checked before anything is written, so a refused call writes
    nothing.
    """
    from ganaug.io import atomic_path

    paths = [Path(p) for p in paths]
    if not force:
        existing = [p for p in paths if p.exists()]
        if existing:
            raise FileExistsError(
                f"Output {str(existing[0])!r} already exists ({len(existing)} file(s) in "
                "all); ganaug never overwrites files. Choose an empty output folder."
            )
    for image, path in zip(images, paths):
        with atomic_path(path, force=force) as tmp:
            _to_pil(image).save(tmp, format="PNG")


def image_grid(rows, *, pad=2, scale=1):
    """Tile ``rows`` (lists of uint8 images) into one uint8 picture, a row per class.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.images.folders import image_grid
    >>> image_grid([[np.zeros((8, 8), np.uint8)] * 3] * 2).shape
    (22, 32)
    """
    images = [[np.asarray(img) for img in row] for row in rows]
    first = images[0][0]
    h, w = first.shape[:2]
    channels = 3 if any(img.ndim == 3 for row in images for img in row) else 1
    ncols = max(len(row) for row in images)
    grid = np.full(
        (len(images) * (h + pad) + pad, ncols * (w + pad) + pad, channels), 255, dtype=np.uint8
    )
    for r, row in enumerate(images):
        for c, img in enumerate(row):
            img = img[..., None] if img.ndim == 2 else img[..., :channels]
            if img.shape[2] == 1 and channels == 3:
                img = np.repeat(img, 3, axis=2)
            top, left = pad + r * (h + pad), pad + c * (w + pad)
            grid[top : top + h, left : left + w] = img
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return grid[..., 0] if channels == 1 else grid
