"""Estimator conformance: imbalanced-learn's and scikit-learn's own checks."""

from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from ganaug import GANAugmenter

from .conftest import TINY

ESTIMATOR = GANAugmenter(**TINY, random_state=0)

_ONE_ROW_CLASS = (
    "the check's data has a class with a single row; GANAugmenter refuses such a class "
    "with a clear error by design (a GAN cannot learn a distribution from one row). "
    "test_augmenter.py checks the same properties on valid data."
)
SKLEARN_EXPECTED_FAILURES = {
    "check_dont_overwrite_parameters": _ONE_ROW_CLASS,
    "check_f_contiguous_array_estimator": _ONE_ROW_CLASS,
    "check_methods_sample_order_invariance": _ONE_ROW_CLASS,
    "check_methods_subset_invariance": _ONE_ROW_CLASS,
    "check_dict_unchanged": _ONE_ROW_CLASS,
    "check_fit2d_predict1d": _ONE_ROW_CLASS,
}
IMBLEARN_EXPECTED_FAILURES = {}


@imblearn_checks([ESTIMATOR], expected_failed_checks=lambda est: IMBLEARN_EXPECTED_FAILURES)
def test_imblearn_checks(estimator, check):
    check(estimator)


@sklearn_checks([ESTIMATOR], expected_failed_checks=lambda est: SKLEARN_EXPECTED_FAILURES)
def test_sklearn_checks(estimator, check):
    check(estimator)
