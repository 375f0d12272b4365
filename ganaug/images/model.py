"""The image pipeline: what a fit and a draw do to an image set.

:meth:`ImageModel.fit` runs each stage once, in this order:

1. choose the working size and encode the images (:mod:`ganaug.images.encoder`);
2. fit the label check's CNN (:mod:`ganaug.images.judge`);
3. train the GAN (:mod:`ganaug.images.training`), restarted with lower learning rates
   if it diverges and ``on_divergence='restart'`` (:mod:`ganaug.nn.training`), then
4. fit the pixel map (:mod:`ganaug.images.pixel_map`).

:meth:`ImageModel.generate` then makes images for given class indices: right after
fit, warps of the real images (:mod:`ganaug.images.warp`), label-checked; from a model
loaded from a file, which holds no training images, images drawn from the noise alone
and warped once more, mapped to the real pixel values.
"""

from __future__ import annotations

import warnings

import numpy as np

from ganaug.images.encoder import ImageEncoder
from ganaug.images.judge import IMAGE_LABEL_REDRAWS, ImageJudge, check_labels, fit_image_judge
from ganaug.images.pixel_map import PixelMap, fit_pixel_map
from ganaug.images.training import train_image_gan
from ganaug.images.warp import flow_model, generate_warps

__all__ = ["IMAGE_CHUNK", "ImageModel"]

IMAGE_CHUNK = 1024  # images per generator call


