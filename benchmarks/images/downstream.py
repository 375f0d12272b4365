"""Downstream benchmark for images: does GAN rebalancing help a classifier?

Protocol (repeated stratified k-fold on each image set of ``benchmarks/images/sets.py``):

- each training fold has 5 of its 10 classes (drawn per fold) cut to a tenth of the
  largest class (imbalance ratio 10, ``benchmarks.images.sets.cut_classes``); the test fold is
  left as it is (balanced, real images only);
- arms: ``none`` (the imbalanced fold), ``ros`` (imblearn ``RandomOverSampler``),
  ``smote`` (imblearn ``SMOTE`` on the flattened pixels), ``handset`` (hand-set
  augmentation, the standing anchor a GAN has to beat: the copies of random
  over-sampling, each moved by a random affine map within fixed ranges, rotation
  +-12 degrees, scale 0.9-1.1, shear 0.1, shift 6 %, ``random_warps``: what a Keras
  user does with ``RandomRotation`` / ``RandomZoom`` / ``RandomTranslation``, no GAN;
  ``warp``, its name before, is accepted for it), ``ganaug`` (``GANAugmenter`` with
  its defaults, ``random_state`` per fold); optionally ``warp_grain`` (the same maps,
  the images' grain moved to the nearest pixel as ``GANAugmenter`` moves it, so that
  it is not smoothed away) and ``real`` (``--arms ... real``: the fold before the
  cut, the real images the cut removed put back; a reference, left out of the ranks:
  what perfect new images of the cut classes would give);
- classifiers: logistic regression and an RBF SVM on pixels scaled to [0, 1], and
  a small Keras CNN trained for a fixed number of steps (the same for every arm);
- metrics on the test fold: balanced accuracy, and minority recall (mean recall of
  the 5 cut classes); ranks (1 = best) of the arms within each set, classifier and
  fold, then averaged.

It prints a table per set and classifier, the mean ranks, the seconds each arm's
resampling took, and (``--timing``) the seconds of a default ``GANAugmenter`` fit
on 1,000 images at 8x8, 28x28 and 64x64 (digits, upscaled), wall and CPU, with
the working size it chose and the load average (the machine may be shared).

For the ``ganaug`` arm it also judges the generated images with a CNN trained on
all real images of the set (``referee``): the share it assigns to their intended
class (label agreement), and per minority class the coverage (Naeem et al., 2020)
of the real test images by as many new images as the class has real training
images, asked of the fitted sampler (``sample``), minus their coverage by those real
training images (0: as varied as real images; negative: less; the mean of 10 draws).
The same gap is computed for random over-sampling's copies (drawn with replacement,
as ``RandomOverSampler`` draws them) and, with the ``handset`` arm, for random warps of
such copies, and, with the ``real`` arm, for real images the cut removed (never
trained on): the gap a perfect generator would show, the noise floor of the measure
with so few images per class. ``coverage_gap_subset`` in the records is the older
reading: the same number of images taken at random from ``fit_resample``'s output, where every real
image recurs (about 9 times each at ratio 10), so a draw of that size repeats some
and leaves others out.

Results go to a JSON-lines file (``--out``) one fold at a time; a rerun with the
same file skips the folds it holds, so an interrupted run resumes.

Run from the repository root::

    python -m benchmarks.images.downstream --out images_downstream.jsonl --timing
    python -m benchmarks.images.downstream --sets digits28 photo16 --fold-limit 2 --out images_downstream.jsonl

The results page, ``docs/results/images_downstream.{md,json}`` (``--page``,
``--results``), holds the tables above, a chart of the mean ranks and one of minority
recall per set and classifier, and the run's stamp (date, machine, command, version);
``--report-only`` re-renders it from ``--out`` without fitting anything.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from benchmarks import common  # noqa: E402
from benchmarks.images import sets as image_sets  # noqa: E402

# handset: hand-set random affine warps of ROS's copies, no GAN (the anchor a GAN must beat)
ARMS = ("none", "ros", "smote", "handset", "ganaug")
# the same warps with the grain kept; the uncut fold (a reference)
OPTIONAL_ARMS = ("warp_grain", "real")
ALIASES = {"warp": "handset"}  # the handset arm's name before it was a default arm
REFERENCES = ("real",)  # arms shown beside the others but left out of the ranks
VARIETY_ARMS = ("ganaug", "ros", "handset", "warp_grain", "real")  # the arms whose new images are judged
CLASSIFIERS = ("logreg", "svm", "cnn")
METRICS = ("balanced_accuracy", "minority_recall")


def flat(X):
    return X.reshape(len(X), -1).astype(np.float64) / 255.0


def unflat(F, shape):
    return np.clip(np.rint(F * 255.0), 0, 255).astype(np.uint8).reshape(-1, *shape)


def resample(arm, X, y, seed, cut=None, gan_seed=None):
    """The training images of one arm, uint8, real images first; and ``draw(c, n, k)``,
    ``n`` new images of class ``c`` made the arm's way (draw number ``k``), for the
    variety measure (None for the arms it is not taken for). ``cut``: the images and
    labels the imbalance cut removed from the fold, for the ``real`` arm. ``gan_seed``:
    the ``ganaug`` arm's ``random_state`` (default ``seed``; draws keep ``seed``)."""
    arm = ALIASES.get(arm, arm)
    if arm == "none":
        return X, y, None
    if arm == "real":
        X_cut, y_cut = cut

        def draw(c, n, k):
            rows = np.flatnonzero(y_cut == c)
            return X_cut[np.random.default_rng([seed, k]).choice(rows, min(n, len(rows)), replace=False)]

        return np.concatenate([X, X_cut]), np.concatenate([y, y_cut]), draw
    if arm == "ros":
        from imblearn.over_sampling import RandomOverSampler

        idx, y_res = RandomOverSampler(random_state=seed).fit_resample(np.arange(len(y))[:, None], y)
        return X[idx[:, 0]], y_res, lambda c, n, k: copies(X, y, c, n, np.random.default_rng([seed, k]))
    if arm == "smote":
        from imblearn.over_sampling import SMOTE

        F, y_res = SMOTE(random_state=seed).fit_resample(flat(X), y)
        return unflat(F, X.shape[1:]), y_res, None
    if arm == "ganaug":
        from ganaug import GANAugmenter

        aug = GANAugmenter(random_state=seed if gan_seed is None else gan_seed)
        X_res, y_res = aug.fit_resample(X, y)
        return X_res, y_res, lambda c, n, k: aug.sample(y={c: n}, random_state=np.random.RandomState([seed, k]))[0]
    if arm in ("handset", "warp_grain"):
        X_ros, y_res, _ = resample("ros", np.arange(len(y)), y, seed)
        rng, grain = np.random.default_rng(seed), 1.0 if arm == "warp_grain" else 0.0

        def draw(c, n, k):
            rng_k = np.random.default_rng([seed, k])
            return random_warps(copies(X, y, c, n, rng_k), rng_k, grain=grain)

        return np.concatenate([X, random_warps(X[X_ros[len(y):]], rng, grain=grain)]), y_res, draw
    raise ValueError(f"arm must be one of {ARMS + OPTIONAL_ARMS}. Got {arm!r} instead.")


