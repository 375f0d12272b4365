"""GANAugmenter: an imbalanced-learn over-sampler backed by a conditional GAN.

This module is the estimator only: its parameters and their validation, ``fit``,
``fit_resample``, ``sample``, ``save`` and :func:`load`, and the choice of a table or
an image model. What a fit does to the data lives in the stages of
:mod:`ganaug.tabular` (run in order by :class:`ganaug.tabular.model.TableModel`) and
:mod:`ganaug.images` (:class:`ganaug.images.model.ImageModel`), on the GAN core of
:mod:`ganaug.nn`.
"""

from __future__ import annotations

import binascii
import json
import math
import warnings
from copy import deepcopy
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

from ganaug import class_counts, persistence
from ganaug.display import shown
from ganaug.exceptions import CollapseWarning, FidelityWarning, TrainingDivergedError
from ganaug.images.encoder import is_image_array
from ganaug.nn.settings import TrainingSettings
from ganaug.tabular.shared import RECOMBINE_AUTO

__all__ = [
    "CollapseWarning",
    "FidelityWarning",
    "GANAugmenter",
    "IMAGE_DEFAULTS",
    "RECOMBINE_AUTO",
    "TABLE_DEFAULTS",
    "TrainingDivergedError",
    "load",
]

_MIN_STEPS_PER_EPOCH = 10


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
# at 4e-4 with betas (0, 0.99), as in BigGAN; see ganaug.nn.image_nets.IMAGE_GAN for
# the rest.
TABLE_DEFAULTS = {
    "epochs": 5, "steps_per_epoch": 50, "generator_units": (128, 128),
    "discriminator_units": (128, 128), "generator_lr": 1e-3, "discriminator_lr": 1e-3,
}
IMAGE_DEFAULTS = {
    "epochs": 15, "steps_per_epoch": 100, "generator_units": (64,),
    "discriminator_units": (64,), "generator_lr": 4e-4, "discriminator_lr": 4e-4,
    "adam_betas": (0.0, 0.99),
}
# Adam's betas for tables, as is usual for GANs
_TABLE_BETAS = (0.5, 0.9)


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
    image warped by it (:class:`ganaug.nn.image_nets.FlowWarp`). A spectrally normalised
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
    loaded from a file (or unpickled, unless ``keep_training_rows``) holds no
    training images, so it draws images from the noise alone (half the training
    warps give the generator no source, for this), with a warning.

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
    identifiers : 'auto', list of str or int, or None, default='auto'
        Columns that identify a row or an entity rather than describe it (a row
        number, an ID, a name). They are not modelled, the copy filter ignores them
        (a synthetic row equal to a training row but for its ID is a copy), and a
        synthetic row gets a fresh value: in a numeric column, a whole number that no
        real row and no other synthetic row of the call has, near the number of a
        real row of its class (the gaps between the real numbers are filled first,
        numbers past the largest come only when they run out), so that an ID kept as
        a feature does not tell a classifier which rows are synthetic; a model loaded
        without its training rows numbers on from the largest real value instead
        (max + 1, max + 2, ... in output order). A text column is left empty (a
        made-up name could pass for, or clash with, a real one). The real rows keep
        theirs. 'auto' takes the columns
        :func:`ganaug.tabular.identifiers.find_identifiers` finds (at least 20 rows, a
        different value in every row, and text, or whole numbers that form a
        sequence, with or without gaps, or sit in a column named like an ID such as
        ``id``, ``customer_id`` or R's ``Unnamed: 0``), but never one named in
        ``categorical_features``, and says which with an
        :class:`~ganaug.exceptions.IdentifierWarning`; a list names the columns (or
        their positions); None or an empty list models every column as a feature.
        Kept in a saved model. Tables only.
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
        from a file (or unpickled, unless ``keep_training_rows``) holds no training rows
        and generates these columns, with a warning.
    recombine : float in [0, 1] or 'auto', default='auto'
        Share of each class's synthetic table rows made by recombining real rows
        instead of by the generator: a real row of the class, drawn at random, keeps
        its values in the columns that depend on the class and takes the shared
        columns (``shared_columns_``) of another real row of any class, drawn at
        random, as generated rows do; its class-dependent numbers then move a random
        part of the way towards one of the 5 nearest real rows of its class (SMOTE's
        rule; categories, few-valued numbers and missing values stay the real row's).
        'auto' is ``RECOMBINE_AUTO``. Such a row is new (no training row has it, and
        ``filter_copies`` redraws one that happens to be a copy) but it lies between
        two real rows and repeats a real row's categories, so set 0 when synthetic
        rows must not disclose training rows. Without shared columns a
        recombined row would be a copy, so none are made; nor for images, nor by a
        model loaded from a file (or unpickled, unless ``keep_training_rows``), which
        holds no training rows. With 0 the classes that fail the fidelity check
        (``interpolated_classes_``) are generated too, with a warning, rather than
        interpolated between real rows.
    keep_rules : bool, default=True
        Whether synthetic table rows keep the table's own rules: those that at least
        99 % of the training rows keep, found at fit with no input
        (:func:`ganaug.tabular.rules.find_rules`: a column determined by another,
        exact arithmetic identities such as ``total = a + b``, orders ``a >= b``, the
        combinations of levels that occur), kept in ``rules_``. A column a rule ties
        to a class-dependent column is not shared (so a recombined row takes both
        from one real row); in generated rows a determined column is derived from its
        determinants; a generated row that still breaks a rule is drawn again, then
        replaced by a recombined row (:mod:`ganaug.tabular.rule_keeping`). False
        models every column freely, as before 0.2.
    keep_training_rows : bool, default=False
        Whether a pickle of the fitted augmenter (``pickle``, ``joblib.dump``, a fitted
        :class:`imblearn.pipeline.Pipeline` that holds it, a process pool) keeps what
        sampling right after fit takes from the training data: the training rows or
        images (the pool that shared columns are lent from, the rows recombined or
        interpolated between, the images warped) and a hash of every training row
        (for ``filter_copies``). By default a pickle holds what :meth:`save` writes:
        the generator in Keras's own format and the fitted state that :meth:`save`
        lists, with no training rows and no row hashes, and the unpickled augmenter
        samples as one loaded with :func:`ganaug.load` does (every table row
        generated, copies not filtered, images drawn from the noise alone: each with
        a warning). With True it samples as right after fit, the same rows for the
        same ``random_state``. :meth:`save` then stores the training rows and the row
        hashes in its file too (see its ``keep_training_rows``). The value is read when the
        augmenter is pickled or saved, so ``set_params`` may change it after fit.
        **Risk:** such a pickle holds the training data themselves, and anyone who
        holds it can read every training row: share it only with those who may see
        the training data. A copy in memory (``copy.deepcopy``) keeps everything either
        way; an unfitted augmenter pickles its parameters only.
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
    model_ : ganaug.tabular.model.TableModel or ganaug.images.model.ImageModel
        The fitted table or image model, which holds the state of each stage of the
        fit (see :mod:`ganaug.tabular.model`, :mod:`ganaug.images.model`); the fitted
        attributes below that belong to a stage are read from it.
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
        "identifiers": [StrOptions({"auto"}), "array-like", None],
        "on_divergence": [StrOptions({"raise", "restart"})],
        "filter_copies": ["boolean"],
        "filter_labels": ["boolean"],
        "shared_columns": [StrOptions({"auto"}), "array-like", None],
        "recombine": [Interval(Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "keep_rules": ["boolean"],
        "keep_training_rows": ["boolean"],
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
        identifiers="auto",
        on_divergence="raise",
        filter_copies=True,
        filter_labels=True,
        shared_columns="auto",
        recombine="auto",
        keep_rules=True,
        keep_training_rows=False,
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
        self.identifiers = identifiers
        self.on_divergence = on_divergence
        self.filter_copies = filter_copies
        self.filter_labels = filter_labels
        self.shared_columns = shared_columns
        self.recombine = recombine
        self.keep_rules = keep_rules
        self.keep_training_rows = keep_training_rows
        self.working_size = working_size
        self.verbose = verbose

    # ------------------------------------------------------------- validation
    def _check_X_y(self, X, y, accept_sparse=None):
        """Keep DataFrames and object arrays as they are: columns may hold strings."""
        if isinstance(X, pd.DataFrame) and X.columns.has_duplicates:
            twice = ", ".join(shown(c) for c in X.columns[X.columns.duplicated()].unique())
            raise ValueError(
                f"X has more than one column named {twice}; each column needs its own "
                "name. Rename or drop the repeats."
            )
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
        labels = class_counts.labels_to_grow(self.classes_, self.sampling_strategy_)
        X_new = self.model_.generate(labels, check_random_state(self.random_state), stacklevel=3,
                                     **self._draw_options())
        if isinstance(X, pd.DataFrame):
            X_res = pd.concat([X, X_new], ignore_index=True)
        else:
            X_res = np.concatenate([X, self._as_input_array(X_new)])
        y_res = np.concatenate([y, self.classes_[labels]])
        return X_res, y_res

    def _fit(self, X, y, callbacks=None):
        """Choose the table or the image model and fit it (see :mod:`ganaug.tabular.model`
        and :mod:`ganaug.images.model` for what each does, stage by stage)."""
        self.__dict__.pop("model_", None)
        image = is_image_array(X)
        settings = self._training_settings(IMAGE_DEFAULTS if image else TABLE_DEFAULTS, len(X))
        seeds = _seed_stream(check_random_state(self.random_state))
        self.classes_, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
        self._check_class_sizes(counts)
        if image:
            from ganaug.images.model import ImageModel

            self.input_dtype_ = X.dtype
            self.model_ = ImageModel(settings, self.classes_, working_size=self.working_size,
                                     filter_labels=self.filter_labels, on_divergence=self.on_divergence)
            self.model_.fit(X, y_idx, seeds, callbacks)
        else:
            from ganaug.tabular.model import TableModel

            self.input_dtype_ = None if isinstance(X, pd.DataFrame) else X.dtype
            frame = self._as_frame(X)
            self.model_ = TableModel(settings, self.classes_, **self._table_options(frame))
            self.model_.fit(frame, y_idx, self.sampling_strategy_, seeds, callbacks)
        return self

    def _training_settings(self, defaults, n_samples):
        """The training parameters with 'auto' resolved for tables or images
        (``defaults``) and ``n_samples`` rows."""

        def setting(name):
            value = getattr(self, name)
            return defaults[name] if isinstance(value, str) and value == "auto" else value

        if self.steps_per_epoch != "auto":
            steps = self.steps_per_epoch
        elif defaults["steps_per_epoch"] is not None:
            steps = defaults["steps_per_epoch"]
        else:
            steps = max(_MIN_STEPS_PER_EPOCH, math.ceil(n_samples / self.batch_size))
        return TrainingSettings(
            epochs=setting("epochs"),
            steps_per_epoch=steps,
            batch_size=self.batch_size,
            latent_dim=self.latent_dim,
            generator_units=_check_units("generator_units", setting("generator_units")),
            discriminator_units=_check_units("discriminator_units", setting("discriminator_units")),
            generator_lr=setting("generator_lr"),
            discriminator_lr=setting("discriminator_lr"),
            adam_betas=tuple(defaults.get("adam_betas", _TABLE_BETAS)),
            loss=self.loss,
            verbose=self.verbose,
        )

    def _table_options(self, frame=None):
        """The parameters a :class:`~ganaug.tabular.model.TableModel` takes."""
        return {
            "categorical_features": self._categorical_features_for(frame),
            "identifiers": self.identifiers,
            "shared_columns": self.shared_columns, "recombine": self.recombine,
            "keep_rules": self.keep_rules,
            "filter_labels": self.filter_labels, "filter_copies": self.filter_copies,
            "on_divergence": self.on_divergence,
        }

    def _categorical_features_for(self, frame):
        """For a NumPy object array in 'auto' mode, columns holding strings or bools."""
        if self.categorical_features != "auto" or self.input_dtype_ is None or frame is None:
            return self.categorical_features
        if self.input_dtype_.kind != "O":
            return []
        return [
            name
            for name in frame.columns
            if frame[name].map(lambda v: isinstance(v, (str, bool, np.bool_))).any()
        ]

    def _check_class_sizes(self, counts):
        small = [(c, n) for c, n in zip(self.classes_, counts) if n < 2]
        if small:
            label, n = small[0]
            raise ValueError(
                f"Class {shown(label)} has {n} row; GANAugmenter needs at least 2 rows of each "
                "class to learn from. Remove the class or add rows."
            )

    def _draw_options(self):
        """The parameters a draw reads as they are now (set_params may change them
        after fit)."""
        return {name: getattr(self, name) for name in self.model_.DRAW_OPTIONS}

    # ------------------------------------------------------- fitted state
    def __getattr__(self, name):
        """The fitted attributes of the table or image model (``encoder_``,
        ``generator_``, ``calibration_``, ...: see the class docstring)."""
        model = self.__dict__.get("model_")
        if model is not None and name in model.ATTRIBUTES:
            return getattr(model, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        model = self.__dict__.get("model_")
        if model is not None and name in model.ATTRIBUTES:
            setattr(model, name, value)
        else:
            super().__setattr__(name, value)

    def _fitted_model(self):
        """The table or image model; NotFittedError before fit."""
        model = self.__dict__.get("model_")
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return model

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
        model = self._fitted_model()
        labels = class_counts.labels_for(n_samples, y, self.classes_, self.sampling_strategy_)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        X_new = model.generate(labels, rng, **self._draw_options())
        y_new = self.classes_[labels]
        if self.input_dtype_ is not None:
            return self._as_input_array(X_new), y_new
        return X_new, pd.Series(y_new, name=self.target_name_)

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
    def save(self, path, *, force=False, keep_copy_filter=None, keep_training_rows=None):
        """Save the fitted augmenter to ``path``, one ``.ganaug`` archive (see :func:`ganaug.load`).

        The file holds the generator's weights, the parameters, the classes and the
        encoder's fitted state (column names and dtypes, each categorical column's
        categories, each numeric column's quantiles). By default it holds no row
        hashes and no rows, so a loaded model cannot filter copies of training rows
        (``filter_copies``), and it generates every row: right after fit, a table's
        rows are mostly recombined from real rows and borrow shared columns from them,
        and each image is a warp of a real image. The quantiles are smoothed (each the
        mean of itself and its neighbours), so a value that only one or two training
        rows have is not stored; values that three or more rows share still allow a
        weak membership test (README, "What a saved model holds").

        Parameters
        ----------
        path : str or path
        force : bool, default=False
            Replace an existing file. The file is written whole or not at all.
        keep_copy_filter : bool, optional
            Also store a 64-bit hash of every training row, so that the loaded model
            can still drop synthetic rows that copy a training row. **Risk:** anyone
            who holds the file and a candidate row can then tell whether that exact
            row was in the training data (a membership test). Only share such a
            file with those who may know who was in the training data. Default: the
            value of ``keep_training_rows``.
        keep_training_rows : bool, optional
            Also store what sampling right after fit takes from the training data: the
            training rows themselves (Parquet), the rows interpolated between, or the
            training images (NumPy ``.npy``), never pickled. The loaded model then
            samples exactly the rows the fitted model samples with the same
            ``random_state``. **Privacy cost:** the file then contains every training
            row (or image) verbatim, and anyone who holds it can read them: share it
            only with those who may see the training data. Default: the estimator's
            ``keep_training_rows`` (False unless set).
        """
        model = self._fitted_model()
        if keep_training_rows is None:
            keep_training_rows = self.keep_training_rows
        if keep_copy_filter is None:
            keep_copy_filter = keep_training_rows
        state = {**self._saved_state(), **model.get_state(keep_copy_filter=keep_copy_filter)}
        rows = model.training_rows() if keep_training_rows else None
        if keep_training_rows and not rows:
            warnings.warn(
                "keep_training_rows=True, but this model holds no training rows (it was loaded "
                "from a file or a pickle without them), so the file holds none either.",
                UserWarning, stacklevel=2)
        persistence.write_archive(path, state, model.generator_, force=force, rows=rows)

    def _saved_state(self):
        """The estimator's own fitted state as JSON (the model adds its stages')."""
        params = self.get_params()
        dropped = sorted(k for k, v in params.items() if v is not None and persistence.param_value(v) is None)
        return {
            "params": {k: persistence.param_value(v) for k, v in params.items()},
            "dropped_params": dropped,
            "classes": [persistence.tag(c) for c in self.classes_],
            "classes_dtype": persistence.dtype_text(self.classes_.dtype),
            "sampling_strategy": [[persistence.tag(k), int(v)] for k, v in self.sampling_strategy_.items()],
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": list(getattr(self, "feature_names_in_", [])) or None,
            "input_dtype": None if self.input_dtype_ is None else persistence.dtype_text(self.input_dtype_),
            "target_name": persistence.tag(self.target_name_),
            "history": self.history_,
            "table_format": getattr(self, "table_format_", None),
        }

    @classmethod
    def _from_saved(cls, state, generator, rows=None):
        """A fitted augmenter from a saved state and the generator (and the training
        rows, when the file holds them)."""
        params = {k: persistence.param_from(v) for k, v in state["params"].items()}
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
        if state.get("table_format") is not None:
            aug.table_format_ = state["table_format"]
        aug.model_ = aug._model_from_saved(state, generator, rows)
        return aug

    def _model_from_saved(self, state, generator, rows=None):
        """The table or image model from its saved state (see :meth:`save`), the
        generator and any training rows, with this augmenter's parameters."""
        if "image_encoder" in state:
            from ganaug.images.model import ImageModel

            settings = self._training_settings(IMAGE_DEFAULTS, 0)
            return ImageModel.from_state(
                state, generator, settings, self.classes_, rows=rows, working_size=self.working_size,
                filter_labels=self.filter_labels, on_divergence=self.on_divergence)
        from ganaug.tabular.model import TableModel

        settings = self._training_settings(TABLE_DEFAULTS, 0)
        return TableModel.from_state(state, generator, settings, self.classes_, rows=rows,
                                     **self._table_options())

    # -------------------------------------------------------------- pickling
    def __getstate__(self):
        """What a pickle holds (``pickle``, ``joblib.dump``, a process pool).

        The parameters and the estimator's own fitted attributes (classes, counts to
        generate, column names, dtypes), as they are. The fitted model (``model_``):
        its generator in Keras's own format (:func:`ganaug.persistence.model_bytes`),
        so that unpickling needs no custom class registered beforehand, and by default
        the JSON state that :meth:`save` writes, without training rows or row hashes;
        with ``keep_training_rows=True``, every stage's fitted state as it is,
        training rows, shared pool and row hashes included.
        """
        state = dict(super().__getstate__())  # a copy: BaseEstimator hands over __dict__
        model = state.pop("model_", None)
        if model is not None:
            state["model_"] = self._pickled_model(model)
        return state

    def __setstate__(self, state):
        state = dict(state)
        pickled = state.pop("model_", None)
        super().__setstate__(state)
        if isinstance(pickled, dict):
            self.__dict__["model_"] = self._unpickled_model(pickled)
        elif pickled is not None:  # pickled by an earlier ganaug, as the model itself
            self.__dict__["model_"] = pickled

    def __deepcopy__(self, memo):
        """A copy in memory keeps everything, training rows included: only a pickle,
        which may leave the process, follows ``keep_training_rows``."""
        copy = type(self).__new__(type(self))
        memo[id(self)] = copy
        copy.__dict__.update(deepcopy(self.__dict__, memo))
        return copy

    def _pickled_model(self, model):
        """``model_`` as a pickle holds it (see :meth:`__getstate__`)."""
        from ganaug.nn.sampling import TrainedGenerator

        keras_model = model.generator_
        generator = persistence.model_bytes(keras_model)
        if self.keep_training_rows:
            # Every stage's state but the generator as a Keras model and the fit's copy
            # of its weights, which the generator's bytes replace.
            contents = {name: value for name, value in vars(model).items()
                        if value is not keras_model and not isinstance(value, TrainedGenerator)}
            return {"model": type(model), "contents": contents, "generator": generator}
        # Exactly what save() writes for the model, through JSON so that nothing else
        # (no array of rows) can slip in.
        saved = {"history": self.history_, **model.get_state(keep_copy_filter=False)}
        return {"saved": json.loads(json.dumps(saved)), "generator": generator}

    def _unpickled_model(self, pickled):
        """The table or image model from what :meth:`_pickled_model` kept."""
        _register_custom_layers()
        generator = persistence.model_from_bytes(pickled["generator"], "The pickled GANAugmenter")
        if "saved" in pickled:
            return self._model_from_saved(pickled["saved"], generator)
        cls = pickled["model"]
        model = cls.__new__(cls)
        model.__dict__.update(pickled["contents"])
        model.generator_ = generator
        return model


def _register_custom_layers():
    """Register the generators' custom Keras layers, so that Keras can load them."""
    from ganaug.nn import image_nets, table_nets  # noqa: F401


def load(path):
    """Load a ``GANAugmenter`` saved with :meth:`GANAugmenter.save`.

    A model saved without ``keep_copy_filter=True`` cannot tell its samples'
    copies of training rows apart: it samples as if ``filter_copies`` were False
    (and warns once, when ``filter_copies`` is True). A model saved with
    ``keep_training_rows=True`` samples exactly as the fitted model did; one saved
    without generates every row (see :meth:`GANAugmenter.save`) and says so.

    Examples
    --------
    >>> import ganaug
    >>> aug = ganaug.load("model.ganaug")  # doctest: +SKIP
    >>> X_new, y_new = aug.sample(100)  # doctest: +SKIP
    """
    _register_custom_layers()
    state, generator = persistence.read_archive(path)
    rows = persistence.read_rows(path) if state.get("rows") else None
    try:
        return GANAugmenter._from_saved(state, generator, rows)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"{str(path)!r}: the model metadata is incomplete or invalid ({exc}).") from None
