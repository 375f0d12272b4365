"""The label check: generated rows as cleanly separated as the real rows of their class.

At fit, :func:`fit_label_judge` fits a logistic regression (balanced class weights) on
the real rows in GAN space (at most ``ROWS_PER_CLASS`` per class), kept as plain
numbers (``GANAugmenter.label_judge_``) with ``"agreement"``, the share of each
class's real rows it puts in their class. At each draw, :func:`label_checked` keeps,
of the rows generated for a class, that same share from candidates the judge puts in
the class and the rest from candidates it puts elsewhere (up to ``LABEL_REDRAWS``
further rounds). The synthetic class is then neither full of rows deep in another
class, which plain draws give, nor made of only the safest rows, which keeping only
agreeing rows gives and which pulls a classifier's boundary towards the class. The
check is a matrix product on the generator's own output: next to nothing beside
decoding. The missing-value indicators are zeroed for the judge, so that checking
labels does not skew how often each column is missing. On the development suite the
check moved the GAN from last to second of the over-samplers by macro-F1 rank.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ganaug.tabular.subsets import ROWS_PER_CLASS, per_class_subset

__all__ = ["LABEL_REDRAWS", "fit_label_judge", "judge_probabilities", "label_checked"]

LABEL_REDRAWS = 3


def fit_label_judge(encoded, y_idx, n_classes, missing_indicators, seed):
    """A logistic regression on the real rows in GAN space (balanced class weights).

    Fitted on at most ``ROWS_PER_CLASS`` rows of each class, drawn at random, with
    the missing-value indicators (``missing_indicators``, a boolean mask of GAN-space
    columns) zeroed. Kept as its coefficients, ``{"coef": (k or 1, d), "intercept":
    (k or 1,)}``, and ``"agreement"``, the share of each class's real rows that it
    puts in their class, so that it is saved with the model as plain numbers.
    """
    from sklearn.linear_model import LogisticRegression

    rows = per_class_subset(y_idx, ROWS_PER_CLASS, np.random.RandomState(seed))
    judge = LogisticRegression(max_iter=500, class_weight="balanced")
    view = np.array(encoded[rows], dtype=np.float64)
    view[:, missing_indicators] = 0.0
    y_rows = y_idx[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a judge that stops short still ranks rows
        judge.fit(view, y_rows)
    hits = judge.predict(view) == y_rows
    agreement = np.bincount(y_rows, weights=hits, minlength=n_classes) / np.maximum(
        np.bincount(y_rows, minlength=n_classes), 1)
    return {"coef": judge.coef_.astype(np.float64), "intercept": judge.intercept_.astype(np.float64),
            "agreement": agreement.astype(np.float64)}


def judge_probabilities(judge, encoded, missing_indicators):
    """The judge's class probabilities for rows in GAN space.

    At sampling time these are the generator's own outputs (category probabilities
    where real rows have one-hot codes): a matrix product, so the check costs next to
    nothing beside decoding. Zero weights on the missing-value indicators: the same as
    the judge's view at fit, without a copy of the rows.
    """
    from scipy.special import expit, softmax

    coef = np.array(judge["coef"], dtype=np.float32)
    coef[:, missing_indicators] = 0.0
    # OpenBLAS's float32 kernels can set a spurious invalid-value flag on finite inputs
    # (numpy#24067, numpy#13173), which numpy then reports as a RuntimeWarning from
    # this line on some runs and not others (seen once in CI). The inputs are the
    # generator's finite outputs, so the flag is ignored here; values are unchanged.
    with np.errstate(invalid="ignore"):
        logits = np.asarray(encoded, dtype=np.float32) @ coef.T + judge["intercept"]
    if logits.shape[1] == 1:  # binary: the probability of the second class
        p = expit(logits[:, 0])
        return np.stack([1.0 - p, p], axis=1)
    return softmax(logits, axis=1)


def label_checked(labels, rng, candidates, judge, missing_indicators, width):
    """Label-checked rows in GAN space for the class indices ``labels``.

    ``candidates(labels, rng)`` returns ``(rows in GAN space, donors)``. Of the rows for
    class ``k``, ``judge["agreement"][k]`` (stochastically rounded) are taken from
    candidates the judge puts in ``k`` and the rest from candidates it puts elsewhere.
    Candidates are drawn in up to ``1 + LABEL_REDRAWS`` rounds, the first of as many
    rows as are wanted, each later one sized to what the short kind still needs at the
    rate seen so far (at most as many); a share that cannot be filled is filled with
    the other kind.

    Returns
    -------
    kept : ndarray of shape (len(labels), width)
    donors : ndarray of int
        Per row, the donor of its shared columns (see ``candidates``).
    agreement : float
        The share of all candidates drawn that the judge put in their class.
    """
    agreement = judge.get("agreement")
    kept = np.zeros((len(labels), width), dtype=np.float32)
    kept_donors = np.zeros(len(labels), dtype=np.int64)
    drawn = agreed = 0
    for k in np.unique(labels):
        rows = np.flatnonzero(labels == k)
        n = len(rows)
        share = 1.0 if agreement is None else float(agreement[k])
        n_agree = min(n, int(np.floor(n * share + rng.random_sample())))
        agree, other = [], []
        size, n_yes, n_no = n, 0, 0
        for _ in range(1 + LABEL_REDRAWS):
            encoded, donors = candidates(np.full(size, k), rng)
            ok = judge_probabilities(judge, encoded, missing_indicators).argmax(axis=1) == k
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
    return kept, kept_donors, agreed / drawn