def copies(X, y, c, n, rng):
    """``n`` copies of class ``c``'s images, drawn with replacement (as random over-sampling draws)."""
    rows = np.flatnonzero(y == c)
    return X[rows[rng.integers(0, len(rows), n)]]


def random_affine(rng, height, width, rotation=12.0, scale=0.1, shear=0.1, shift=0.06):
    """The source coordinates ``[rows, cols]`` (each ``(height, width)``) of one random
    affine map about the image's centre, drawn uniformly within hand-set ranges
    (rotation in degrees; scale, shear and shift as shares): each output pixel reads
    the source there."""
    rows, cols = np.meshgrid(np.arange(height) - (height - 1) / 2, np.arange(width) - (width - 1) / 2, indexing="ij")
    a, s = np.deg2rad(rng.uniform(-rotation, rotation)), 1.0 + rng.uniform(-scale, scale)
    m = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ np.array([[1.0, rng.uniform(-shear, shear)], [0.0, 1.0]]) / s
    dy, dx = rng.uniform(-shift, shift, 2) * (height, width)
    y, x = rows - dy, cols - dx
    return [m[0, 0] * y + m[0, 1] * x + (height - 1) / 2, m[1, 0] * y + m[1, 1] * x + (width - 1) / 2]


def random_warps(X, rng, rotation=12.0, scale=0.1, shear=0.1, shift=0.06, order=1, grain=0.0):
    """Each image moved by a random affine map (:func:`random_affine`), bilinear
    (``order=1``; 0: nearest pixel), edge pixels filling in: the classic augmentation,
    with no GAN. With ``grain`` (pixels) the image is split as ``GANAugmenter`` splits
    it (``ImageEncoder.warp_full_size``): its Gaussian blur of that width moved with
    ``order``, the rest (the grain) by the same map to the nearest pixel."""
    from scipy import ndimage

    out = np.empty_like(X)
    height, width = X.shape[1:3]
    for i, image in enumerate(X):
        coords = random_affine(rng, height, width, rotation, scale, shear, shift)
        channels = (image[..., None] if image.ndim == 2 else image).astype(np.float64)
        shape = ndimage.gaussian_filter(channels, (grain, grain, 0), mode="nearest") if grain else channels
        moved = np.stack([ndimage.map_coordinates(shape[..., c], coords, order=order, mode="nearest")
                          for c in range(channels.shape[-1])], axis=-1)
        if grain:
            y_near, x_near = (np.clip(np.floor(v + 0.5), 0, side - 1).astype(np.intp)
                              for v, side in zip(coords, (height, width)))
            moved += (channels - shape)[y_near, x_near]
        out[i] = np.clip(np.rint(moved), 0, 255).reshape(image.shape).astype(X.dtype)
    return out


