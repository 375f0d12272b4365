"""How far do the GAN's learned warps reach, and does the data set that reach or do the bounds?

The default image generator draws, per real image, an affine map from six numbers in
[-1, 1] (``ganaug.networks.AffineFlow``: four added to the identity matrix, times 0.2;
two shifts, times 0.1 of the side). Fitted on fold 0 of each set of ``image_sets.py``
(the downstream benchmark's cut training images), this prints per number the mean of
its absolute value over 200 warps per minority class and the share of warps within 0.1
of the bound (a number the data does not restrain runs to its bound), and the RMS
displacement of a pixel as a share of the side, beside the hand-set warps of
``images_downstream.random_warps`` (rotation 10 degrees, scale and shear 0.1, shift
6%). ``--fold`` fits on another fold, ``--seeds`` fits each set with several seeds
(which way a fit moves its images can depend on the seed). With ``--agreement`` it also trains the benchmark's referee on all real images of
the set and prints the share of the warps it gives their class, before the label check,
with the fields as drawn and scaled down (0.25, 0.5, 0.75), beside the real sources'.

It reads the fitted sampler's private parts (``_run_generator``, ``_source_rows``):
a diagnostic, not an interface.

Run from the repository root::

    python benchmarks/warp_spread.py
    python benchmarks/warp_spread.py --sets colour32 --agreement
    python benchmarks/warp_spread.py --sets digits8 --fold 4 --seeds 3
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
import image_sets  # noqa: E402
import images_downstream as bench  # noqa: E402
from image_variety_seeds import SEED_STEP  # noqa: E402
from warp_texture import protocol_fold  # noqa: E402

NAMES = ("a_yy", "a_yx", "a_xy", "a_xx", "t_y", "t_x")  # AffineFlow's order
PER_CLASS = 200


def hand_set_displacement(h, w, n=2000, seed=1):
    """RMS displacement (share of the side) of ``random_warps``' maps on an ``h`` x ``w`` grid."""
    rng = np.random.default_rng(seed)
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.empty(n)
    for i in range(n):
        y, x = bench.random_affine(rng, h, w)
        out[i] = np.sqrt((((y - rows) / h) ** 2 + ((x - cols) / w) ** 2).mean())
    return out


def spread(name, agreement=False, fold=0, seed_number=0):
    import keras

    from ganaug import GANAugmenter

    seed, X, y, _, _, minority = protocol_fold(name, fold)
    aug = GANAugmenter(random_state=seed + SEED_STEP * seed_number).fit(X, y)
    labels = np.repeat(np.flatnonzero(np.isin(aug.classes_, minority)), PER_CLASS)
    rng = np.random.RandomState(0)
    rows = aug._source_rows(labels, rng)
    state = rng.get_state()
    params = keras.Model(aug.generator_.inputs, aug.generator_.get_layer("warp_params").output)
    p = aug._run_generator(labels, rng, (6,), 1024, rows, model=params)
    rng.set_state(state)  # the same noise: the fields of the same warps
    H, W = aug.encoder_.canvas_shape_[:2]
    flows = aug._run_generator(labels, rng, (H, W, 2), 1024, rows, model=aug._flow_model())
    h, w = aug.encoder_.working_shape_
    top, left = (H - h) // 2, (W - w) // 2
    f = flows[:, top : top + h, left : left + w]
    gan = np.sqrt(((f[..., 0] / h) ** 2 + (f[..., 1] / w) ** 2).mean(axis=(1, 2)))
    hand = hand_set_displacement(h, w)
    cells = " | ".join(f"{m:.2f} ({s:.2f})" for m, s in zip(np.abs(p).mean(axis=0), (np.abs(p) > 0.9).mean(axis=0)))
    label = name if (fold, seed_number) == (0, 0) else f"{name} fold {fold} seed {seed_number}"
    print(f"| {label} | {cells} | {np.median(gan):.3f} ({np.percentile(gan, 90):.3f}) | "
          f"{np.median(hand):.3f} ({np.percentile(hand, 90):.3f}) |", flush=True)
    if agreement:
        X_all, y_all = image_sets.make_set(name)
        features = bench.referee(X_all, y_all, seed=0)
        sources = aug._real_images[rows]
        want = aug.classes_[labels]
        line = [f"real sources {np.mean(features(sources)[1] == want):.3f}"]
        for scale in (1.0, 0.75, 0.5, 0.25):
            moved = aug.encoder_.warp_full_size(sources, flows * scale)
            line.append(f"fields x{scale:g} {np.mean(features(moved)[1] == want):.3f}")
        print(f"{name} fold {fold} seed {seed_number}, referee agreement before the label check: " + ", ".join(line), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(image_sets.SETS), choices=image_sets.SETS)
    parser.add_argument("--agreement", action="store_true")
    parser.add_argument("--fold", type=int, default=0, choices=range(5), help="The fold to fit on (default 0).")
    parser.add_argument("--seeds", type=int, default=1,
                        help="Fits per set: seed number s uses the fold seed plus 100000 * s "
                        "(as benchmarks/image_variety_seeds.py).")
    args = parser.parse_args(argv)
    print("Per number: mean |value| (share within 0.1 of the bound); RMS displacement / side: median (90th percentile)\n")
    print("| set | " + " | ".join(NAMES) + " | GAN displacement | hand-set displacement |")
    print("|---" * (len(NAMES) + 3) + "|")
    for name in args.sets:
        for s in range(args.seeds):
            spread(name, args.agreement, args.fold, s)


if __name__ == "__main__":
    main()
