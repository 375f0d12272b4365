"""The table pipeline: what a fit and a draw do to a table, one stage after another.

:meth:`TableModel.fit` runs each stage once, in this order:

1. encode the table into GAN space (:mod:`ganaug.tabular.encoder`), leaving the columns
   that identify rows unmodelled (:mod:`ganaug.tabular.identifiers`);
2. hash the training rows for the copy filter (:mod:`ganaug.tabular.copies`);
3. find the table's own rules (:mod:`ganaug.tabular.rules`), with ``keep_rules``;
   choose the shared columns, none of them tied by a rule to a column that is not
   shared (:mod:`ganaug.tabular.rule_keeping`), keep the real rows in memory
   (:mod:`ganaug.tabular.shared`);
4. fit the label judge (:mod:`ganaug.tabular.label_check`);
5. train the GAN (:mod:`ganaug.tabular.training`), restarted with lower learning rates
   if it diverges and ``on_divergence='restart'`` (:mod:`ganaug.nn.training`), then
6. calibrate its output (:mod:`ganaug.tabular.calibration`),
7. check fidelity and pick the classes to interpolate (:mod:`ganaug.tabular.fidelity`),
8. check for collapse (:mod:`ganaug.tabular.variety`).

:meth:`TableModel.generate` then makes rows for given class indices: recombined from
real rows (a share, ``recombine``; their class-dependent numbers moved towards a near
real row of the class) or generated (calibrated, or interpolated for the
classes that failed the fidelity check), their shared columns lent by real rows,
label-checked, decoded, made to keep the table's rules (determined columns derived,
rows that still break a rule redrawn: :class:`~ganaug.tabular.rule_keeping.RuleKeeper`),
with copies of training rows redrawn, and numbered: each numeric identifier column
gets numbers no real row has, near those of real rows of the row's class, while the
real rows are at hand, and numbers that go on from the largest real one otherwise.
"""

from __future__ import annotations

import base64
import functools
import warnings

import numpy as np
import pandas as pd

from ganaug import persistence
from ganaug.display import shown
from ganaug.exceptions import IdentifierWarning
from ganaug.tabular.calibration import OutputCalibration, fit_calibration
from ganaug.tabular.copies import copy_hashes, replace_copies
from ganaug.tabular.encoder import TabularEncoder
from ganaug.tabular.fidelity import check_fidelity, interpolate
from ganaug.tabular.identifiers import as_identifier_dtype, fresh_values, near_fresh
from ganaug.tabular.label_check import fit_label_judge, label_checked
from ganaug.tabular.rule_keeping import RuleKeeper, close_shared
from ganaug.tabular.rules import find_rules
from ganaug.tabular.shared import (
    RealRows,
    choose_shared_columns,
    recombine_share,
    split_recombined,
)
from ganaug.tabular.training import train_table_gan
from ganaug.tabular.variety import check_variety

__all__ = ["SAMPLE_CHUNK", "TableModel"]

SAMPLE_CHUNK = 65536  # rows per generator call
# What a loaded model without training rows says of its rows (measured by
# benchmarks/tables/saved.py: see docs/user_guide/saved_models.md) and how to keep them.
_NO_ROWS_MARGIN = (
    "Measured on 6 tables (benchmarks/tables/saved.py), such rows were up to 0.08 lower in "
    "per-class marginal fidelity than right after fit, put up to 14 points more of a column's "
    "values at a class's real minimum or maximum, kept the tables' rules as often, and agreed "
    "with a classifier of the real rows up to 0.36 less often.")
_KEEP_ROWS_HINT = (
    "To sample as right after fit, save with keep_training_rows=True (ganaug fit "
    "--keep-training-rows), or pickle with keep_training_rows=True; the file then holds "
    "the training rows verbatim: share it only with those who may see them.")


