"""ganaug.tabular.label_check: the label judge and the checked draw."""

import pandas as pd

from ganaug import GANAugmenter
from ganaug.tabular.label_check import judge_probabilities

from .conftest import _table  # noqa: E402


def test_filter_labels_keeps_rows_the_judge_puts_in_their_class(tiny):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.8], class_sep=1.5, random_state=0)
    X = pd.DataFrame(X, columns=list("abcd"))
    # recombine=0: every row generated, so every row goes through the check
    aug = GANAugmenter(**tiny, recombine=0.0, random_state=0).fit(X, y)
    assert aug.label_judge_["coef"].shape == (1, 4)

    def agreement(frame, label):
        p = judge_probabilities(aug.label_judge_, aug.encoder_.transform(frame), aug.encoder_.missing_indicators())
        return (p.argmax(axis=1) == label).mean()

    aug.set_params(filter_labels=False)
    unchecked, _ = aug.sample(y={1: 300}, random_state=1)
    aug.set_params(filter_labels=True)
    checked, _ = aug.sample(y={1: 300}, random_state=1)
    # The judge puts this share of the real class-1 rows in class 1; the checked rows
    # keep that share, where a 2-epoch GAN's unchecked rows are far from it.
    real = aug.label_judge_["agreement"][1]
    assert 0.5 < real < 1.0
    assert abs(agreement(checked, 1) - real) < 0.05
    assert abs(agreement(unchecked, 1) - real) > abs(agreement(checked, 1) - real) + 0.04
    assert 0 < aug.label_agreement_ <= 1


def test_no_label_judge_when_switched_off(tiny):
    frame, y = _table()
    aug = GANAugmenter(**tiny, filter_labels=False, random_state=0).fit(frame.drop(columns="name"), y)
    assert aug.label_judge_ is None
