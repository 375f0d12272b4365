"""GANAugmenter inside imbalanced-learn pipelines, cross-validation and grid search."""

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from ganaug import GANAugmenter

from .conftest import TINY


def _data():
    return make_classification(n_samples=150, n_features=5, n_informative=3, weights=[0.85],
                               random_state=0)


def _pipeline():
    return Pipeline([
        ("scale", StandardScaler()),
        ("augment", GANAugmenter(**TINY, random_state=0)),
        ("model", LogisticRegression()),
    ])


def test_pipeline_fit_predict():
    X, y = _data()
    pipe = _pipeline().fit(X, y)
    # resampling happens at fit only: predict sees the rows it is given
    assert pipe.predict(X).shape == (150,)
    assert pipe.named_steps["augment"].sampling_strategy_ == {1: int((y == 0).sum() - (y == 1).sum())}


def test_no_transform_method():
    assert not hasattr(GANAugmenter(), "transform")


def test_cross_val_score():
    X, y = _data()
    scores = cross_val_score(_pipeline(), X, y, cv=StratifiedKFold(3), scoring="balanced_accuracy")
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))


def test_grid_search_clones_and_sets_params():
    X, y = _data()
    search = GridSearchCV(
        _pipeline(),
        {"augment__latent_dim": [4, 8], "augment__sampling_strategy": ["auto", 0.5]},
        cv=StratifiedKFold(2),
        scoring="f1_macro",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_.named_steps["augment"]
    assert best.latent_dim in (4, 8) and hasattr(best, "generator_")
    assert clone(best).get_params() == best.get_params()