class ImageModel:
    """A fitted image model: the state of every stage, and the draw that uses it.

    Made by :class:`ganaug.GANAugmenter` for an image array; its fitted attributes
    (those in ``ATTRIBUTES``) are read through the estimator.

    Parameters
    ----------
    settings : ganaug.nn.training.TrainingSettings
    classes : ndarray
        The class labels, sorted.
    working_size, filter_labels, on_divergence :
        The estimator's parameters of the same names.
    """

    ATTRIBUTES = (
        "encoder_", "generator_", "history_", "working_size_", "image_judge_", "pixel_map_",
        "label_agreement_", "n_copies_dropped_",
    )
    #: The estimator's parameters a draw reads as they are at the draw.
    DRAW_OPTIONS = ("filter_labels",)

    def __init__(self, settings, classes, *, working_size="auto", filter_labels=True, on_divergence="raise"):
        self.settings = settings
        self.classes = classes
        self.n_classes = len(classes)
        self.working_size = working_size
        self.filter_labels = filter_labels
        self.on_divergence = on_divergence
        # After fit only, never saved: the real images, which the generator moves.
        self.source_images = self.real_images = self.class_rows = None
        self.image_judge_ = None
        self.pixel_map_ = None
        self.n_copies_dropped_ = 0

    def fit(self, X, y_idx, seeds, callbacks=None):
        """Run the stages of an image fit, in order (see the module docstring)."""
        from ganaug.nn.training import check_divergence, train_with_restarts

        # Each class's image numbers, to pick images to edit.
        self.class_rows = [np.flatnonzero(y_idx == k) for k in range(self.n_classes)]
        self.encoder_ = ImageEncoder(working_size=self.working_size).fit(X)
        self.working_size_ = self.encoder_.working_shape_
        encoded = self.encoder_.transform(X)
        # The real images, which the generator edits (kept in memory only: a saved
        # model holds no training images).
        self.source_images, self.real_images = encoded, X
        seed = next(seeds)
        self.image_judge_ = None
        if self.filter_labels and self.n_classes >= 2:
            steps = self.settings.epochs * self.settings.steps_per_epoch
            self.image_judge_ = fit_image_judge(encoded, y_idx, self.n_classes, steps, seed)

        def attempt(lr_scale):
            self.generator_, self.history_ = train_image_gan(
                encoded, y_idx, self.class_rows, self.encoder_, self.settings, seeds, lr_scale, callbacks)
            check_divergence(self.history_)
            self.pixel_map_ = fit_pixel_map(self.encoder_, X, self.class_rows, self.from_noise, next(seeds))

        train_with_restarts(attempt, self.on_divergence, stacklevel=4)
        return self

    def takes_source(self):
        """Whether the generator moves a source image (image models since editing
        generators; not image models saved before them)."""
        return len(self.generator_.inputs) == 3

    def edits(self):
        """Whether the generator edits real images, and they are at hand (a model loaded
        from a file holds none)."""
        return self.takes_source() and self.source_images is not None

    def _run(self, labels, rng, shape, sources=None, model=None):
        """The generator's output (or ``model``'s) for the class indices ``labels``; an
        editing generator moves ``sources`` (None: all-zero images, from the noise alone)."""
        from ganaug.nn.sampling import IMAGE_PADDING, run_generator

        if self.takes_source() and sources is None:
            sources = np.zeros((len(labels), *shape), dtype=np.float32)
        elif not self.takes_source():
            sources = None
        return run_generator(model or self.generator_, labels, self.n_classes, self.settings.latent_dim,
                             rng, shape, IMAGE_CHUNK, sources=sources, padding=IMAGE_PADDING)

    def from_noise(self, labels, rng):
        """GAN-space images for the class indices ``labels`` drawn without real images: an
        editing generator draws one from the noise alone (an all-zero source) and moves
        it once more, as it would a real one."""
        shape = self.encoder_.canvas_shape_
        images = self._run(labels, rng, shape)
        if self.takes_source():
            images = self._run(labels, rng, shape, sources=images)
        return images

    def generate(self, labels, rng, stacklevel=2, **options):
        """Images for the class indices ``labels``, in the shape and dtype seen at fit.

        With ``filter_labels``, an image that the judge trained on the real images
        (``image_judge_``) assigns to another class is generated again (see
        :func:`ganaug.images.judge.check_labels`); the share the judge agreed with is
        kept in ``label_agreement_``. ``options`` (``DRAW_OPTIONS``) replace the
        parameters of the same names.
        """
        for name, value in options.items():
            if name not in self.DRAW_OPTIONS:
                raise TypeError(f"generate() got an unexpected option {name!r}")
            setattr(self, name, value)
        self.n_copies_dropped_ = 0
        if self.takes_source() and not self.edits():
            warnings.warn(
                "This image model was loaded from a file or a pickle, which holds no training "
                "images, so each image is drawn from the noise alone and then warped once more "
                "(right after fit, each image is a warp of a real image of its class; "
                "those are closer to the real images). To sample as right after fit, save "
                "with keep_training_rows=True (ganaug augment-images --save-model FILE "
                "--keep-training-rows), or pickle with keep_training_rows=True; the file then "
                "holds the training images verbatim: share it only with those who may see them.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
        judge = self.image_judge_ if self.filter_labels else None
        if self.edits():
            flows, field = flow_model(self.generator_), (*self.encoder_.canvas_shape_[:2], 2)

            def run_flow(labels, rng, rows):
                return self._run(labels, rng, field, sources=self.source_images[rows], model=flows)

            images, agreement = generate_warps(labels, rng, run_flow, self.encoder_, self.source_images,
                                               self.real_images, self.class_rows, judge)
            if agreement is not None:
                self.label_agreement_ = agreement
            return images

        def generate(at):
            return self.from_noise(labels[at], rng)

        if judge is None or not len(labels):
            encoded = generate(np.arange(len(labels)))
        else:
            encoded, self.label_agreement_ = check_labels(generate, judge, labels, IMAGE_LABEL_REDRAWS)
        return self.encoder_.inverse_transform(encoded, pixel_map=self.pixel_map_)

    # -------------------------------------------------------------- saving
    def get_state(self, keep_copy_filter=False):
        """The fitted state as JSON (images hold no row hashes)."""
        state = {"image_encoder": self.encoder_.get_state()}
        if self.image_judge_ is not None:
            state["image_judge"] = self.image_judge_.get_state()
        if self.pixel_map_ is not None:
            state["pixel_map"] = self.pixel_map_.get_state()
        return state

    def training_rows(self):
        """What a draw takes from the training images, ``{name: ndarray}`` (empty when the
        model holds none, as one loaded without them): the images as given
        (``images``), in GAN space (``sources``) and their class indices (``labels``).
        What ``save(keep_training_rows=True)`` writes to the file, verbatim."""
        if self.source_images is None:
            return {}
        labels = np.empty(len(self.source_images), dtype=np.int64)
        for k, rows in enumerate(self.class_rows):
            labels[rows] = k
        return {"images": self.real_images, "sources": self.source_images, "labels": labels}

    @classmethod
    def from_state(cls, state, generator, settings, classes, rows=None, **options):
        """A fitted model from :meth:`get_state`'s output and the saved generator, and
        :meth:`training_rows`'s output when the file holds them (``rows``): then it
        warps the real images as the fitted model did."""
        model = cls(settings, classes, **options)
        model.history_ = state["history"]
        model.encoder_ = ImageEncoder.from_state(state["image_encoder"])
        model.working_size_ = model.encoder_.working_shape_
        if state.get("image_judge") is not None:
            model.image_judge_ = ImageJudge.from_state(state["image_judge"])
        if state.get("pixel_map") is not None:
            model.pixel_map_ = PixelMap.from_state(state["pixel_map"])
        model.generator_ = generator
        if rows:
            model.real_images, model.source_images = rows["images"], rows["sources"]
            model.class_rows = [np.flatnonzero(rows["labels"] == k) for k in range(model.n_classes)]
        return model
