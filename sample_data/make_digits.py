"""Make ``sample_data/digits/``: a small imbalanced image folder from scikit-learn's digits.

Run from the repository root: ``python sample_data/make_digits.py``. It needs no
network (the digits ship with scikit-learn) and is deterministic.

- images: ``sklearn.datasets.load_digits`` (1,797 8x8 grayscale digits, values
  0..16), scaled to 0..255 (``round(v * 255 / 16)``) and saved as 8-bit PNGs;
- classes 0, 1, 2, 3, 4, 5, 6 keep the first 60 images of each (in the dataset's
  order), the minority classes 7, 8, 9 only their first 8 (about 2% of the folder
  each), so the folder has 444 images, 3 of its 10 classes rare;
- the layout is ``digits/<class>/<class>_<index>.png`` (the index is the row in
  ``load_digits``), the layout of ``keras.utils.image_dataset_from_directory``.
"""

from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.datasets import load_digits

MAJORITY, MINORITY = 60, 8
RARE = (7, 8, 9)


def main(out=Path(__file__).resolve().parent / "digits"):
    digits = load_digits()
    images = np.rint(digits.images * 255.0 / 16.0).astype(np.uint8)
    for label in range(10):
        keep = MINORITY if label in RARE else MAJORITY
        rows = np.flatnonzero(digits.target == label)[:keep]
        folder = out / str(label)
        folder.mkdir(parents=True, exist_ok=True)
        for row in rows:
            Image.fromarray(images[row], mode="L").save(folder / f"{label}_{row:04d}.png")


if __name__ == "__main__":
    main()
