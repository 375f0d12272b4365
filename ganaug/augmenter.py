"""GANAugmenter: an imbalanced-learn over-sampler backed by a conditional GAN."""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import logging
import math
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    column_or_1d,
    validate_data,
)

from ganaug import persistence
from ganaug._labels import plain, shown
from ganaug.images import is_image_array

__all__ = ["CollapseWarning", "FidelityWarning", "GANAugmenter", "TrainingDivergedError", "load"]

_SAMPLE_CHUNK = 65536
_COPY_REDRAWS = 5
_IMAGE_CHUNK = 1024
_MIN_STEPS_PER_EPOCH = 10
_LABEL_REDRAWS = 3
# Rows per class that the label judge is fitted on and that the collapse check
# compares: enough for a logistic regression and for spreads and level counts, and
# a fit on 100,000 rows does not spend minutes on either.
_ROWS_PER_CLASS = 2000
# Rows per class the collapse check compares: enough for spreads and level counts
# (each estimated alike for real and synthetic rows), few enough to cost a tenth of a
# second, not half a second, on a large class.
_VARIETY_ROWS = 500
_CALIBRATION_ROWS = 1000  # generated rows per class that calibration is learned from
# The fidelity check (see GANAugmenter._check_fidelity): a class whose generated rows a
# random forest trained on the real rows puts in the class this much less often than
# it puts the class's own real rows there (out of bag) is made by interpolation instead.
_FIDELITY_GAP = 0.25
_FIDELITY_MIN_ROWS = 20  # real rows a class needs for the check
_FIDELITY_TREES = 25
_INTERPOLATION_NEIGHBOURS = 5
_IMAGE_LABEL_REDRAWS = 6
# warps of images: redraws from the same real image first; an image none of whose
# warps passes is kept once as it is, and its other draws go to its nearest images of
# the class, one after another, up to this many
_IMAGE_SOURCE_REDRAWS = 6


class TrainingDivergedError(RuntimeError):
    """Raised when the GAN's losses become NaN or infinite during training."""


class CollapseWarning(UserWarning):
    """Warned when a class's synthetic rows are far less varied than its real rows."""


class FidelityWarning(UserWarning):
    """Warned when a class's generated rows land outside the class's region far more often
    than its real rows do, so that its rows are made by interpolation instead."""


def _check_units(name, units):
    units = tuple(units)
    if not units or not all(
        isinstance(u, Integral) and not isinstance(u, bool) and u > 0 for u in units
    ):
        raise ValueError(
            f"{name} must be a non-empty sequence of positive integers (layer widths). "
            f"Got {units!r} instead."
        )
    return tuple(int(u) for u in units)


def _check_target_complete(y):
    """A missing label cannot be learned from or rebalanced: say which rows lack one."""
    values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y, dtype=object)
    if values.ndim != 1 and not (values.ndim == 2 and values.shape[1] == 1):
        return  # one-vs-all indicator targets: imblearn's own checks apply
    missing = np.flatnonzero(pd.isna(values.ravel()))
    if len(missing):
        raise ValueError(
            f"y (the target) has {len(missing)} missing value(s), first at row "
            f"{missing[0]}; every row needs a class label. Drop or fill those rows."
        )


# What 'auto' means for tables and for images. Tables: a fixed budget of 250 steps
# (5 epochs of 50), whatever the number of rows, with 128-wide networks and Adam at
# 1e-3. Images: a fixed budget of 1,500 steps (15 epochs of 100), whatever the number
# of images, 64 (the convolution stages get a quarter of it, 16, as channels) and Adam
# at 4e-4 with betas (0, 0.99), as in BigGAN; see ganaug.images.IMAGE_GAN for the rest.
TABLE_DEFAULTS = {
    "epochs": 5, "steps_per_epoch": 50, "generator_units": (128, 128),
    "discriminator_units": (128, 128), "generator_lr": 1e-3, "discriminator_lr": 1e-3,
}
IMAGE_DEFAULTS = {
    "epochs": 15, "steps_per_epoch": 100, "generator_units": (64,),
    "discriminator_units": (64,), "generator_lr": 4e-4, "discriminator_lr": 4e-4,
    "adam_betas": (0.0, 0.99),
}


# The share of synthetic table rows recombined from real rows when recombine='auto'.
RECOMBINE_AUTO = 0.75


def _seed_stream(rng):
    while True:
        yield int(rng.randint(np.iinfo(np.int32).max))