def referee(X, y, seed=0, epochs=30, batch_size=64):
    """The judge of generated images: a CNN trained on all real images of the set.

    Four 3x3 convolutions (two max-pools; 8x8 images are upsampled to 16x16 first),
    global pooling, a 128-wide ``features`` layer and class logits, 30 epochs.
    Returns ``(model, features)``, ``features(images) -> (features, predicted class)``.
    """
    import keras
    from keras import layers

    def prep(A):
        A = A.astype("float32") / 255.0
        return A[..., None] if A.ndim == 3 else A

    Xf = prep(X)
    init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)  # noqa: E731
    inputs = keras.Input(Xf.shape[1:])
    h = layers.UpSampling2D(2)(inputs) if Xf.shape[1] < 16 else inputs
    for k, (filters, pool) in enumerate(((32, False), (32, True), (64, True), (64, False))):
        h = layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer=init(k))(h)
        if pool:
            h = layers.MaxPooling2D()(h)
    h = layers.GlobalAveragePooling2D()(h)
    f = layers.Dense(128, activation="relu", kernel_initializer=init(4), name="features")(h)
    out = layers.Dense(int(y.max()) + 1, kernel_initializer=init(5))(layers.Dropout(0.3, seed=seed)(f))
    model = keras.Model(inputs, out)
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(Xf)) for _ in range(epochs)])
    model.fit(Xf[order], y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    both = keras.Model(model.inputs, [model.get_layer("features").output, model.outputs[0]])

    def features(images):
        f, logits = both.predict(prep(images), verbose=0, batch_size=512)
        return f, logits.argmax(axis=1)

    return features


def coverage(real, fake, k=5):
    """Coverage (Naeem et al., 2020): the share of real points with a fake point inside
    their k-nearest-neighbour ball (radius from the real points alone)."""
    from sklearn.metrics import pairwise_distances

    k = min(k, len(real) - 1)
    radii = np.sort(pairwise_distances(real), axis=1)[:, k]
    return float((pairwise_distances(real, fake) <= radii[:, None]).any(axis=1).mean())


def recall(real, fake, k=5):
    """Recall (Kynkäänniemi et al., 2019, as Naeem et al. compute it): the share of real
    points inside some fake point's k-nearest-neighbour ball (radius from the fake points)."""
    from sklearn.metrics import pairwise_distances

    k = min(k, len(fake) - 1)
    radii = np.sort(pairwise_distances(fake), axis=1)[:, k]
    return float((pairwise_distances(real, fake) <= radii[None, :]).any(axis=1).mean())


def generated_quality(features, X_train, y_train, X_test, y_test, X_gen, y_gen, minority, seed, draw, draws=10):
    """Label agreement of the generated images (``X_gen``, the arm's added images) and of
    the minority classes' real training images (``source_agreement``: what the referee
    makes of the images the new ones are made from), and
    per minority class the coverage of the real test images by as many new images as
    the class has real training images (``draw(c, n, k)``, mean of ``draws`` draws)
    minus their coverage by those real images; 0 means as much variety as real images,
    negative less; ``recall_gap`` likewise for recall. ``coverage_gap_subset``: the
    coverage gap with the new images taken at random from ``X_gen`` instead."""
    f_gen, pred = features(X_gen)
    f_train, pred_train = features(X_train)
    f_test, _ = features(X_test)
    rng = np.random.default_rng(seed)
    gaps, recalls, subset = {}, {}, {}
    for c in minority:
        real, test, gen = f_train[y_train == c], f_test[y_test == c], f_gen[y_gen == c]
        n = len(real)
        if n < 2 or len(test) < 2:
            continue
        drawn = [features(draw(c, n, k))[0] for k in range(draws)]
        gaps[int(c)] = float(np.mean([coverage(test, f) for f in drawn]) - coverage(test, real))
        recalls[int(c)] = float(np.mean([recall(test, f) for f in drawn]) - recall(test, real))
        m = min(n, len(gen))
        if m >= 2:
            picked = np.mean([coverage(test, gen[rng.choice(len(gen), m, replace=False)]) for _ in range(draws)])
            subset[int(c)] = float(picked - coverage(test, real[:m]))
    sources = np.isin(y_train, minority)
    return {"agreement": float(np.mean(pred == y_gen)), "coverage_gap": gaps, "recall_gap": recalls,
            "coverage_gap_subset": subset, "source_agreement": float(np.mean(pred_train[sources] == y_train[sources]))}


def cnn_predict(X, y, X_test, seed, steps=600, batch_size=64):
    """A small CNN (two 3x3 conv blocks, global pooling) trained for ``steps`` steps."""
    import keras
    from keras import layers

    def prep(A):
        A = A.astype("float32") / 255.0
        return A[..., None] if A.ndim == 3 else A

    Xf, Xt = prep(X), prep(X_test)
    init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)  # noqa: E731
    inputs = keras.Input(Xf.shape[1:])
    h = inputs
    for k, filters in enumerate((32, 64)):
        h = layers.Conv2D(filters, 3, padding="same", activation="relu", kernel_initializer=init(k))(h)
        if h.shape[1] > 4:
            h = layers.MaxPooling2D()(h)
    h = layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer=init(2))(h)
    h = layers.GlobalAveragePooling2D()(h)
    out = layers.Dense(int(y.max()) + 1, kernel_initializer=init(3))(h)
    model = keras.Model(inputs, out)
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(Xf)) for _ in range(steps * batch_size // len(Xf) + 1)])
    order = order[: steps * batch_size]
    model.fit(Xf[order], y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model.predict(Xt, verbose=0, batch_size=512).argmax(axis=1)


def predict(clf, X, y, X_test, seed):
    if clf == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=2000).fit(flat(X), y).predict(flat(X_test))
    if clf == "svm":
        from sklearn.svm import SVC

        return SVC(kernel="rbf", gamma="scale").fit(flat(X), y).predict(flat(X_test))
    if clf == "cnn":
        return cnn_predict(X, y, X_test, seed)
    raise ValueError(f"classifier must be one of {CLASSIFIERS}. Got {clf!r} instead.")


def scores(y_test, pred, minority):
    from sklearn.metrics import balanced_accuracy_score, recall_score

    recalls = recall_score(y_test, pred, labels=minority, average=None, zero_division=0)
    return {"balanced_accuracy": balanced_accuracy_score(y_test, pred), "minority_recall": float(np.mean(recalls))}


def folds(y, n_folds, repeats):
    from sklearn.model_selection import RepeatedStratifiedKFold

    cv = RepeatedStratifiedKFold(n_splits=n_folds, n_repeats=repeats, random_state=0)
    for i, (train, test) in enumerate(cv.split(np.zeros(len(y)), y)):
        yield i // n_folds, i % n_folds, train, test


def cut_fold(y, train, repeat, fold, ratio):
    """The fold's seed, its 5 minority classes (drawn with that seed), and the training
    rows kept and removed by cutting those classes to ``ratio`` (``image_sets.cut_classes``)."""
    seed = 1000 * repeat + fold
    rng = np.random.default_rng(seed)
    minority = sorted(int(c) for c in rng.choice(np.unique(y), 5, replace=False))
    kept = np.zeros(len(train), dtype=bool)
    kept[image_sets.cut_classes(y[train], ratio, minority, rng)] = True
    return seed, minority, train[kept], train[~kept]


def run_fold(name, X, y, repeat, fold, train, test, arms, classifiers, ratio, features=None):
    seed, minority, train, removed = cut_fold(y, train, repeat, fold, ratio)
    records = []
    for arm in arms:
        start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        X_res, y_res, draw = resample(arm, X[train], y[train], seed, (X[removed], y[removed]))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        record = {"set": name, "repeat": repeat, "fold": fold, "arm": arm, "minority": minority,
                  "n_train": int(len(train)), "n_resampled": int(len(y_res)), "seconds": seconds,
                  "cpu_seconds": cpu, "load": load}
        if arm in VARIETY_ARMS and features is not None:
            n = len(train)
            record["quality"] = generated_quality(
                features, X[train], y[train], X[test], y[test], X_res[n:], np.asarray(y_res[n:]), minority, seed, draw
            )
        for clf in classifiers:
            pred = predict(clf, X_res, np.asarray(y_res), X[test], seed)
            record[clf] = scores(y[test], pred, minority)
        records.append(record)
    return records


def load_records(path):
    """The records of ``path`` (none if it does not exist); the ``warp`` arm of older
    runs under its name now, ``handset``."""
    if path is None or not Path(path).exists():
        return []
    with open(path) as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for r in records:
        r["arm"] = ALIASES.get(r["arm"], r["arm"])
    return records


def mean_ranks(records, sets, classifiers, arms):
    """Mean rank (1 = best, ties averaged) of each arm per metric, over sets, classifiers
    and folds that hold every arm."""
    from scipy.stats import rankdata

    table = {arm: {m: [] for m in METRICS} for arm in arms}
    groups = {}
    for r in records:
        if r["set"] in sets and r["arm"] in arms:
            groups.setdefault((r["set"], r["repeat"], r["fold"]), {})[r["arm"]] = r
    for group in groups.values():
        if len(group) < len(arms):
            continue
        for clf in classifiers:
            for m in METRICS:
                values = np.array([group[a][clf][m] for a in arms])
                for arm, rank in zip(arms, rankdata(-values)):
                    table[arm][m].append(rank)
    return {arm: {m: float(np.mean(v)) if v else float("nan") for m, v in ms.items()} for arm, ms in table.items()}


def report(records, sets, classifiers, arms):
    for name in sets:
        rs = [r for r in records if r["set"] == name]
        if not rs:
            continue
        n = len({(r["repeat"], r["fold"]) for r in rs})
        print(f"\n### {name} ({n} folds)\n")
        print("| arm | " + " | ".join(f"{c} bal. acc. | {c} min. recall" for c in classifiers) + " | resample s |")
        print("|---" * (2 * len(classifiers) + 2) + "|")
        for arm in arms:
            ra = [r for r in rs if r["arm"] == arm]
            if not ra:
                continue
            cells = []
            for c in classifiers:
                for m in METRICS:
                    cells.append(f"{np.mean([r[c][m] for r in ra]):.3f}")
            print(f"| {arm} | " + " | ".join(cells) + f" | {np.mean([r['seconds'] for r in ra]):.2f} |")
    quality = [r for r in records if r["set"] in sets and r["arm"] == "ganaug" and "quality" in r]
    if quality:
        print("\n### Generated images (ganaug arm): label agreement and coverage gap\n")
        print("Agreement: share of generated images that a CNN trained on the set's real images")
        print("assigns to their intended class (in brackets: the share of the minority classes' real")
        print("training images, which the new ones are made from, that it assigns to their class).")
        print("Coverage gap: per minority class, coverage of the real test images by as many new")
        print("images as the class has real training images (asked of the fitted sampler; mean of")
        print("10 draws) minus by those real images (0: as varied as real images). The same gap for")
        print("random over-sampling's copies (ros) is the floor of anything made from the training")
        print("images alone. Within 0.1: classes whose gap is at least -0.1.\n")
        print("| set | fold seed | agreement (real sources) | mean coverage gap (ros) | worst class gap (ros) | within 0.1 | fit s (cpu s, load) |")
        print("|---|---|---|---|---|---|---|")
        copies = {(r["set"], r["repeat"], r["fold"]): r["quality"] for r in records
                  if r["arm"] == "ros" and "quality" in r}
        for r in quality:
            gaps = list(r["quality"]["coverage_gap"].values())
            ros = list(copies.get((r["set"], r["repeat"], r["fold"]), {}).get("coverage_gap", {}).values())
            ros_mean, ros_min = (f"{np.mean(ros):+.3f}", f"{min(ros):+.3f}") if ros else ("n/a", "n/a")
            within = sum(g >= -0.1 for g in gaps)
            sources = r["quality"].get("source_agreement")
            sources = "n/a" if sources is None else f"{sources:.3f}"
            print(f"| {r['set']} | {1000 * r['repeat'] + r['fold']} | {r['quality']['agreement']:.3f} ({sources}) | "
                  f"{np.mean(gaps):+.3f} ({ros_mean}) | {min(gaps):+.3f} ({ros_min}) | {within}/{len(gaps)} | "
                  f"{r['seconds']:.0f} ({r.get('cpu_seconds', float('nan')):.0f}, {r.get('load', float('nan')):.1f}) |")
    if any(r["set"] in sets and r["arm"] in VARIETY_ARMS and "quality" in r for r in records):
        print("\nPer set, over folds (class gaps pooled): mean coverage gap and the share of class gaps")
        print("of at least -0.1; the same for recall (Kynkaanniemi et al., 2019: the share of real test")
        print("images inside the new images' k-NN balls); and the mean coverage gap of the older reading")
        print("(images taken at random from fit_resample's output, where every real image recurs).")
        print("Arm real: real images the cut removed, never trained on (the measure's floor):\n")
        print("| set | arm | agreement mean (min) | coverage gap | within 0.1 | recall gap | within 0.1 | coverage gap, subset |")
        print("|---|---|---|---|---|---|---|---|")
        for name in sets:
            for arm in VARIETY_ARMS:
                rs = [r for r in records if r["set"] == name and r["arm"] == arm and "quality" in r]
                gaps = [g for r in rs for g in r["quality"]["coverage_gap"].values()]
                if not gaps:
                    continue
                rec = [g for r in rs for g in r["quality"].get("recall_gap", {}).values()]
                old = [g for r in rs for g in r["quality"].get("coverage_gap_subset", {}).values()]
                agree = [r["quality"]["agreement"] for r in rs]
                nan = float("nan")
                print(f"| {name} | {arm} | {np.mean(agree):.3f} ({min(agree):.3f}) | {np.mean(gaps):+.3f} | "
                      f"{np.mean([g >= -0.1 for g in gaps]):.2f} | {np.mean(rec) if rec else nan:+.3f} | "
                      f"{np.mean([g >= -0.1 for g in rec]) if rec else nan:.2f} | {np.mean(old) if old else nan:+.3f} |")
    print("\n### Mean rank (1 = best; over classifiers and folds; balanced accuracy / minority recall)\n")
    arms = [a for a in arms if a not in REFERENCES]
    shown = [name for name in sets if any(r["set"] == name for r in records)]
    print("| arm | " + " | ".join(shown) + " | all sets |")
    print("|---" * (len(shown) + 2) + "|")
    per_set = [mean_ranks(records, [name], classifiers, arms) for name in shown]
    pooled = mean_ranks(records, sets, classifiers, arms)
    for arm in arms:
        cells = [f"{r[arm]['balanced_accuracy']:.2f} / {r[arm]['minority_recall']:.2f}" for r in [*per_set, pooled]]
        print(f"| {arm} | " + " | ".join(cells) + " |")
    for clf in classifiers:
        ranks = mean_ranks(records, sets, [clf], arms)
        print(f"\n{clf}: " + ", ".join(
            f"{arm} {ranks[arm]['balanced_accuracy']:.2f}/{ranks[arm]['minority_recall']:.2f}" for arm in arms
        ) + "  (mean rank: balanced accuracy / minority recall)")


def timing(sizes=(8, 28, 64), n=1000, seed=0):
    """Seconds of a default GANAugmenter fit on ``n`` digits at each size (printed, and
    returned as records)."""
    from ganaug import GANAugmenter

    X8, y = image_sets.make_set("digits8")
    X8, y = X8[:n], y[:n]
    load = os.getloadavg()[0]
    print(f"\nDefault GANAugmenter fit on {n} digits ({os.cpu_count()} CPU cores, load "
          f"{load:.1f} at the start):")
    out = []
    for side in sizes:
        X = X8 if side == 8 else image_sets.resize(X8, side)
        start, cpu = time.perf_counter(), time.process_time()
        aug = GANAugmenter(random_state=seed).fit(X, y)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        work = "x".join(str(s) for s in aug.working_size_)
        out.append({"side": side, "images": n, "seconds": seconds, "cpu_seconds": cpu, "working_size": work,
                    "load": os.getloadavg()[0]})
        print(f"  {side}x{side}: {seconds:.1f} s wall, {cpu:.1f} s CPU, working size {work} "
              f"(load {os.getloadavg()[0]:.1f} at the end)", flush=True)
    return out


def page_payload(records, sets, classifiers, arms, stamp, name="images_downstream", timings=None, scope=""):
    """The results page: the printed report's tables, a chart of the mean ranks, one of
    minority recall per set, and the fit timings when measured."""
    import contextlib
    import io

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        report(records, sets, classifiers, arms)
    sections, current = [], None
    for line in text.getvalue().splitlines():
        if line.startswith("### "):
            current = {"heading": line[4:].strip(), "text": ""}
            sections.append(current)
        elif current is not None:
            current["text"] += line + "\n"
    ranked = [a for a in arms if a not in REFERENCES]
    shown = [n for n in sets if any(r["set"] == n for r in records)]
    pooled = mean_ranks(records, shown, classifiers, ranked)
    charts = [{"heading": "Charts", "text": "Mean rank of each arm over sets, classifiers and folds (1 = best).",
               "chart": {"file": "mean_rank.png", "kind": "barh", "title": "Mean rank (1 = best)",
                         "categories": ranked, "ylabel": "mean rank",
                         "series": {m.replace("_", " "): [pooled[a][m] for a in ranked] for m in METRICS}}}]
    for set_name in shown:
        rs = [r for r in records if r["set"] == set_name]
        charts.append({"text": f"Minority recall on the test folds, `{set_name}` (mean over folds).",
                       "chart": {"file": f"minority_recall_{set_name}.png", "kind": "bar",
                                 "title": f"{set_name}: minority recall by classifier", "categories": classifiers,
                                 "ylabel": "minority recall", "ylim": [0, 1],
                                 "series": {a: [float(np.mean([r[c]["minority_recall"] for r in rs if r["arm"] == a]))
                                                for c in classifiers]
                                            for a in arms if any(r["arm"] == a for r in rs)}}})
    if not shown:  # --timing-only: no folds, no ranks
        charts, sections = [], []
    if timings:
        sections.append({"heading": "Fit time by image size", "text": (
            f"A default `GANAugmenter` fit on {timings[0]['images']} digits, upscaled; wall and CPU "
            "seconds, the working size it chose, the load average at the end (the machine may be shared)."),
            "table": {"columns": ["size", "wall s", "CPU s", "working size", "load"],
                      "rows": [[f"{t['side']}x{t['side']}", f"{t['seconds']:.1f}", f"{t['cpu_seconds']:.1f}",
                                t["working_size"], f"{t['load']:.1f}"] for t in timings]}})
    folds = len({(r["set"], r["repeat"], r["fold"]) for r in records})
    intro = ("\n\n".join(__doc__.split("\n\n")[1:3]).replace("``", "`") + "\n\n" +
             f"This run: sets {', '.join(shown) or 'none'}, arms {', '.join(arms)}, classifiers "
             f"{', '.join(classifiers)}; {folds} (set, fold) pairs in all.")
    if scope:
        intro += f"\n\n**This run is reduced** ({scope}). The full run: " \
                 "`python -m benchmarks.images.downstream --out images_downstream.jsonl --timing`."
    return {"name": name, "title": "Images: does GAN rebalancing help a classifier?" + (" (reduced run)" if scope else ""),
            "intro": intro, "stamp": stamp, "sections": [*charts, *sections],
            "data": {"records": records, "timings": timings or []}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(image_sets.SETS), choices=image_sets.SETS)
    parser.add_argument("--arms", nargs="+", default=list(ARMS), choices=ARMS + OPTIONAL_ARMS + tuple(ALIASES),
                        help="Arms to run (warp: the handset arm's former name).")
    parser.add_argument("--classifiers", nargs="+", default=list(CLASSIFIERS), choices=CLASSIFIERS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--fold-limit", type=int, default=None,
                        help="Run only the first N folds of the repeated CV (for the slow sets).")
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--out", default=None, help="JSON-lines file of fold results; resumes from it.")
    parser.add_argument("--timing", action="store_true", help="Also time default fits at 8x8, 28x28, 64x64.")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--report-only", action="store_true", help="Print the tables of --out; run nothing.")
    parser.add_argument("--timing-sizes", type=int, nargs="+", default=[8, 28, 64])
    parser.add_argument("--page", default="images_downstream",
                        help="Name of the results page, RESULTS/PAGE.{md,json}.")
    parser.add_argument("--results", type=Path, default=common.RESULTS,
                        help="Folder of the results page (default: docs/results).")
    parser.add_argument("--note", default=None,
                        help="A sentence for the page: how the run was made (e.g. its records made in parts).")
    args = parser.parse_args(argv)
    args.arms = list(dict.fromkeys(ALIASES.get(a, a) for a in args.arms))
    began = time.perf_counter()  # the whole run's seconds, for the page (`start` times a fold)
    records, timings = [], None

    if not args.timing_only:
        records = load_records(args.out)
        done = {(r["set"], r["repeat"], r["fold"], r["arm"]) for r in records}
        for name in [] if args.report_only else args.sets:
            X, y = image_sets.make_set(name)
            features = None
            for k, (repeat, fold, train, test) in enumerate(folds(y, args.folds, args.repeats)):
                if args.fold_limit is not None and k >= args.fold_limit:
                    break
                arms = [a for a in args.arms if (name, repeat, fold, a) not in done]
                if not arms:
                    continue
                if features is None and set(VARIETY_ARMS) & set(arms):
                    features = referee(X, y)
                start = time.perf_counter()
                new = run_fold(name, X, y, repeat, fold, train, test, arms, args.classifiers, args.ratio, features)
                records.extend(new)
                if args.out is not None:
                    with open(args.out, "a") as fh:
                        for r in new:
                            fh.write(json.dumps(r) + "\n")
                line = "; ".join(
                    f"{r['arm']} " + " ".join(f"{r[c]['minority_recall']:.2f}" for c in args.classifiers)
                    for r in new
                )
                print(f"{name} repeat {repeat} fold {fold} ({time.perf_counter() - start:.0f} s; "
                      f"minority recall {'/'.join(args.classifiers)}): {line}", flush=True)
        report(records, args.sets, args.classifiers, args.arms)
    if args.timing or args.timing_only:
        timings = timing(args.timing_sizes)
    reduced = []
    if set(args.sets) != set(image_sets.SETS):
        reduced.append(f"sets {', '.join(args.sets)} of {', '.join(image_sets.SETS)}")
    if args.fold_limit is not None:
        reduced.append(f"the first {args.fold_limit} folds of each set")
    if set(args.classifiers) != set(CLASSIFIERS):
        reduced.append(f"classifiers {', '.join(args.classifiers)}")
    stamp = common.stamp("benchmarks.images.downstream", sys.argv[1:] if argv is None else argv,
                         time.perf_counter() - began)
    chosen = [r for r in records if r["set"] in args.sets and r["arm"] in args.arms]
    payload = page_payload(chosen, args.sets, args.classifiers, args.arms, stamp, args.page,
                           timings, "; ".join(reduced))
    common.write_results(common.add_note(payload, args.note, separator="\n\n"), args.results)


if __name__ == "__main__":
    main()
