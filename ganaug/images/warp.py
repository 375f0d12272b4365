"""Warps of real images: how a fitted image model makes its images.

The image generator (:func:`ganaug.nn.image_nets.build_conv_generator`) draws, from
a real image of the class, the noise and the label, an affine displacement field.
:func:`generate_warps` moves each class's real images in turn (:func:`source_rows`)
along the fields it draws: the label check judges the warp at the working size, and
the image returned is the warp of the real image at its own size
(:meth:`ImageEncoder.warp_full_size`), so nothing of it is lost to the working size.
A warp the judge assigns to another class is drawn again from the same real image,
up to ``IMAGE_LABEL_REDRAWS`` times, so that the unusual images of a class are moved
as often as the others. A real image none of whose warps passes is returned once as
it is (a copy), so that its part of the class is not lost; where it was to be moved
again, the warps come from the real images of its class nearest to it
(:func:`neighbour_rows`, up to ``IMAGE_SOURCE_REDRAWS`` draws), so that an image the
judge doubts is not repeated. Measured with ``benchmarks/images`` (seed 0, all
folds): a referee CNN agrees with the class of 0.973 of the generated digits28
images, 0.990 of photo16's and 0.994 of digits8's.
"""

from __future__ import annotations

import weakref

import numpy as np

from ganaug.images.judge import IMAGE_LABEL_REDRAWS, check_labels

__all__ = ["IMAGE_SOURCE_REDRAWS", "flow_model", "generate_warps", "neighbour_rows", "source_rows"]

# warps of images: redraws from the same real image first; an image none of whose
# warps passes is kept once as it is, and its other draws go to its nearest images of
# the class, one after another, up to this many
IMAGE_SOURCE_REDRAWS = 6


_FLOW_MODELS = weakref.WeakKeyDictionary()


def flow_model(generator):
    """The warping generator's displacement fields: ``(noise, label, source) -> flow``.

    One model per generator, kept as long as the generator lives, so that each draw
    reuses its traced sampling function (:func:`ganaug.nn.sampling.sampling_function`)
    instead of tracing a new one (about 1 s under JAX on a 2-core CPU)."""
    from ganaug.nn.backend import keras

    model = _FLOW_MODELS.get(generator)
    if model is None:
        model = keras.Model(generator.inputs, generator.get_layer("flow").output)
        _FLOW_MODELS[generator] = model
    return model


def source_rows(labels, class_rows, rng):
    """For an editing image generator, the number of one real image of its class per
    label: each class's images in a random order, over and over, so that every real
    image is edited about as often as the others. ``class_rows``: per class index, the
    row numbers of its images."""
    picked = np.empty(len(labels), dtype=np.intp)
    for k in np.unique(labels):
        at = np.flatnonzero(labels == k)
        rows = class_rows[k]
        rounds = -(-len(at) // len(rows))
        picked[at] = np.concatenate([rng.permutation(rows) for _ in range(rounds)])[: len(at)]
    return picked


def neighbour_rows(rows, labels, rank, images, class_rows):
    """For real images numbered ``rows`` (of the classes ``labels``), the number of
    the ``rank``-th nearest other real image of the same class (Euclidean, in GAN
    space ``images``; 1 = the nearest), the farthest where the class has fewer."""
    from sklearn.metrics import pairwise_distances

    picked = np.array(rows, dtype=np.intp)
    images = images.reshape(len(images), -1)
    for k in np.unique(labels):
        at = np.flatnonzero(labels == k)
        members = class_rows[k]
        if len(members) < 2:
            continue
        distance = pairwise_distances(images[rows[at]], images[members])
        distance[rows[at, None] == members[None, :]] = -1.0  # the image itself comes first
        order = np.argsort(distance, axis=1, kind="stable")
        picked[at] = members[order[:, min(rank, len(members) - 1)]]
    return picked


def generate_warps(labels, rng, run_flow, encoder, source_images, real_images, class_rows, judge=None):
    """Images for the class indices ``labels``, each a real image of its class warped
    (see the module docstring).

    Parameters
    ----------
    labels : ndarray of int
    rng : numpy.random.RandomState
    run_flow : callable
        ``run_flow(labels, rng, rows)``: displacement fields for ``labels`` that move the
        real images numbered ``rows``.
    encoder : ImageEncoder
    source_images : ndarray
        The real images in GAN space.
    real_images : ndarray
        The real images as given.
    class_rows : list of ndarray
        Per class index, the row numbers of its images.
    judge : ImageJudge, optional
        The label check; None draws each warp once.

    Returns
    -------
    images : ndarray
        In the input's shape and dtype.
    agreement : float or None
        The share of drawn warps the judge agreed with (None without a judge).
    """
    rows = source_rows(labels, class_rows, rng)
    sources = rows.copy()  # the real image each position's next warp moves
    flows_drawn, sources_drawn = [], []

    def draw(at):
        """Fields for ``labels[at]``, kept; returns their tags."""
        flows_drawn.append(run_flow(labels[at], rng, sources[at]))
        sources_drawn.append(sources[at])
        start = sum(len(f) for f in flows_drawn[:-1])
        return np.arange(start, start + len(at))

    def generate(at):  # the warps at the working size, for the judge
        tags = draw(at)
        return encoder.warp(source_images[sources[at]], flows_drawn[-1]), tags

    copied = np.zeros(len(labels), dtype=bool)
    agreement = None
    if judge is None or not len(labels):
        tags = draw(np.arange(len(labels)))
    else:
        _, agreement, tags, passed = check_labels(generate, judge, labels, IMAGE_LABEL_REDRAWS, tagged=True)
        drawn = sum(len(f) for f in flows_drawn)
        failed = np.flatnonzero(~passed)
        first = np.unique(rows[failed], return_index=True)[1]
        copied[failed[first]] = True
        again = np.delete(failed, first)
        if len(again):
            rank = iter(range(1, IMAGE_SOURCE_REDRAWS + 1))

            def from_nearest(at):
                sources[again[at]] = neighbour_rows(
                    rows[again[at]], labels[again[at]], next(rank), source_images, class_rows)
                return generate(again[at])

            _, more, tags[again], _ = check_labels(
                from_nearest, judge, labels[again], IMAGE_SOURCE_REDRAWS - 1, tagged=True
            )
            extra = sum(len(f) for f in flows_drawn) - drawn
            agreement = (agreement * drawn + more * extra) / (drawn + extra)
    images = encoder.warp_full_size(
        real_images[np.concatenate(sources_drawn)[tags]], np.concatenate(flows_drawn)[tags]
    )
    images[copied] = real_images[rows[copied]]
    return images, agreement