class TableModel:
    """A fitted table model: the state of every stage, and the draw that uses it.

    Made by :class:`ganaug.GANAugmenter` for a table; its fitted attributes (those
    in ``ATTRIBUTES``) are read through the estimator (``aug.encoder_`` and so on).

    Parameters
    ----------
    settings : ganaug.nn.training.TrainingSettings
    classes : ndarray
        The class labels, sorted (``GANAugmenter.classes_``).
    categorical_features : 'auto' or list
        The columns to model as categories besides the categorical dtypes.
    identifiers : 'auto', list or None
        The columns left unmodelled as identifiers (:class:`~ganaug.tabular.TabularEncoder`).
    shared_columns, recombine, filter_labels, filter_copies, on_divergence :
        The estimator's parameters of the same names.
    """

    ATTRIBUTES = (
        "encoder_", "generator_", "history_", "train_row_hashes_", "shared_columns_",
        "class_dependence_", "label_judge_", "calibration_", "fidelity_",
        "interpolated_classes_", "variety_", "label_agreement_", "n_copies_dropped_", "rules_",
    )
    #: The estimator's parameters a draw reads as they are at the draw.
    DRAW_OPTIONS = ("filter_labels", "filter_copies", "recombine")

    def __init__(self, settings, classes, *, categorical_features="auto", identifiers="auto",
                 shared_columns="auto", recombine="auto", keep_rules=True, filter_labels=True,
                 filter_copies=True, on_divergence="raise"):
        self.settings = settings
        self.classes = classes
        self.n_classes = len(classes)
        self.categorical_features = categorical_features
        self.identifiers = identifiers
        self.shared_columns = shared_columns
        self.recombine = recombine
        self.keep_rules = keep_rules
        self.filter_labels = filter_labels
        self.filter_copies = filter_copies
        self.on_divergence = on_divergence
        # After fit only, never saved: the training rows and the interpolation bases.
        self.real_rows = None
        self.neighbours = {}
        self.trained = None
        self.model = None
        self.calibration_ = None
        self.label_judge_ = None
        self.shared_columns_ = []
        self.rule_keeper_ = None
        self.interpolated_classes_ = []
        self.n_copies_dropped_ = 0

    # ------------------------------------------------------------------ fit
    def fit(self, frame, y_idx, sampling_strategy, seeds, callbacks=None):
        """Run the stages of a table fit, in order (see the module docstring).

        Parameters
        ----------
        frame : DataFrame
            The training rows.
        y_idx : ndarray of int
            Their class indices.
        sampling_strategy : dict
            ``{class: rows to generate}`` (the checks look at the classes that get rows).
        seeds : iterator of int
            The fit's seeds, drawn in a fixed order.
        callbacks : list of keras.callbacks.Callback, optional
        """
        classes = self.classes
        self.encoder_ = TabularEncoder(self.categorical_features, self.identifiers).fit(frame, y_idx)
        encoded = self.encoder_.transform(frame)
        identifiers = self.encoder_.identifier_columns_
        self.train_row_hashes_ = np.unique(copy_hashes(frame, identifiers))
        self.rule_keeper_ = None
        if self.keep_rules:  # no random number drawn: a table without rules is drawn as before
            rules = find_rules(frame, identifiers=list(identifiers), random_state=0)
            self.rule_keeper_ = RuleKeeper(rules, frame) if rules else None
        self.shared_columns_, self.class_dependence_ = choose_shared_columns(
            frame, y_idx, self.encoder_, self.shared_columns, self.n_classes)
        if self.rule_keeper_ is not None and isinstance(self.shared_columns, str):
            self.shared_columns_ = close_shared(self.shared_columns_, self.rule_keeper_.rules)
        class_rows = [np.flatnonzero(y_idx == k) for k in range(self.n_classes)]
        self.real_rows = RealRows(frame, encoded, class_rows, self.encoder_, self.shared_columns_)
        seed = next(seeds)
        self.label_judge_ = None
        if self.filter_labels and self.n_classes >= 2:
            self.label_judge_ = fit_label_judge(
                encoded, y_idx, self.n_classes, self.encoder_.missing_indicators(), seed)
        if identifiers and isinstance(self.identifiers, str):  # found, not named by the user
            warnings.warn(_identifier_message(self.encoder_), stacklevel=4)

        def attempt(lr_scale):
            from ganaug.nn.training import check_divergence

            self.trained, self.history_ = train_table_gan(
                encoded, y_idx, self.n_classes, self.encoder_, self.settings, seeds, lr_scale, callbacks)
            self.model = None
            check_divergence(self.history_)
            self.calibration_ = fit_calibration(
                self.encoder_, encoded, y_idx, self.n_classes, self._raw, next(seeds))
            self.neighbours = {}
            self.fidelity_, self.interpolated_classes_, self.neighbours = check_fidelity(
                encoded, y_idx, classes, sampling_strategy, self._draw_generated, self.encoder_.transform,
                generated_only=recombine_share(self.recombine) == 0.0, seed=next(seeds), stacklevel=5,
            )
            self.n_copies_dropped_ = 0
            self.variety_ = check_variety(
                frame, y_idx, classes, sampling_strategy, identifiers, self._draw_generated,
                next(seeds), stacklevel=5,
            )

        from ganaug.nn.training import train_with_restarts

        train_with_restarts(attempt, self.on_divergence, stacklevel=4)
        return self

    # ----------------------------------------------------------- generator
    @property
    def generator_(self):
        """The trained generator as a Keras model (a fit's is built on first use)."""
        if self.model is None:
            if self.trained is None:
                raise AttributeError("'TableModel' object has no attribute 'generator_'")
            self.model = self.trained.model()
        return self.model

    @generator_.setter
    def generator_(self, model):
        self.model, self.trained = model, None

    def sampler(self):
        """What draws rows: the fit's :class:`~ganaug.nn.sampling.TrainedGenerator`, else
        the (loaded) Keras model."""
        return self.trained if self.trained is not None else self.model

    # ----------------------------------------------------------------- draw
    def generate(self, labels, rng, stacklevel=2, **options):
        """Rows for the class indices ``labels``, as a DataFrame of the training columns.

        With ``filter_copies``, rows equal to a training row are redrawn
        (:func:`ganaug.tabular.copies.replace_copies`); the count dropped is kept in
        ``n_copies_dropped_``. ``options`` (``DRAW_OPTIONS``) replace the parameters of
        the same names.
        """
        for name, value in options.items():
            if name not in self.DRAW_OPTIONS:
                raise TypeError(f"generate() got an unexpected option {name!r}")
            setattr(self, name, value)
        self.n_copies_dropped_ = 0
        if self.shared_columns_ and self.real_rows is None:
            warnings.warn(
                "This model was loaded from a file or a pickle, which holds no training rows, so the "
                f"shared columns {', '.join(shown(c) for c in self.shared_columns_)} come from the "
                "generator instead of real rows of any class, and every row is generated (right "
                f"after fit, a share is recombined from real rows: see recombine). {_NO_ROWS_MARGIN} "
                f"{_KEEP_ROWS_HINT}",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
        if self.interpolated_classes_ and not self.neighbours:
            wanted = set(self.classes[np.unique(labels)].tolist())
            missed = [c for c in self.interpolated_classes_ if c in wanted]
            if missed:
                warnings.warn(
                    "This model was loaded from a file or a pickle, which holds no training "
                    f"rows, so the rows of class(es) {', '.join(shown(c) for c in missed)} come "
                    "from the generator, whose rows failed the fidelity check at fit (right after "
                    "fit, they are interpolated between real rows: see interpolated_classes_). "
                    f"{_KEEP_ROWS_HINT}",
                    UserWarning,
                    stacklevel=stacklevel + 1,
                )
        frame = self.draw(labels, rng)
        if self.filter_copies and getattr(self, "train_row_hashes_", None) is None:  # saved without them
            warnings.warn(
                "This model was saved without its training-row hashes, so the synthetic "
                "rows were not checked for copies of training rows (filter_copies); to "
                "keep that check, save with keep_copy_filter=True (ganaug fit "
                "--keep-copy-filter), or pickle with keep_training_rows=True, at the "
                "privacy risk that save() and keep_training_rows describe.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
        elif self.filter_copies:
            frame, self.n_copies_dropped_ = replace_copies(
                frame, labels, rng, self.draw, self.train_row_hashes_, self.encoder_.identifier_columns_,
                stacklevel=stacklevel + 1, classes=self.classes,
            )
        return self.numbered(frame, labels=labels, rng=rng)  # after the copy filter's redraws

    def numbered(self, frame, first=0, labels=None, rng=None):
        """``frame`` with fresh values in each numeric identifier column (text identifier
        columns stay empty).

        While the training rows are at hand (right after fit, or loaded from a file
        that keeps them) and ``labels`` (the class index of each row) and ``rng`` are
        given, a row of class ``k`` takes a number no real row has, near the number
        of a real row of class ``k`` drawn at random
        (:func:`~ganaug.tabular.identifiers.near_fresh`): the gaps in the real numbers
        are filled first, and numbers past the largest come only when they run out.
        Every identifier column of a row starts from the same real row, with the same
        random draws, so that columns the real rows tie (R's row names and an ``id``
        one apart, say) stay tied in the synthetic rows, as they did numbered on.
        Otherwise the rows are numbered in row order from the column's first fresh
        number plus ``first``: ``first`` continues an output made in parts
        (``ganaug.dask``'s partitions).

        A draw's rows get their numbers at its end, after the copy filter's redraws,
        so that no two of them share one. Columns not in ``frame`` (an array model's
        rows as ``ganaug sample`` names them) are left alone.
        """
        starts = getattr(self.encoder_, "identifier_starts_", {})
        near = (first == 0 and labels is not None and rng is not None and len(frame)
                and self.real_rows is not None)
        shared = None  # (anchor rows, seed): one draw for every identifier column
        for col in self.encoder_.columns_:
            start = starts.get(col.name)
            if start is None or col.name not in frame.columns:
                continue
            real = None
            if near:
                real = pd.to_numeric(self.real_rows.frame[col.name], errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan)
            if real is not None and np.isfinite(real).all():
                if shared is None:
                    shared = (self.real_rows.class_row_numbers(labels, rng), rng.randint(2**31))
                rows, seed = shared
                real = np.floor(real).astype(np.int64)
                numbers = near_fresh(real[rows], real, np.random.RandomState(seed))
                values = as_identifier_dtype(numbers, col.dtype)
            else:
                values = fresh_values(len(frame), start + first, col.dtype)
            frame[col.name] = values.set_axis(frame.index)
        return frame

    def recombine_share(self):
        """The share of rows to recombine from real rows (0 without shared columns or
        real rows at hand)."""
        if not self.shared_columns_ or self.real_rows is None:
            return 0.0
        return recombine_share(self.recombine)

    def draw(self, labels, rng, recombine=None):
        """Decoded rows for the class indices ``labels``: a share recombined from real
        rows (``recombine``, default: :meth:`recombine_share`), the rest generated and,
        with ``filter_labels``, label-checked (:func:`ganaug.tabular.label_check.label_checked`).
        Only the rows kept are decoded, so missing values still come out at each
        class's real rate."""
        share = self.recombine_share() if recombine is None else recombine
        if share > 0 and len(labels):
            take = split_recombined(labels, share, rng)
            if take.any():
                generated = self._kept(labels[~take], rng, fallback=True)
                recombined = self.real_rows.recombined(labels[take], rng)
                if self.rule_keeper_ is not None:
                    # A moved row that breaks a rule is redrawn; one that still does
                    # after the redraws is recombined unmoved, which keeps every rule.
                    recombined = self.rule_keeper_.keep(
                        recombined, labels[take], rng, self.real_rows.recombined, derive=False,
                        fallback=functools.partial(self.real_rows.recombined, move=False))
                frame = pd.concat([generated, recombined], ignore_index=True)
                order = np.argsort(np.concatenate([np.flatnonzero(~take), np.flatnonzero(take)]),
                                   kind="stable")
                return frame.iloc[order].reset_index(drop=True)
        return self._kept(labels, rng, fallback=share > 0 and self.real_rows is not None)

    def _kept(self, labels, rng, fallback):
        """Generated rows for ``labels`` that keep the table's rules
        (:meth:`RuleKeeper.keep`); with ``fallback``, a row that still breaks one after
        its redraws is recombined from real rows instead."""
        frame = self._generated_rows(labels, rng)
        if self.rule_keeper_ is None or not len(labels):
            return frame
        agreement = vars(self).get("label_agreement_")  # the draw's, not a redraw's
        recombined = functools.partial(self.real_rows.recombined, move=False) if fallback else None
        # recombine=0 asks for rows that take nothing from a training row: no repair then
        real = None
        if self.real_rows is not None and recombine_share(self.recombine) > 0:
            real = self.real_rows.of_class
        frame = self.rule_keeper_.keep(frame, labels, rng, self._generated_rows, recombined, real=real)
        if agreement is not None:
            self.label_agreement_ = agreement
        return frame

    @property
    def rules_(self):
        """The rules the synthetic rows keep (:mod:`ganaug.tabular.rule_keeping`)."""
        return [] if self.rule_keeper_ is None else list(self.rule_keeper_.rules)

    def _generated_rows(self, labels, rng):
        """Generated rows for ``labels``, label-checked with ``filter_labels``, decoded."""
        if not self.filter_labels or self.label_judge_ is None or not len(labels):
            encoded, donors = self._candidates(labels, rng)
            return self._decoded(encoded, labels, rng, donors)
        kept, donors, self.label_agreement_ = label_checked(
            labels, rng, self._candidates, self.label_judge_, self.encoder_.missing_indicators(),
            self.encoder_.output_dim_,
        )
        return self._decoded(kept, labels, rng, donors)

    def _draw_generated(self, labels, rng):
        """:meth:`draw` without recombination: the generator's own rows (for the checks)."""
        return self.draw(labels, rng, recombine=0.0)

    def _raw(self, labels, rng):
        """The generator's raw output for the class indices ``labels``."""
        from ganaug.nn.sampling import run_generator

        return run_generator(self.sampler(), labels, self.n_classes, self.settings.latent_dim, rng,
                             (self.encoder_.output_dim_,), SAMPLE_CHUNK)

    def _candidates(self, labels, rng):
        """Rows in GAN space: generated and calibrated, or interpolated for the classes that
        failed the fidelity check; each with the shared columns of one real row of any
        class (:meth:`RealRows.lend`). Returns the rows and, per row, the real row its
        shared columns come from (-1 without)."""
        interpolated = np.isin(labels, list(self.neighbours))
        if interpolated.any():
            encoded = np.empty((len(labels), self.encoder_.output_dim_), dtype=np.float32)
            encoded[~interpolated] = self._generated(labels[~interpolated], rng)
            for k in self.neighbours:
                at = np.flatnonzero(labels == k)
                encoded[at] = interpolate(self.neighbours[k], len(at), rng)
        else:
            encoded = self._generated(labels, rng)
        donors = np.full(len(labels), -1, dtype=np.int64)
        if self.real_rows is not None:
            donors = self.real_rows.lend(encoded, rng)
        return encoded, donors

    def _generated(self, labels, rng):
        """The generator's rows for the class indices ``labels``, calibrated."""
        encoded = self._raw(labels, rng)
        return encoded if self.calibration_ is None else self.calibration_.transform(encoded, labels)

    def _decoded(self, encoded, labels, rng, donors):
        """Rows in GAN space -> DataFrame; borrowed columns get their donors' values as given."""
        borrowed = self.shared_columns_ if self.real_rows is not None else ()
        decode_seed = rng.randint(np.iinfo(np.int32).max)
        frame = self.encoder_.inverse_transform(encoded, random_state=decode_seed, y=labels,
                                                as_given=set(borrowed))
        if borrowed and len(frame):
            # The real values themselves, not their round trip through GAN space.
            values = self.real_rows.shared_values(donors).set_axis(frame.index)
            for name in borrowed:
                frame[name] = values[name]
        return frame

    # -------------------------------------------------------------- saving
    def get_state(self, keep_copy_filter=False):
        """The fitted state as JSON (row hashes only with ``keep_copy_filter``)."""
        state = {
            "shared_columns": [persistence.tag(c) for c in self.shared_columns_],
            "interpolated_classes": [persistence.tag(c) for c in self.interpolated_classes_],
        }
        if self.calibration_ is not None:
            state["calibration"] = self.calibration_.get_state()
        if self.label_judge_ is not None:
            state["label_judge"] = {k: v.tolist() for k, v in self.label_judge_.items()}
        state["encoder"] = self.encoder_.get_state()
        if self.rule_keeper_ is not None:
            state["rules"] = self.rule_keeper_.get_state()
        if keep_copy_filter and getattr(self, "train_row_hashes_", None) is not None:
            state["train_row_hashes"] = base64.b64encode(
                self.train_row_hashes_.astype("<u8").tobytes()).decode("ascii")
        return state

    def training_rows(self):
        """What a draw takes from the training rows, ``{name: DataFrame or ndarray}``
        (empty when the model holds none, as one loaded without them): the rows
        themselves (``frame``), their class indices (``labels``) and, per class that is
        interpolated, its rows in GAN space and their neighbours. What
        ``save(keep_training_rows=True)`` writes to the file, verbatim; the rows in GAN
        space that shared columns are lent from are made again from them at load."""
        if self.real_rows is None:
            return {}
        labels = np.empty(len(self.real_rows.frame), dtype=np.int64)
        for k, rows in enumerate(self.real_rows.class_rows):
            labels[rows] = k
        rows = {"frame": self.real_rows.frame, "labels": labels}
        for k, (real, nearest) in self.neighbours.items():
            rows[f"neighbours-{int(k)}-rows"], rows[f"neighbours-{int(k)}-nearest"] = real, nearest
        return rows

    @classmethod
    def from_state(cls, state, generator, settings, classes, rows=None, **options):
        """A fitted model from :meth:`get_state`'s output and the saved generator, and
        :meth:`training_rows`'s output when the file holds them (``rows``): then it
        draws as the fitted model did."""
        model = cls(settings, classes, **options)
        model.history_ = state["history"]
        model.shared_columns_ = [persistence.untag(c) for c in state.get("shared_columns", [])]
        model.interpolated_classes_ = [persistence.untag(c) for c in state.get("interpolated_classes", [])]
        if state.get("label_judge") is not None:
            model.label_judge_ = {k: np.asarray(v, dtype=np.float64) for k, v in state["label_judge"].items()}
        if state.get("train_row_hashes") is not None:
            model.train_row_hashes_ = np.frombuffer(
                base64.b64decode(state["train_row_hashes"], validate=True), dtype="<u8"
            ).astype(np.uint64)
        model.encoder_ = TabularEncoder.from_state(state["encoder"])
        if state.get("rules") is not None:
            model.rule_keeper_ = RuleKeeper.from_state(state["rules"])
        if state.get("calibration") is not None:
            model.calibration_ = OutputCalibration.from_state(model.encoder_, state["calibration"])
        model.generator_ = generator
        if rows:
            frame, labels = rows["frame"], rows["labels"]
            class_rows = [np.flatnonzero(labels == k) for k in range(model.n_classes)]
            model.real_rows = RealRows(frame, model.encoder_.transform(frame), class_rows,
                                       model.encoder_, model.shared_columns_)
            model.neighbours = {
                k: (rows[f"neighbours-{k}-rows"], rows[f"neighbours-{k}-nearest"])
                for k in range(model.n_classes) if f"neighbours-{k}-rows" in rows}
        return model


def _identifier_message(encoder):
    """The :class:`~ganaug.exceptions.IdentifierWarning` for the identifier columns an
    encoder with ``identifiers='auto'`` found."""
    names = encoder.identifier_columns_
    numbered = [shown(n) for n in names if encoder.identifier_starts_.get(n) is not None]
    empty = [shown(n) for n in names if encoder.identifier_starts_.get(n) is None]
    given = []
    if numbered:
        given.append(f"numbers that no real row has, near those of real rows of their class, "
                     f"in {', '.join(numbered)}")
    if empty:
        given.append(f"an empty value in {', '.join(empty)}")
    listed = ", ".join(shown(n) for n in names)
    return IdentifierWarning(
        f"Column(s) {listed} hold a different value in every row, like a name or an ID: "
        "they identify rows rather than describe them, so they are not modelled, the copy "
        f"filter ignores them, and synthetic rows get {' and '.join(given)}. To model them "
        "as features, set identifiers=None (ganaug augment/fit --identifiers none), or "
        "name the identifier columns yourself (identifiers=[...], --identifiers COL,COL).",
        columns=names,
    )