class GANAugmenter(BaseOverSampler):
    """Over-sample minority classes with rows drawn from a conditional GAN.

    One GAN is trained for all classes, conditioned on the class label, on
    class-balanced batches (every class is seen equally often, however few rows it
    has). :meth:`fit_resample` returns the original rows, unchanged and in order,
    followed by synthetic rows for the classes that ``sampling_strategy`` asks for;
    :meth:`sample` generates rows on demand after :meth:`fit`.

    Tables may mix numeric, integer, categorical (object, string, category, bool)
    columns and missing values. A DataFrame comes back as a DataFrame with the same
    columns and dtypes; a NumPy array as an array of the same dtype.

    Image arrays of shape ``(n, H, W)`` or ``(n, H, W, C)`` (uint8 or float, H and W
    from 8 to 128, 1, 3 or 4 channels) are detected by their shape and trained with
    convolutional networks for a fixed budget of 1,500 steps. The generator moves a
    real image of the class: from the image, the noise and the label (a U-Net with
    conditional batch normalisation) it draws an affine map, and its output is the
    image warped by it (:class:`ganaug.networks.FlowWarp`). A spectrally normalised
    projection discriminator (hinge loss, differentiable augmentation without
    translation, so that it sees where a warp moved an image) judges the
    warps against other real images of the class, and a mode-seeking term keeps two
    warps of one image apart: the warps a class's images admit are learned from the
    data. A synthetic image is a real image of its class (each used in turn) moved
    by a warp drawn from an exponential moving average of the generator's weights,
    applied to the image at its own size (from 32 pixels a side its shape is moved
    smoothly and its pixel grain to the nearest pixel, so that the new images are as
    grainy as the real ones). With ``filter_labels`` a warp that a small
    CNN trained on the real images assigns to another class is drawn again. Images
    come back in the same shape and dtype (see :mod:`ganaug.images`). A model
    loaded from a file holds no training images, so it draws images from the noise
    alone (half the training warps give the generator no source, for this), with
    a warning.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default='auto'
        How many rows to generate per class, with imbalanced-learn's semantics:
        a float is the desired ratio of minority to majority rows (binary only);
        'minority', 'not minority', 'not majority', 'all' or 'auto' name the classes
        to bring up to the majority count; a dict maps class to its desired total
        count; a callable takes ``y`` and returns such a dict.
    random_state : int, RandomState instance or None, default=None
        Seeds the network initialisation, batch order, noise and decoding. The same
        integer gives the same output on the CPU.
    epochs : int or 'auto', default='auto'
        Training epochs, of ``steps_per_epoch`` steps each. 'auto' is 5 for tables
        (with 50 steps each: a budget of 250 steps, whatever the number of rows) and
        ``IMAGE_DEFAULTS["epochs"]`` for images.
    batch_size : int, default=64
        Rows per training step.
    steps_per_epoch : int or 'auto', default='auto'
        Training steps (batches) per epoch. 'auto' is 50 for tables; for images it is
        ``IMAGE_DEFAULTS["steps_per_epoch"]``, or, where that is None, one pass over
        the data, ``ceil(n_samples / batch_size)``, but at least 10.
    latent_dim : int, default=64
        Size of the generator's noise input.
    generator_units : tuple of int or 'auto', default='auto'
        Width of each hidden block of the generator (its capacity). 'auto' is
        (128, 128) for tables and ``IMAGE_DEFAULTS["generator_units"]`` for images.
    discriminator_units : tuple of int or 'auto', default='auto'
        Width of each hidden layer of the discriminator; 'auto' as for the generator.
    loss : {'minimax', 'wgan-gp'}, default='minimax'
        'minimax' is the non-saturating loss of the original GAN paper;
        'wgan-gp' is the Wasserstein loss with gradient penalty.
    generator_lr : float or 'auto', default='auto'
        Adam learning rate of the generator: 'auto' is 1e-3 for tables and
        ``IMAGE_DEFAULTS["generator_lr"]`` for images.
    discriminator_lr : float or 'auto', default='auto'
        Adam learning rate of the discriminator; 'auto' as for the generator.
    categorical_features : 'auto' or list of str or int, default='auto'
        Which columns are categorical. Object, string, category and bool columns
        always are (for a NumPy object array, columns holding strings or bools); a
        list names further columns, or their positions, to model as categories
        (integer codes, say) rather than numbers.
    on_divergence : {'raise', 'restart'}, default='raise'
        What to do when the losses become NaN or infinite (training stops at
        once either way): 'raise' a :class:`TrainingDivergedError` naming the
        epoch, or 'restart' from scratch with both learning rates divided by 10
        (up to 3 times) before raising.
    filter_copies : bool, default=True
        Drop synthetic rows that are exact copies of a training row (all columns
        equal) and draw replacements, so that no training row leaks out verbatim.
        When the data allow nothing else (say, one categorical column), the copies
        that remain after a few redraws are kept, with a warning. A model loaded
        with :func:`ganaug.load` can check this only if it was saved with
        ``keep_copy_filter=True`` (see :meth:`save`); otherwise it warns and skips it.
    filter_labels : bool, default=True
        Check generated table rows with a logistic regression fitted on the real
        rows (the label judge, ``label_judge_``). It puts some share of each class's
        real rows in their own class; of the rows generated for a class, the same
        share is kept from candidates it puts in the class and the rest from
        candidates it puts elsewhere (up to 3 redraws). The synthetic class is then
        as cleanly separated as the real one: neither rows deep in another class nor
        only the safest rows, which would pull a classifier's boundary inwards.
        For images, a small CNN fitted on the real images (``image_judge_``) checks
        each generated image, and one it does not give its class with probability
        0.95 or more is generated again from the same real image, up to 6 times;
        a real image none of whose warps passes is then kept once as it is (a
        copy), and its other draws come from the real images of its class nearest
        to it (up to 6 draws).
    shared_columns : 'auto', list of str or int, or None, default='auto'
        Columns whose values are taken from real rows of any class rather than from
        the generator. 'auto' takes the columns whose distribution does not differ
        between classes (a chi-squared test of independence from the class for
        categories and few-valued numbers, Kruskal-Wallis and Kolmogorov-Smirnov
        tests for the rest; p-value above 0.05, kept in ``class_dependence_``), unless that is every
        column. Each synthetic row then carries the joint values of one real row in
        those columns, so their variety, missing values and relations among them are
        the real ones, while the GAN models only what depends on the class. A list
        names the columns; None leaves every column to the generator. A model loaded
        from a file holds no training rows and generates these columns, with a warning.
    recombine : float in [0, 1] or 'auto', default='auto'
        Share of each class's synthetic table rows made by recombining real rows
        instead of by the generator: a real row of the class, drawn at random, keeps
        its values in the columns that depend on the class and takes the shared
        columns (``shared_columns_``) of another real row of any class, drawn at
        random, as generated rows do. 'auto' is ``RECOMBINE_AUTO``. Such a row is new
        (no training row has it, and ``filter_copies`` redraws one that happens to
        be a copy) but it repeats a real row's class-dependent values, so set 0 when
        synthetic rows must not disclose training rows. Without shared columns a
        recombined row would be a copy, so none are made; nor for images, nor by a
        model loaded from a file, which holds no training rows. With 0 the classes
        that fail the fidelity check (``interpolated_classes_``) are generated too,
        with a warning, rather than interpolated between real rows.
    working_size : 'auto', int or None, default='auto'
        Images only: the size, as its shorter side, that the GAN and the label
        check work at; generated images are upscaled (Lanczos) to the input size.
        'auto' picks at fit, from the data, the smallest of 8, 16 and 32 pixels at
        which a downscale/upscale round trip of the real images loses at most 5% of
        their pixel variance (so digits upscaled from 8x8 to 28x28 train at 8x8, as
        fast as 8x8 digits); an int sets the side; None works at the input size.
        The size used is ``working_size_``. Tables ignore it.
    verbose : int, default=0
        0 is silent; 1 prints one line of losses per epoch.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to generate per class, as resolved from ``sampling_strategy``.
    classes_ : ndarray
        The class labels, sorted.
    generator_ : keras.Model
        The trained generator: ``(noise, one-hot label) -> encoded row``; for images
        ``(noise, one-hot label, source image) -> encoded image``.
    encoder_ : ganaug.tabular.TabularEncoder
        Maps rows to the generator's space and back.
    history_ : dict of list of float
        Per-epoch mean losses, ``"d_loss"`` and ``"g_loss"``.
    input_dtype_ : numpy.dtype or None
        The dtype of ``X`` at fit when it was an array; None for a DataFrame.
    target_name_ : object or None
        The name of ``y`` when it was a pandas Series.
    shared_columns_ : list
        The columns taken from real rows (see ``shared_columns``).
    class_dependence_ : dict
        Per modelled column, the p-value of the test that its distribution is the
        same in every class (with ``shared_columns='auto'``).
    label_judge_ : dict or None
        The label check's logistic regression as plain numbers (``"coef"``,
        ``"intercept"``) and ``"agreement"``, the share of each class's real rows it
        puts in their class; None with ``filter_labels=False`` or one class.
    label_agreement_ : float
        Share of generated candidates the judge put in their class in the last draw.
    working_size_ : (int, int)
        Images only: ``(height, width)`` the GAN works at (see ``working_size``).
    pixel_map_ : ganaug.images.PixelMap
        Images only: the map of generated pixel values to the real images'.
    calibration_ : ganaug.tabular.OutputCalibration
        Per class, the affine map of each numeric output and the weights of each
        category that give the generated rows the real rows' means, spreads and
        level frequencies; learned at fit from generated rows, applied at every draw.
    variety_ : DataFrame
        Per class and column, the generated rows' variety against the real rows' (see
        :func:`ganaug.diagnostics.class_variety`); a :class:`CollapseWarning` names
        a class to be grown whose generated rows are far narrower.
    fidelity_ : dict
        Tables only: per class to be sampled (of at least 20 rows), ``{"real": a,
        "synthetic": b}``: the share of its real rows (out of bag) and of its
        generated rows that a random forest fitted on the real rows puts in the class.
    interpolated_classes_ : list
        Tables only: the classes whose generated rows the forest put in the class at
        least 0.25 less often than their real rows. Their synthetic rows are
        interpolated between neighbouring real rows of the class instead (in GAN
        space, as SMOTE does between rows), and a :class:`FidelityWarning` names them.
    n_copies_dropped_ : int
        Synthetic rows dropped (and redrawn) by ``filter_copies`` in the last call
        to :meth:`fit_resample` or :meth:`sample`.
    n_features_in_ : int
        Number of columns seen in fit.
    feature_names_in_ : ndarray of str
        Column names seen in fit, when ``X`` was a DataFrame with string names.

    See Also
    --------
    imblearn.over_sampling.SMOTENC : Interpolation-based over-sampling with categoricals.

    Notes
    -----
    There is no ``transform``: a sampler adds rows, which a scikit-learn
    ``transform`` cannot do. Use :class:`imblearn.pipeline.Pipeline`, which calls
    ``fit_resample`` when fitting and passes test data through untouched.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from ganaug import GANAugmenter
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> aug = GANAugmenter(epochs=2, random_state=0)
    >>> X_res, y_res = aug.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 180), (1, 180)]
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "steps_per_epoch": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "generator_units": ["array-like", StrOptions({"auto"})],
        "discriminator_units": ["array-like", StrOptions({"auto"})],
        "loss": [StrOptions({"minimax", "wgan-gp"})],
        "generator_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "discriminator_lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "categorical_features": [StrOptions({"auto"}), "array-like"],
        "on_divergence": [StrOptions({"raise", "restart"})],
        "filter_copies": ["boolean"],
        "filter_labels": ["boolean"],
        "shared_columns": [StrOptions({"auto"}), "array-like", None],
        "recombine": [Interval(Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "working_size": [Interval(Integral, 8, 128, closed="both"), StrOptions({"auto"}), None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        epochs="auto",
        batch_size=64,
        steps_per_epoch="auto",
        latent_dim=64,
        generator_units="auto",
        discriminator_units="auto",
        loss="minimax",
        generator_lr="auto",
        discriminator_lr="auto",
        categorical_features="auto",
        on_divergence="raise",
        filter_copies=True,
        filter_labels=True,
        shared_columns="auto",
        recombine="auto",
        working_size="auto",
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.epochs = epochs
        self.batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.latent_dim = latent_dim
        self.generator_units = generator_units
        self.discriminator_units = discriminator_units
        self.loss = loss
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.categorical_features = categorical_features
        self.on_divergence = on_divergence
        self.filter_copies = filter_copies
        self.filter_labels = filter_labels
        self.shared_columns = shared_columns
        self.recombine = recombine
        self.working_size = working_size
        self.verbose = verbose

    # ------------------------------------------------------------- validation
    def _check_X_y(self, X, y, accept_sparse=None):
        """Keep DataFrames and object arrays as they are: columns may hold strings."""
        self.target_name_ = y.name if isinstance(y, pd.Series) else None
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if not isinstance(X, pd.DataFrame) and not is_image_array(X):
            X = check_array(X, dtype=None, accept_sparse=False, ensure_all_finite=False)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        return X, y, binarize_y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    # -------------------------------------------------------------------- fit
    def fit_resample(self, X, y, **params):
        """Train the GAN on ``(X, y)`` and return the rebalanced data.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        **params : dict
            ``callbacks``: a list of Keras callbacks passed to training.

        Returns
        -------
        X_resampled : DataFrame or ndarray of shape (n_samples_new, n_features)
            The rows of ``X``, unchanged and in order, then the synthetic rows.
        y_resampled : Series or ndarray of shape (n_samples_new,)
        """
        _check_target_complete(y)
        return super().fit_resample(X, y, **params)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, *, callbacks=None):
        """Train the conditional GAN on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        callbacks : list of keras.callbacks.Callback, optional
            Passed to Keras's ``fit`` (a progress bar, for instance).

        Returns
        -------
        self : GANAugmenter
        """
        _check_target_complete(y)
        check_classification_targets(y)
        X, y, _ = self._check_X_y(X, y)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        return self._fit(X, y, callbacks=callbacks)

    def _fit_resample(self, X, y, callbacks=None):
        self._fit(X, y, callbacks=callbacks)
        labels = np.repeat(
            np.searchsorted(self.classes_, list(self.sampling_strategy_)),
            list(self.sampling_strategy_.values()),
        ).astype(np.intp)
        X_new = self._generate(labels, check_random_state(self.random_state))
        if isinstance(X, pd.DataFrame):
            X_res = pd.concat([X, X_new], ignore_index=True)
        else:
            X_res = np.concatenate([X, self._as_input_array(X_new)])
        y_res = np.concatenate([y, self.classes_[labels]])
        return X_res, y_res

    def _fit(self, X, y, callbacks=None):
        self._auto = IMAGE_DEFAULTS if is_image_array(X) else TABLE_DEFAULTS
        units = (
            _check_units("generator_units", self._setting("generator_units")),
            _check_units("discriminator_units", self._setting("discriminator_units")),
        )
        rng = check_random_state(self.random_state)
        seeds = _seed_stream(rng)

        self.classes_, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
        self._check_class_sizes(counts)
        # Each class's row (or image) numbers, to recombine rows or pick images to edit.
        self._class_rows = [np.flatnonzero(y_idx == k) for k in range(len(self.classes_))]
        if is_image_array(X):
            from ganaug.images import ImageEncoder

            self.input_dtype_ = X.dtype
            self.encoder_ = ImageEncoder(working_size=self.working_size).fit(X)
            self.working_size_ = self.encoder_.working_shape_
            encoded = self.encoder_.transform(X)
            # The real images, which the generator edits (kept in memory only: a saved
            # model holds no training images).
            self._source_images, self._real_images = encoded, X
            self.image_judge_ = self._fit_image_judge(encoded, y_idx, next(seeds))
        else:
            from ganaug.tabular import TabularEncoder

            self.input_dtype_ = None if isinstance(X, pd.DataFrame) else X.dtype
            frame = self._as_frame(X)
            self.encoder_ = TabularEncoder(self._categorical_features_for(frame)).fit(frame, y_idx)
            encoded = self.encoder_.transform(frame)
            self.train_row_hashes_ = np.unique(self._copy_hashes(frame))
            self.shared_columns_ = self._shared_columns_for(frame, y_idx)
            # Real rows' values of the shared columns, to borrow from, and the real rows
            # themselves, to recombine (kept in memory only: a saved model holds no
            # training rows).
            self._shared_pool = encoded[:, self.encoder_.columns_mask(self.shared_columns_)]
            self._real_rows = frame.reset_index(drop=True)
            self.label_judge_ = self._fit_label_judge(encoded, y_idx, next(seeds))
            if self.encoder_.identifier_columns_:
                names = ", ".join(shown(name) for name in self.encoder_.identifier_columns_)
                warnings.warn(
                    f"Column(s) {names} hold a different value in every row, like a name "
                    "or an ID: they identify rows rather than describe them, so they are "
                    "not modelled, and synthetic rows leave them empty.",
                    UserWarning,
                    stacklevel=3,
                )

        restarts = 3 if self.on_divergence == "restart" else 0
        lr_scale = 1.0
        for attempt in range(restarts + 1):
            try:
                self._train(encoded, y_idx, units, seeds, lr_scale, callbacks)
                if self._is_image_model():
                    self.pixel_map_ = self._fit_pixel_map(X, next(seeds))
                else:
                    self.calibration_ = self._fit_calibration(encoded, y_idx, next(seeds))
                    self._check_fidelity(encoded, y_idx, next(seeds))
                    self._check_variety(frame, y_idx, next(seeds))
                return self
            except TrainingDivergedError:
                if attempt == restarts:
                    raise
                lr_scale /= 10.0
                warnings.warn(
                    f"Training diverged; restarting with learning rates x{lr_scale:g}.",
                    UserWarning,
                    stacklevel=3,
                )
        return self

    def _shared_columns_for(self, frame, y_idx):
        """The columns to borrow from real rows of any class (see ``shared_columns``)."""
        from ganaug.tabular import INDEPENDENCE_ALPHA, class_independence

        modelled = [
            col.name for col in self.encoder_.columns_ if col.kind != "identifier" and col.spans
        ]
        self.class_dependence_ = {}
        if self.shared_columns is None or len(self.classes_) < 2:
            return []
        if isinstance(self.shared_columns, str):  # 'auto'
            self.class_dependence_ = class_independence(frame, y_idx, columns=modelled)
            shared = [c for c in modelled if self.class_dependence_[c] > INDEPENDENCE_ALPHA]
            # Nothing depends on the class: leave every column to the GAN.
            return [] if len(shared) == len(modelled) else shared
        shared = []
        for item in self.shared_columns:
            if item in frame.columns:
                name = item
            elif isinstance(item, Integral) and not isinstance(item, bool) and -frame.shape[1] <= item < frame.shape[1]:
                name = frame.columns[item]
            else:
                raise ValueError(
                    "shared_columns names a column that is not in the data: expected some "
                    f"of {[shown(c) for c in frame.columns]}. Got {shown(item)} instead."
                )
            if name not in modelled:
                raise ValueError(
                    f"shared_columns names column {shown(name)}, which is not modelled (an "
                    "identifier column or one without any value); expected a modelled column."
                )
            if name not in shared:
                shared.append(name)
        return shared

    def _fit_calibration(self, encoded, y_idx, seed):
        """Per class, the generator's output mapped onto the real rows' moments.

        ``_CALIBRATION_ROWS`` rows per class are generated once, and
        :class:`ganaug.tabular.OutputCalibration` learns, from them and the real rows,
        the affine map of each numeric value and the weights of each category that give
        the class's mean, spread and level frequencies; every later draw goes through it.
        """
        from ganaug.tabular import OutputCalibration

        n_classes = len(self.classes_)
        labels = np.repeat(np.arange(n_classes), _CALIBRATION_ROWS)
        fake = self._run_generator(labels, np.random.RandomState(seed), (self.encoder_.output_dim_,), _SAMPLE_CHUNK)
        return OutputCalibration(self.encoder_).fit(encoded, y_idx, fake, labels, n_classes)

    def _check_fidelity(self, encoded, y_idx, seed):
        """Per class to be sampled, whether its generated rows land in the class's region
        about as often as its real rows do; the classes where they do not are made by
        interpolation between real rows (:meth:`_interpolated`), with a
        :class:`FidelityWarning`.

        A random forest is fitted on real rows in GAN space (at most ``_ROWS_PER_CLASS``
        of each class); each class's real rows are judged out of bag, its generated
        rows (as many, at most ``_VARIETY_ROWS``, drawn and label-checked as in
        :meth:`_draw`, then decoded and encoded again like real rows) by the whole
        forest. A linear label judge cannot
        see a class that lives in pockets (computer models that differ from the
        majority's by a few megabytes of disk, say): there the generator's rows, right
        on average, fall between the pockets. The check fires when the share put in
        the class is ``_FIDELITY_GAP`` lower for the generated rows, and only for
        classes of at least ``_FIDELITY_MIN_ROWS`` real rows. ``fidelity_`` keeps both
        shares per class. With ``recombine=0`` (generated rows only, so that no
        synthetic row sits next to a real one) it warns but interpolates nothing.
        """
        from sklearn.ensemble import RandomForestClassifier

        self.fidelity_, self.interpolated_classes_ = {}, []
        self._neighbours = {}
        n_classes = len(self.classes_)
        counts = np.bincount(y_idx, minlength=n_classes)
        wanted = [k for k in range(n_classes)
                  if self.sampling_strategy_.get(self.classes_[k], 0) > 0 and counts[k] >= _FIDELITY_MIN_ROWS]
        if n_classes < 2 or not wanted:
            return
        generated_only = self._recombine_setting() == 0.0
        rng = np.random.RandomState(seed)
        rows = _per_class_subset(y_idx, _ROWS_PER_CLASS, rng)
        forest = RandomForestClassifier(
            n_estimators=_FIDELITY_TREES, oob_score=True, class_weight="balanced_subsample",
            random_state=rng.randint(np.iinfo(np.int32).max), n_jobs=1,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rows that no tree left out: judged as missed
            forest.fit(encoded[rows], y_idx[rows])
        real_hits = np.nan_to_num(forest.oob_decision_function_).argmax(axis=1) == y_idx[rows]
        labels = np.repeat(wanted, counts[wanted].clip(max=_VARIETY_ROWS))
        probe = self.encoder_.transform(self._draw(labels, rng, recombine=0.0))
        fake_hits = forest.predict(probe) == labels
        for k in wanted:
            real = float(real_hits[y_idx[rows] == k].mean())
            fake = float(fake_hits[labels == k].mean())
            label = plain(self.classes_[k])
            self.fidelity_[label] = {"real": real, "synthetic": fake}
            if real - fake <= _FIDELITY_GAP:
                continue
            if generated_only:
                remedy = ("They are kept, as recombine=0 asks for generated rows only (with "
                          "recombine='auto' they would be interpolated between real rows).")
            else:
                self.interpolated_classes_.append(label)
                self._neighbours[k] = self._class_neighbours(encoded[y_idx == k])
                remedy = ("Its rows are made by interpolation between neighbouring real rows "
                          "of the class instead (interpolated_classes_).")
            warnings.warn(
                f"A forest trained on the real rows puts {fake:.0%} of the rows generated "
                f"for class {shown(label)} in that class, against {real:.0%} of its real "
                f"rows: the GAN has not learned where the class lies. {remedy} See fidelity_.",
                FidelityWarning,
                stacklevel=4,
            )

    @staticmethod
    def _class_neighbours(real):
        """A class's real rows in GAN space and, per row, its nearest other rows."""
        from sklearn.neighbors import NearestNeighbors

        n = min(_INTERPOLATION_NEIGHBOURS + 1, len(real))
        neighbours = NearestNeighbors(n_neighbors=n).fit(real).kneighbors(real, return_distance=False)
        return real, neighbours[:, 1:]

    def _interpolated(self, k, n, rng):
        """``n`` rows of class ``k`` in GAN space, each a random point on the segment from
        a real row of the class to one of its nearest neighbours in the class (SMOTE's
        rule, applied in GAN space, so that categories and missing values are decoded
        as for generated rows)."""
        real, neighbours = self._neighbours[k]
        base = rng.randint(len(real), size=n)
        other = neighbours[base, rng.randint(neighbours.shape[1], size=n)]
        step = rng.random_sample((n, 1)).astype(np.float32)
        return real[base] + step * (real[other] - real[base])

    def _check_variety(self, frame, y_idx, seed):
        """Compare, per class, the variety of generated rows with the real rows'.

        Draws as many rows per class as it has (at least 20; classes of more than
        ``_VARIETY_ROWS`` rows are compared on that many, drawn at random), keeps the comparison of
        :func:`ganaug.diagnostics.class_variety` in ``variety_``, and warns, naming
        the class and its narrowest column, when the synthetic rows of a class that
        ``sampling_strategy_`` grows reach less than half the real rows' variety: the
        GAN has collapsed onto a few rows.
        """
        from ganaug.diagnostics import class_variety, collapsed_classes

        rng = np.random.RandomState(seed)
        rows = _per_class_subset(y_idx, _VARIETY_ROWS, rng)
        counts = np.bincount(y_idx[rows], minlength=len(self.classes_))
        labels = np.repeat(np.arange(len(self.classes_)), np.maximum(counts, 20))
        self.n_copies_dropped_ = 0
        probe = self._draw(labels, rng, recombine=0.0)  # the generator's own rows
        modelled = [c for c in frame.columns if c not in self.encoder_.identifier_columns_]
        self.variety_ = class_variety(
            frame.iloc[rows], self.classes_[y_idx[rows]], probe, self.classes_[labels], columns=modelled
        )
        grown = {label for label, n in self.sampling_strategy_.items() if n > 0}
        for label, (score, column, ratio) in collapsed_classes(self.variety_).items():
            if label not in grown:  # in variety_, but this fit writes no rows of it
                continue
            warnings.warn(
                f"The synthetic rows of class {shown(label)} are far less varied "
                f"than its real rows ({score:.0%} of their variety; column {shown(column)}: "
                f"{ratio:.0%}): the GAN has collapsed onto a few kinds of row. Check "
                "variety_, or refit with another random_state or more epochs.",
                CollapseWarning,
                stacklevel=4,
            )

    def _build_gan(self, units, seeds):
        """MLPs for tables; for images DCGAN networks with DiffAugment, spectral
        normalisation and an EMA generator.

        A table GAN draws nothing from ``seeds`` here: :meth:`ConditionalGAN.reset`
        gives it its initial weights, so that a new GAN and one reused from
        :data:`ganaug.gan.TRAINERS` train alike. For images, ``generator_units[0] // 4``
        and ``discriminator_units[0] // 4`` (at least 8) set the channels of the last
        convolution stage of each network.
        """
        from ganaug.gan import ConditionalGAN
        from ganaug import networks

        n_classes = len(self.classes_)
        if not self._is_image_model():
            unused = itertools.count()
            generator = networks.build_generator(
                self.latent_dim, n_classes, self.encoder_.spans_, units[0], seeds=unused
            )
            discriminator = networks.build_discriminator(
                self.encoder_.output_dim_, n_classes, units[1], seeds=unused
            )
            return ConditionalGAN(generator, discriminator, self.latent_dim, loss=self.loss, seed=0)
        from ganaug.images import build_image_gan

        filters = (max(8, units[0][0] // 4), max(8, units[1][0] // 4))
        return build_image_gan(self.encoder_, n_classes, self.latent_dim, filters, self.loss, seeds)

    def _is_image_model(self):
        return hasattr(self.encoder_, "canvas_shape_")

    def _compile(self, gan, lr_scale=1.0, **kwargs):
        """Adam for both networks: betas (0.5, 0.9) for tables, as is usual for GANs, and
        IMAGE_DEFAULTS["adam_betas"] for images."""
        from ganaug.gan import Adam

        d_lr = self._setting("discriminator_lr") * lr_scale
        g_lr = self._setting("generator_lr") * lr_scale
        beta_1, beta_2 = self._auto.get("adam_betas", (0.5, 0.9))
        gan.compile(
            d_optimizer=Adam(d_lr, beta_1=beta_1, beta_2=beta_2),
            g_optimizer=Adam(g_lr, beta_1=beta_1, beta_2=beta_2),
            **kwargs,
        )

    def _train(self, encoded, y_idx, units, seeds, lr_scale, callbacks):
        """Build (or reuse) the networks and train the GAN; sets ``generator_`` and ``history_``.

        A table GAN compiled by an earlier fit with the same layout is taken from
        :data:`ganaug.gan.TRAINERS` and reset, which skips tracing its training
        function again (seconds, more than a small table's training); the estimator
        keeps a copy of the trained generator. A fit with ``callbacks`` builds and
        traces its own GAN (a callback may change how Keras runs the model).
        """
        from ganaug.gan import TRAINERS, StopOnNonFinite, balanced_batches

        steps = self._steps_per_epoch(len(encoded))
        image = self._is_image_model()
        key = None if image else (
            tuple(self.encoder_.spans_), len(self.classes_), self.latent_dim, units,
            self.loss, self.batch_size, steps,
        )
        # Callbacks may change the model before Keras makes its train function (say,
        # run it eagerly), which a traced GAN would ignore: those fits build their own.
        cached = not image and not callbacks
        gan = TRAINERS.take(key) if cached else None
        if gan is None:
            gan = self._build_gan(units, seeds)
            self._compile(gan, lr_scale, steps_per_execution=steps)
        if not image:
            gan.reset(
                np.random.RandomState(next(seeds)),
                self._setting("discriminator_lr") * lr_scale,
                self._setting("generator_lr") * lr_scale,
            )
        edit = gan.edit
        batches = balanced_batches(
            encoded, y_idx, len(self.classes_), self.batch_size, steps, self._setting("epochs"),
            seed=next(seeds), pairs=edit,
        )
        history = gan.fit(
            batches,
            epochs=self._setting("epochs"),
            steps_per_epoch=steps,
            verbose=2 if self.verbose else 0,
            callbacks=[StopOnNonFinite(), *(callbacks or [])],
            shuffle=False,
        )
        if image:  # BatchNorm statistics of the averaged weights
            labels = np.resize(np.arange(len(self.classes_)), 2048)
            rng = np.random.RandomState(next(seeds))
            sources = self._source_images[self._source_rows(labels, rng)] if edit else None
            gan.recompute_ema_statistics(labels, seed=int(rng.randint(2**31 - 1)), sources=sources)
            self.generator_ = gan.generator if gan.ema_generator is None else gan.ema_generator
        else:  # the weights, sampled through the layout's one traced function
            self._set_trained_generator(gan.trained_generator())
            if cached:
                TRAINERS.put(key, gan)
        self.history_ = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        self._check_divergence()

    def _setting(self, name):
        """A parameter's value, with 'auto' resolved for the data seen at fit."""
        value = getattr(self, name)
        if isinstance(value, str) and value == "auto":
            return self._auto[name]
        return value

    def _steps_per_epoch(self, n_samples):
        if self.steps_per_epoch != "auto":
            return self.steps_per_epoch
        if self._auto["steps_per_epoch"] is not None:
            return self._auto["steps_per_epoch"]
        return max(_MIN_STEPS_PER_EPOCH, math.ceil(n_samples / self.batch_size))

    def _fit_pixel_map(self, X, seed, n=2048):
        """A :class:`ganaug.images.PixelMap` from ``n`` real and ``n`` generated images,
        class-balanced (real ones drawn with replacement), drawn from the noise alone
        as a model without the real images at hand (loaded from a file) draws them,
        the only images the map is used for (without the label check)."""
        from ganaug.images import PixelMap

        rng = np.random.RandomState(seed)
        labels = np.resize(np.arange(len(self.classes_)), n)
        real = np.concatenate([rng.choice(self._class_rows[k], (labels == k).sum()) for k in range(len(self.classes_))])
        fake = self.encoder_.upscaled(self._from_noise(labels, rng))
        return PixelMap().fit(self.encoder_.scaled(X[real]), fake)

    def _fit_image_judge(self, encoded, y_idx, seed):
        """A small CNN on the real images (``ganaug.images.ImageJudge``), for ``filter_labels``;
        it trains for as many steps as the GAN, at most 300."""
        if not self.filter_labels or len(self.classes_) < 2:
            return None
        from ganaug.images import ImageJudge

        steps = min(300, self._setting("epochs") * self._steps_per_epoch(len(encoded)))
        return ImageJudge(steps=steps, random_state=seed).fit(encoded, y_idx, len(self.classes_))

    def _generate_images(self, labels, rng):
        """Images for the given class indices, in the shape and dtype seen at fit.

        With ``filter_labels``, an image that the judge trained on the real images
        (``image_judge_``) assigns to another class is generated again (see
        :func:`ganaug.images.check_labels`); the share the judge agreed with is kept
        in ``label_agreement_``.
        """
        from ganaug.images import check_labels

        judge = getattr(self, "image_judge_", None)
        if self._edits():
            return self._generate_warps(labels, rng, judge)

        def generate(at):
            return self._from_noise(labels[at], rng)

        if not self.filter_labels or judge is None or not len(labels):
            encoded = generate(np.arange(len(labels)))
        else:
            encoded, self.label_agreement_ = check_labels(generate, judge, labels, _IMAGE_LABEL_REDRAWS)
        return self.encoder_.inverse_transform(encoded, pixel_map=getattr(self, "pixel_map_", None))

    def _from_noise(self, labels, rng):
        """GAN-space images for the given class indices drawn without real images: an
        editing generator draws one from the noise alone (an all-zero source) and
        moves it once more, as it would a real one."""
        shape = self.encoder_.canvas_shape_
        images = self._run_generator(labels, rng, shape, _IMAGE_CHUNK)
        if self._takes_source():
            images = self._run_generator(labels, rng, shape, _IMAGE_CHUNK, sources=images)
        return images

    def _takes_source(self):
        """Whether the generator moves a source image (image models since editing
        generators; not table models, nor image models saved before them)."""
        return len(self._sampler().inputs) == 3

    @property
    def generator_(self):
        """The trained generator as a Keras model (a table fit's is built on first use)."""
        model = self.__dict__.get("_generator_model")
        if model is None:
            trained = self.__dict__.get("_trained_generator")
            if trained is None:
                raise AttributeError(f"'{type(self).__name__}' object has no attribute 'generator_'")
            model = self._generator_model = trained.model()
        return model

    @generator_.setter
    def generator_(self, model):
        self.__dict__["_generator_model"] = model
        self.__dict__["_trained_generator"] = None

    def _set_trained_generator(self, trained):
        self.__dict__["_generator_model"] = None
        self.__dict__["_trained_generator"] = trained

    def _sampler(self):
        """What draws rows: a table fit's :class:`ganaug.gan.TrainedGenerator`, else the model."""
        trained = self.__dict__.get("_trained_generator")
        if trained is not None:
            return trained
        if self.__dict__.get("_generator_model") is None:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return self._generator_model

    def _generate_warps(self, labels, rng, judge):
        """Images for the given class indices from a warping generator (see
        :class:`ganaug.networks.FlowWarp`) with the real images at hand: each is a real
        image of its class moved along the displacement field the generator draws for
        it. The label check judges the warp at the working size; the image returned is
        the warp of the real image at its own size (:meth:`ImageEncoder.warp_full_size`),
        so nothing of it is lost to the working size. A warp the judge assigns to another
        class is drawn again from the same real image, up to ``_IMAGE_LABEL_REDRAWS``
        times, so that the unusual images of a class are moved as often as the others.
        A real image none of whose warps the judge accepts is returned once as it is (a
        copy), so that its part of the class is not lost; where it was to be moved
        again, the warps come instead from the real images of its class nearest to it,
        the nearest first (:meth:`_neighbour_rows`, up to ``_IMAGE_SOURCE_REDRAWS``
        draws), so that an image the judge doubts is not repeated."""
        from ganaug.images import check_labels

        flow_model, field = self._flow_model(), (*self.encoder_.canvas_shape_[:2], 2)
        rows = self._source_rows(labels, rng)
        sources = rows.copy()  # the real image each position's next warp moves
        flows_drawn, sources_drawn = [], []

        def draw(at):
            """Fields for ``labels[at]``, kept; returns their tags."""
            flows_drawn.append(self._run_generator(labels[at], rng, field, _IMAGE_CHUNK, sources[at], model=flow_model))
            sources_drawn.append(sources[at])
            start = sum(len(f) for f in flows_drawn[:-1])
            return np.arange(start, start + len(at))

        def generate(at):  # the warps at the working size, for the judge
            tags = draw(at)
            return self.encoder_.warp(self._source_images[sources[at]], flows_drawn[-1]), tags

        copied = np.zeros(len(labels), dtype=bool)
        if not self.filter_labels or judge is None or not len(labels):
            tags = draw(np.arange(len(labels)))
        else:
            _, agreement, tags, passed = check_labels(generate, judge, labels, _IMAGE_LABEL_REDRAWS, tagged=True)
            drawn = sum(len(f) for f in flows_drawn)
            failed = np.flatnonzero(~passed)
            first = np.unique(rows[failed], return_index=True)[1]
            copied[failed[first]] = True
            again = np.delete(failed, first)
            if len(again):
                rank = iter(range(1, _IMAGE_SOURCE_REDRAWS + 1))

                def from_nearest(at):
                    sources[again[at]] = self._neighbour_rows(rows[again[at]], labels[again[at]], next(rank))
                    return generate(again[at])

                _, more, tags[again], _ = check_labels(
                    from_nearest, judge, labels[again], _IMAGE_SOURCE_REDRAWS - 1, tagged=True
                )
                extra = sum(len(f) for f in flows_drawn) - drawn
                agreement = (agreement * drawn + more * extra) / (drawn + extra)
            self.label_agreement_ = agreement
        images = self.encoder_.warp_full_size(
            self._real_images[np.concatenate(sources_drawn)[tags]], np.concatenate(flows_drawn)[tags]
        )
        images[copied] = self._real_images[rows[copied]]
        return images

    def _flow_model(self):
        """The warping generator's displacement fields: ``(noise, label, source) -> flow``."""
        import keras

        return keras.Model(self.generator_.inputs, self.generator_.get_layer("flow").output)

    def _edits(self):
        """Whether the image generator edits real images, and they are at hand (a model
        loaded from a file holds none)."""
        return self._takes_source() and getattr(self, "_source_images", None) is not None

    def _source_rows(self, labels, rng):
        """For an editing image generator, the number of one real image of its class per
        label: each class's images in a random order, over and over, so that every real
        image is edited about as often as the others."""
        picked = np.empty(len(labels), dtype=np.intp)
        for k in np.unique(labels):
            at = np.flatnonzero(labels == k)
            rows = self._class_rows[k]
            rounds = -(-len(at) // len(rows))
            picked[at] = np.concatenate([rng.permutation(rows) for _ in range(rounds)])[: len(at)]
        return picked

    def _neighbour_rows(self, rows, labels, rank):
        """For real images numbered ``rows`` (of the classes ``labels``), the number of
        the ``rank``-th nearest other real image of the same class (Euclidean, in GAN
        space; 1 = the nearest), the farthest where the class has fewer."""
        from sklearn.metrics import pairwise_distances

        picked = np.array(rows, dtype=np.intp)
        images = self._source_images.reshape(len(self._source_images), -1)
        for k in np.unique(labels):
            at = np.flatnonzero(labels == k)
            members = self._class_rows[k]
            if len(members) < 2:
                continue
            distance = pairwise_distances(images[rows[at]], images[members])
            distance[rows[at, None] == members[None, :]] = -1.0  # the image itself comes first
            order = np.argsort(distance, axis=1, kind="stable")
            picked[at] = members[order[:, min(rank, len(members) - 1)]]
        return picked

    def _run_generator(self, labels, rng, shape, chunk, source_rows=None, sources=None, model=None):
        """The generator's output for the given class indices, in chunks; never NaN.
        An editing image generator edits the real images numbered ``source_rows``, or
        the images ``sources`` (None: all-zero sources, images from the noise alone)."""
        n = len(labels)
        noise = _noise(rng, n, self.latent_dim)
        onehot = np.eye(len(self.classes_), dtype=np.float32)[labels]
        if not self._takes_source():
            sources = None
        else:
            if source_rows is not None:
                sources = self._source_images[source_rows]
            elif sources is None:
                sources = np.zeros((n, *shape), dtype=np.float32)
        encoded = np.zeros((n, *shape), dtype=np.float32)
        from ganaug.gan import TrainedGenerator, sampling_function

        generate = model or self._sampler()
        if not isinstance(generate, TrainedGenerator):
            generate = sampling_function(generate)  # traced once per model
        with _quiet_retracing():
            for start in range(0, n, chunk):
                batch = [noise[start : start + chunk], onehot[start : start + chunk]]
                if sources is not None:
                    batch.append(sources[start : start + chunk])
                encoded[start : start + chunk] = generate(*batch).numpy()
        _check_finite(encoded)
        return encoded

    def _check_class_sizes(self, counts):
        small = [(c, n) for c, n in zip(self.classes_, counts) if n < 2]
        if small:
            label, n = small[0]
            raise ValueError(
                f"Class {shown(label)} has {n} row; GANAugmenter needs at least 2 rows of each "
                "class to learn from. Remove the class or add rows."
            )

    def _check_divergence(self):
        for name, values in self.history_.items():
            bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
            if bad:
                raise TrainingDivergedError(
                    f"Training diverged: {name} became {values[bad[0]]} at epoch "
                    f"{bad[0] + 1}. Lower generator_lr and discriminator_lr, or set "
                    "on_divergence='restart'."
                )

    def _categorical_features_for(self, frame):
        """For a NumPy object array in 'auto' mode, columns holding strings or bools."""
        if self.categorical_features != "auto" or self.input_dtype_ is None:
            return self.categorical_features
        if self.input_dtype_.kind != "O":
            return []
        return [
            name
            for name in frame.columns
            if frame[name].map(lambda v: isinstance(v, (str, bool, np.bool_))).any()
        ]

    # ----------------------------------------------------------------- sample
    def sample(self, n_samples=None, *, y=None, random_state=None):
        """Generate synthetic rows after :meth:`fit`.

        Parameters
        ----------
        n_samples : int, optional
            Total number of rows, spread over the classes in proportion to
            ``sampling_strategy_`` (evenly over all classes when that asks for
            none). Not needed when ``y`` is given.
        y : dict or array-like, optional
            A dict ``{class: count}``, or an array of the wanted label of each row.
        random_state : int, RandomState instance or None, default=None
            Overrides the estimator's ``random_state`` for this call.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_new, n_features)
            In the format ``X`` had at fit.
        y_new : Series or ndarray of shape (n_new,)
            The label each row was generated for: a Series (named like the training
            target) when ``X`` was a DataFrame, else an array.
        """
        self._sampler()  # raises NotFittedError before fit
        labels = self._labels_for(n_samples, y)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        X_new = self._generate(labels, rng)
        y_new = self.classes_[labels]
        if self.input_dtype_ is not None:
            return self._as_input_array(X_new), y_new
        return X_new, pd.Series(y_new, name=self.target_name_)

    def _labels_for(self, n_samples, y):
        """Class indices of the rows to generate."""
        if y is None:
            if n_samples is None or isinstance(n_samples, bool) or not isinstance(
                n_samples, Integral
            ) or n_samples < 0:
                raise ValueError(
                    "n_samples must be a non-negative integer when y is not given. "
                    f"Got {n_samples!r} instead."
                )
            weights = np.array(
                [self.sampling_strategy_.get(c, 0) for c in self.classes_], dtype=float
            )
            if weights.sum() == 0:
                weights = np.ones(len(self.classes_))
            counts = _largest_remainder(int(n_samples), weights)
            return np.repeat(np.arange(len(self.classes_)), counts)
        if isinstance(y, dict):
            wanted = list(y)
            counts = list(y.values())
            for count in counts:
                if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
                    raise ValueError(
                        f"y maps classes to counts, which must be non-negative integers. "
                        f"Got {count!r} instead."
                    )
        else:
            wanted = list(np.asarray(y).ravel())
            counts = [1] * len(wanted)
        idx = self._class_indices(wanted)
        labels = np.repeat(idx, counts).astype(np.intp)
        if n_samples is not None and n_samples != len(labels):
            raise ValueError(
                f"n_samples={n_samples!r} disagrees with y, which asks for {len(labels)} "
                "rows; give one or the other."
            )
        return labels

    def _class_indices(self, labels):
        idx = np.searchsorted(self.classes_, labels) if len(labels) else np.array([], int)
        idx = np.asarray(idx, dtype=np.intp)
        unknown = [
            lab for lab, i in zip(labels, idx) if i >= len(self.classes_) or self.classes_[i] != lab
        ]
        if unknown:
            raise ValueError(
                f"y names a class that was not seen in fit: expected one of "
                f"{self.classes_.tolist()}. Got {shown(unknown[0])} instead."
            )
        return idx

    def _generate(self, labels, rng):
        """Rows for the given class indices, as a DataFrame of the training columns.

        Image models return an array (see ``_generate_images``). With
        ``filter_copies``, table rows equal to a training row are redrawn (in
        ``_COPY_REDRAWS`` rounds of 2, 4, 8, ... candidates each); the count dropped
        is kept in ``n_copies_dropped_``.
        """
        self.n_copies_dropped_ = 0
        if self._is_image_model():
            if self._takes_source() and not self._edits():
                warnings.warn(
                    "This image model was loaded from a file, which holds no training images, "
                    "so each image is drawn from the noise alone and then warped once more "
                    "(right after fit, each image is a warp of a real image of its class; "
                    "those are closer to the real images).",
                    UserWarning,
                    stacklevel=3,
                )
            return self._generate_images(labels, rng)
        if getattr(self, "shared_columns_", None) and getattr(self, "_shared_pool", None) is None:
            warnings.warn(
                "This model was loaded from a file, which holds no training rows, so the "
                f"shared columns {', '.join(shown(c) for c in self.shared_columns_)} come from the "
                "generator instead of real rows of any class, and every row is generated (right "
                "after fit, a share is recombined from real rows: see recombine).",
                UserWarning,
                stacklevel=3,
            )
        interpolated = getattr(self, "interpolated_classes_", [])
        if interpolated and not getattr(self, "_neighbours", None):
            wanted = set(self.classes_[np.unique(labels)].tolist())
            missed = [c for c in interpolated if c in wanted]
            if missed:
                warnings.warn(
                    "This model was loaded from a file, which holds no training rows, so the "
                    f"rows of class(es) {', '.join(shown(c) for c in missed)} come from the "
                    "generator, whose rows failed the fidelity check at fit (right after fit, "
                    "they are interpolated between real rows: see interpolated_classes_).",
                    UserWarning,
                    stacklevel=3,
                )
        frame = self._draw(labels, rng)
        if not self.filter_copies:
            return frame
        if getattr(self, "train_row_hashes_", None) is None:
            warnings.warn(
                "This model was saved without its training-row hashes, so the synthetic "
                "rows were not checked for copies of training rows (filter_copies); to "
                "keep that check, save with keep_copy_filter=True (ganaug fit "
                "--keep-copy-filter), at the risk that save() describes.",
                UserWarning,
                stacklevel=3,
            )
            return frame
        for attempt in range(_COPY_REDRAWS):
            copies = np.flatnonzero(np.isin(self._copy_hashes(frame), self.train_row_hashes_))
            if not len(copies):
                return frame
            self.n_copies_dropped_ += len(copies)
            # 2, 4, 8, ... candidates for each copy; the first that is no copy replaces it
            tries = 2 ** (attempt + 1)
            redrawn = self._draw(np.repeat(labels[copies], tries), rng)
            fresh = ~np.isin(self._copy_hashes(redrawn), self.train_row_hashes_).reshape(-1, tries)
            pick = np.arange(len(copies)) * tries + fresh.argmax(axis=1)
            redrawn = redrawn.iloc[pick]
            redrawn.index = frame.index[copies]
            # Rows swapped in by concatenation, not assigned: sparse columns allow no setitem.
            frame = pd.concat([frame.drop(index=redrawn.index), redrawn]).reindex(frame.index)
        left = int(np.isin(self._copy_hashes(frame), self.train_row_hashes_).sum())
        if left:
            warnings.warn(
                f"{left} synthetic rows still copy a training row after "
                f"{2 ** (_COPY_REDRAWS + 1) - 2} redraws each (the data leave little room for "
                "new rows); they are kept.",
                UserWarning,
                stacklevel=3,
            )
        return frame

    def _copy_hashes(self, frame):
        """Row hashes for the copy check, over the modelled columns: a row that equals
        a training row everywhere but in an identifier column (left empty) is a copy."""
        return _row_hashes(frame.drop(columns=self.encoder_.identifier_columns_))

    def _recombine_share(self):
        """The share of rows to recombine from real rows (see ``recombine``)."""
        if (self._is_image_model() or not getattr(self, "shared_columns_", None)
                or getattr(self, "_real_rows", None) is None):
            return 0.0
        return self._recombine_setting()

    def _recombine_setting(self):
        """``recombine`` as a share ('auto' is ``RECOMBINE_AUTO``)."""
        return RECOMBINE_AUTO if isinstance(self.recombine, str) else float(self.recombine)

    def _shared_values(self, rows):
        """The shared columns of the real rows at the given positions."""
        return self._real_rows.iloc[rows, self._real_rows.columns.get_indexer(self.shared_columns_)]

    def _recombined(self, labels, rng):
        """Rows for the given class indices recombined from real rows (see ``recombine``)."""
        from ganaug.tabular import _restore_categorical

        n = len(labels)
        anchors = np.empty(n, dtype=np.int64)
        for k in np.unique(labels):
            at = np.flatnonzero(labels == k)
            anchors[at] = rng.choice(self._class_rows[k], len(at))
        real = self._real_rows.iloc[anchors].reset_index(drop=True)
        donors = self._shared_values(rng.randint(len(self._real_rows), size=n)).reset_index(drop=True)
        identifiers = self.encoder_.identifier_columns_
        columns = {}
        for i, name in enumerate(real.columns):
            if name in identifiers:  # left empty, as in generated rows
                columns[i] = _restore_categorical(np.full(n, None, dtype=object), real[name].dtype)
            else:
                column = donors[name] if name in self.shared_columns_ else real[name]
                if isinstance(column.dtype, pd.SparseDtype):  # dense, as decoded rows are
                    column = column.sparse.to_dense()
                columns[i] = column
        frame = pd.concat(columns, axis=1)
        frame.columns = real.columns
        return frame

    def _draw(self, labels, rng, recombine=None):
        """Decoded rows for the given class indices: recombined or generated.

        A share of each class's rows (``recombine``; stochastically rounded) is
        recombined from real rows (:meth:`_recombined`), the rest generated and,
        with ``filter_labels``, label-checked.

        The check runs on the generator's output, before decoding. The classifier
        fitted on the real rows (``label_judge_``) puts a share of each class's real
        rows in that class (``label_judge_["agreement"]``); of the rows generated for
        the class, the same share is taken from candidates that it puts in the class
        and the rest from candidates that it puts elsewhere. The synthetic class is
        then as cleanly separated as the real one: neither rows deep in another class,
        which plain draws give, nor only the safest rows, which keeping only agreeing
        rows gives and which pulls a classifier's boundary towards the class.
        Candidates are drawn in up to ``1 + _LABEL_REDRAWS`` rounds, the first of
        as many rows as are wanted, each later one sized to what the short kind still
        needs at the rate seen so far (at most as many); a share that cannot be filled
        is filled with the other kind. Only the rows kept are decoded,
        so missing values still come out at each class's real rate.
        """
        share = self._recombine_share() if recombine is None else recombine
        if share > 0 and len(labels):
            take = np.zeros(len(labels), dtype=bool)
            for k in np.unique(labels):
                rows = np.flatnonzero(labels == k)
                m = min(len(rows), int(np.floor(len(rows) * share + rng.random_sample())))
                take[rng.choice(rows, m, replace=False)] = True
            if take.any():
                frame = pd.concat([self._draw(labels[~take], rng, recombine=0.0),
                                   self._recombined(labels[take], rng)], ignore_index=True)
                order = np.argsort(np.concatenate([np.flatnonzero(~take), np.flatnonzero(take)]),
                                   kind="stable")
                return frame.iloc[order].reset_index(drop=True)
        judge = getattr(self, "label_judge_", None)
        if not self.filter_labels or judge is None or not len(labels):
            return self._decode(labels, rng)
        agreement = judge.get("agreement")
        kept = np.zeros((len(labels), self.encoder_.output_dim_), dtype=np.float32)
        kept_donors = np.zeros(len(labels), dtype=np.int64)
        drawn = agreed = 0
        for k in np.unique(labels):
            rows = np.flatnonzero(labels == k)
            n = len(rows)
            share = 1.0 if agreement is None else float(agreement[k])
            n_agree = min(n, int(np.floor(n * share + rng.random_sample())))
            agree, other = [], []
            size, n_yes, n_no = n, 0, 0
            for _ in range(1 + _LABEL_REDRAWS):
                encoded, donors = self._candidates(np.full(size, k), rng)
                ok = self._judge_probabilities(encoded).argmax(axis=1) == k
                agree.append((encoded[ok], donors[ok]))
                other.append((encoded[~ok], donors[~ok]))
                n_yes, n_no = n_yes + int(ok.sum()), n_no + int((~ok).sum())
                drawn, agreed = drawn + size, agreed + int(ok.sum())
                short_yes, short_no = max(n_agree - n_yes, 0), max(n - n_agree - n_no, 0)
                if not short_yes and not short_no:
                    break
                # The next round draws about what the short kind needs, at the rate seen
                # so far, and never more than n.
                seen = n_yes + n_no
                need = max(short_yes * (seen + 1) / (n_yes + 1), short_no * (seen + 1) / (n_no + 1))
                size = int(min(n, math.ceil(1.25 * need) + 16))
            (agree, agree_donors), (other, other_donors) = (
                tuple(map(np.concatenate, zip(*parts))) for parts in (agree, other))
            n_agree = min(len(agree), max(n_agree, n - len(other)))
            order = rng.permutation(n)
            kept[rows] = np.concatenate([agree[:n_agree], other[: n - n_agree]])[order]
            kept_donors[rows] = np.concatenate([agree_donors[:n_agree], other_donors[: n - n_agree]])[order]
        self.label_agreement_ = agreed / drawn
        return self._decoded(kept, labels, rng, kept_donors)

    def _candidates(self, labels, rng):
        """Generated rows in GAN space, calibrated, their shared columns taken from real rows.

        The generator's output goes through ``calibration_`` (each class's mean,
        spread and level frequencies, see :meth:`_fit_calibration`). Rows of the
        classes that failed the fidelity check are interpolated between real rows
        instead (:meth:`_interpolated`).

        Each row gets the shared columns (``shared_columns_``) of one real row of
        any class, drawn at random, in place of the generator's: those columns do
        not depend on the class, so a rare class gets the variety of the whole
        table in them. A loaded model has no real rows and keeps the generator's.

        Returns the rows and, per row, the index of the real row its shared columns
        come from (-1 without shared columns).
        """
        neighbours = getattr(self, "_neighbours", {})
        interpolated = np.isin(labels, list(neighbours))
        if interpolated.any():
            encoded = np.empty((len(labels), self.encoder_.output_dim_), dtype=np.float32)
            encoded[~interpolated] = self._generated(labels[~interpolated], rng)
            for k in neighbours:
                at = np.flatnonzero(labels == k)
                encoded[at] = self._interpolated(k, len(at), rng)
        else:
            encoded = self._generated(labels, rng)
        pool = getattr(self, "_shared_pool", None)
        donors = np.full(len(labels), -1, dtype=np.int64)
        if pool is not None and pool.shape[1] and len(labels):
            mask = self.encoder_.columns_mask(self.shared_columns_)
            donors = rng.randint(len(pool), size=len(labels))
            encoded[:, mask] = pool[donors]
        return encoded, donors

    def _generated(self, labels, rng):
        """The generator's rows for the given class indices, calibrated."""
        encoded = self._run_generator(labels, rng, (self.encoder_.output_dim_,), _SAMPLE_CHUNK)
        calibration = getattr(self, "calibration_", None)
        return encoded if calibration is None else calibration.transform(encoded, labels)

    def _decoded(self, encoded, labels, rng, donors):
        """Rows in GAN space -> DataFrame; borrowed columns get their donors' values as given."""
        borrowed = self.shared_columns_ if getattr(self, "_shared_pool", None) is not None else ()
        decode_seed = rng.randint(np.iinfo(np.int32).max)
        frame = self.encoder_.inverse_transform(encoded, random_state=decode_seed, y=labels, as_given=set(borrowed))
        if borrowed and len(frame):
            # The real values themselves, not their round trip through GAN space.
            values = self._shared_values(donors).set_axis(frame.index)
            for name in borrowed:
                frame[name] = values[name]
        return frame

    def _fit_label_judge(self, encoded, y_idx, seed):
        """A logistic regression on the real rows in GAN space (balanced class weights).

        Fitted on at most ``_ROWS_PER_CLASS`` rows of each class, drawn at random.

        Kept as its coefficients, ``{"coef": (k or 1, d), "intercept": (k or 1,)}``,
        and ``"agreement"``, the share of each class's real rows that it puts in their
        class, so that it is saved with the model as plain numbers.
        """
        if not self.filter_labels or len(self.classes_) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        rows = _per_class_subset(y_idx, _ROWS_PER_CLASS, np.random.RandomState(seed))
        judge = LogisticRegression(max_iter=500, class_weight="balanced")
        view, y_rows = self._judge_view(encoded[rows]), y_idx[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a judge that stops short still ranks rows
            judge.fit(view, y_rows)
        hits = judge.predict(view) == y_rows
        agreement = np.bincount(y_rows, weights=hits, minlength=len(self.classes_)) / np.maximum(
            np.bincount(y_rows, minlength=len(self.classes_)), 1)
        return {"coef": judge.coef_.astype(np.float64), "intercept": judge.intercept_.astype(np.float64),
                "agreement": agreement.astype(np.float64)}

    def _judge_view(self, encoded):
        """GAN-space rows with the missing-value indicators zeroed: the judge decides
        by the values a row has, so that checking labels does not skew how often each
        column is missing (which the decoder sets at each class's real rate)."""
        encoded = np.array(encoded, dtype=np.float64)
        encoded[:, self.encoder_.missing_indicators()] = 0.0
        return encoded

    def _class_probabilities(self, frame):
        """The judge's class probabilities for decoded rows (re-encoded as real rows are)."""
        return self._judge_probabilities(self.encoder_.transform(frame))

    def _judge_probabilities(self, encoded):
        """The judge's class probabilities for rows in GAN space.

        At sampling time these are the generator's own outputs (category
        probabilities where real rows have one-hot codes): a matrix product, so the
        check costs next to nothing beside decoding.
        """
        from scipy.special import expit, softmax

        # The judge's view zeroes the missing-value indicators: the same as zero weights
        # on them, which spares a copy of the rows.
        coef = np.array(self.label_judge_["coef"], dtype=np.float32)
        coef[:, self.encoder_.missing_indicators()] = 0.0
        logits = np.asarray(encoded, dtype=np.float32) @ coef.T + self.label_judge_["intercept"]
        if logits.shape[1] == 1:  # binary: the probability of the second class
            p = expit(logits[:, 0])
            return np.stack([1.0 - p, p], axis=1)
        return softmax(logits, axis=1)

    def _decode(self, labels, rng):
        """Generate and decode rows for the given class indices (no label check)."""
        encoded, donors = self._candidates(labels, rng)
        return self._decoded(encoded, labels, rng, donors)

    # ------------------------------------------------------------ formatting
    def _as_frame(self, X):
        if isinstance(X, pd.DataFrame):
            return X
        return pd.DataFrame(X, copy=False)

    def _as_input_array(self, frame):
        if isinstance(frame, np.ndarray):  # images come back as arrays already
            return frame
        if self.input_dtype_.kind == "O":
            return frame.to_numpy(dtype=object)
        return frame.to_numpy(dtype=self.input_dtype_)

    # ----------------------------------------------------------- persistence
    def save(self, path, *, force=False, keep_copy_filter=False):
        """Save the fitted augmenter to ``path``, one ``.ganaug`` archive (see :func:`ganaug.load`).

        The file holds the generator's weights, the parameters, the classes and the
        encoder's fitted state (column names and dtypes, each categorical column's
        categories, each numeric column's quantiles). By default it holds no row
        hashes and no rows, so a loaded model cannot filter copies of training rows
        (``filter_copies``). The quantiles are smoothed (each the mean of itself and its
        neighbours), so a value that only one or two training rows have is not stored;
        values that three or more rows share still allow a weak membership test
        (README, "What a saved model holds").

        Parameters
        ----------
        path : str or path
        force : bool, default=False
            Replace an existing file. The file is written whole or not at all.
        keep_copy_filter : bool, default=False
            Also store a 64-bit hash of every training row, so that the loaded model
            can still drop synthetic rows that copy a training row. **Risk:** anyone
            who holds the file and a candidate row can then tell whether that exact
            row was in the training data (a membership test). Only share such a
            file with those who may know who was in the training data.
        """
        self._sampler()  # raises NotFittedError before fit
        state = self._saved_state()
        hashes = getattr(self, "train_row_hashes_", None)
        if keep_copy_filter and hashes is not None:
            state["train_row_hashes"] = base64.b64encode(hashes.astype("<u8").tobytes()).decode("ascii")
        persistence.write_archive(path, state, self.generator_, force=force)

    def _saved_state(self):
        """The fitted state as JSON (no training-row hashes; see :meth:`save`)."""
        params = self.get_params()
        dropped = sorted(k for k, v in params.items() if v is not None and _param_value(v) is None)
        state = {
            "params": {k: _param_value(v) for k, v in params.items()},
            "dropped_params": dropped,
            "classes": [persistence.tag(c) for c in self.classes_],
            "classes_dtype": _dtype_text(self.classes_.dtype),
            "sampling_strategy": [[persistence.tag(k), int(v)] for k, v in self.sampling_strategy_.items()],
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": list(getattr(self, "feature_names_in_", [])) or None,
            "input_dtype": None if self.input_dtype_ is None else _dtype_text(self.input_dtype_),
            "target_name": persistence.tag(self.target_name_),
            "history": self.history_,
            "table_format": getattr(self, "table_format_", None),
            "shared_columns": [persistence.tag(c) for c in getattr(self, "shared_columns_", [])],
            "interpolated_classes": [persistence.tag(c) for c in getattr(self, "interpolated_classes_", [])],
        }
        if getattr(self, "calibration_", None) is not None:
            state["calibration"] = self.calibration_.get_state()
        judge = getattr(self, "label_judge_", None)
        if judge is not None:
            state["label_judge"] = {k: v.tolist() for k, v in judge.items()}
        if self._is_image_model():
            state["image_encoder"] = self.encoder_.get_state()
            if getattr(self, "image_judge_", None) is not None:
                state["image_judge"] = self.image_judge_.get_state()
            if getattr(self, "pixel_map_", None) is not None:
                state["pixel_map"] = self.pixel_map_.get_state()
        else:
            state["encoder"] = self.encoder_.get_state()
        return state

    @classmethod
    def _from_saved(cls, state, generator):
        """A fitted augmenter from :meth:`_saved_state`'s output and the generator."""
        params = {k: _param_from(v) for k, v in state["params"].items()}
        for name in state.get("dropped_params", []):
            params.pop(name, None)
        known = set(cls().get_params())
        aug = cls(**{k: v for k, v in params.items() if k in known})
        classes = [persistence.untag(c) for c in state["classes"]]
        aug.classes_ = np.array(classes, dtype=np.dtype(state["classes_dtype"]))
        aug.sampling_strategy_ = {persistence.untag(k): v for k, v in state["sampling_strategy"]}
        aug.n_features_in_ = state["n_features_in"]
        if state["feature_names_in"] is not None:
            aug.feature_names_in_ = np.array(state["feature_names_in"], dtype=object)
        input_dtype = state["input_dtype"]
        aug.input_dtype_ = None if input_dtype is None else np.dtype(input_dtype)
        aug.target_name_ = persistence.untag(state["target_name"])
        aug.history_ = state["history"]
        if state.get("table_format") is not None:
            aug.table_format_ = state["table_format"]
        aug.shared_columns_ = [persistence.untag(c) for c in state.get("shared_columns", [])]
        aug.interpolated_classes_ = [persistence.untag(c) for c in state.get("interpolated_classes", [])]
        if state.get("label_judge") is not None:
            aug.label_judge_ = {k: np.asarray(v, dtype=np.float64) for k, v in state["label_judge"].items()}
        if state.get("train_row_hashes") is not None:
            aug.train_row_hashes_ = np.frombuffer(
                base64.b64decode(state["train_row_hashes"], validate=True), dtype="<u8"
            ).astype(np.uint64)
        if "image_encoder" in state:
            from ganaug.images import ImageEncoder

            aug.encoder_ = ImageEncoder.from_state(state["image_encoder"])
            aug.working_size_ = aug.encoder_.working_shape_
            if state.get("image_judge") is not None:
                from ganaug.images import ImageJudge

                aug.image_judge_ = ImageJudge.from_state(state["image_judge"])
            if state.get("pixel_map") is not None:
                from ganaug.images import PixelMap

                aug.pixel_map_ = PixelMap.from_state(state["pixel_map"])
        else:
            from ganaug.tabular import TabularEncoder

            from ganaug.tabular import OutputCalibration

            aug.encoder_ = TabularEncoder.from_state(state["encoder"])
            if state.get("calibration") is not None:
                aug.calibration_ = OutputCalibration.from_state(aug.encoder_, state["calibration"])
        aug.generator_ = generator
        return aug


def load(path):
    """Load a ``GANAugmenter`` saved with :meth:`GANAugmenter.save`.

    A model saved without ``keep_copy_filter=True`` cannot tell its samples'
    copies of training rows apart: it samples as if ``filter_copies`` were False
    (and warns once, when ``filter_copies`` is True).

    Examples
    --------
    >>> import ganaug
    >>> aug = ganaug.load("model.ganaug")  # doctest: +SKIP
    >>> X_new, y_new = aug.sample(100)  # doctest: +SKIP
    """
    from ganaug import networks  # noqa: F401  (registers the custom layers)

    state, generator = persistence.read_archive(path)
    try:
        return GANAugmenter._from_saved(state, generator)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"{str(path)!r}: the model metadata is incomplete or invalid ({exc}).") from None


def _dtype_text(dtype):
    return "object" if dtype.kind == "O" else dtype.str


def _param_value(value):
    """A parameter as JSON; None for one that cannot be saved (a callable, a RandomState)."""
    if isinstance(value, dict):
        return {"dict": [[persistence.tag(k), v] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"list": [persistence.tag(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


def _param_from(value):
    if isinstance(value, dict) and "dict" in value:
        return {persistence.untag(k): v for k, v in value["dict"]}
    if isinstance(value, dict) and "list" in value:
        return tuple(persistence.untag(v) for v in value["list"])
    return value


def _check_finite(encoded):
    """Never decode a NaN or infinite generator output into rows."""
    if not np.isfinite(encoded).all():
        raise TrainingDivergedError(
            "The generator produced NaN or infinite values; refit with lower learning "
            "rates (or on_divergence='restart')."
        )


@contextlib.contextmanager
def _quiet_retracing():
    """Hide TensorFlow's warning that a function was traced again: each new image or
    loaded generator traces its own sampling function (ganaug.gan.sampling_function),
    as does each new table layout, and TensorFlow counts them together."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        logger.setLevel(level)


def _noise(rng, n, dim):
    """Latent noise from a seed drawn from ``rng`` (NumPy's fast float32 normals)."""
    seed = rng.randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed).standard_normal((n, dim), dtype=np.float32)


def _row_hashes(frame):
    """One 64-bit hash per row of a DataFrame (pandas' own row hashing)."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _per_class_subset(y_idx, cap, rng):
    """Sorted positions of at most ``cap`` rows of each class, drawn at random."""
    keep = []
    for k in np.unique(y_idx):
        rows = np.flatnonzero(y_idx == k)
        keep.append(rng.choice(rows, cap, replace=False) if len(rows) > cap else rows)
    return np.sort(np.concatenate(keep)) if keep else np.array([], dtype=np.intp)


def _largest_remainder(total, weights):
    """Split ``total`` into integer parts proportional to ``weights``."""
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(int)
    remainder = total - counts.sum()
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts
