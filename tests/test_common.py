"""scikit-learn's estimator checks on every public estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn.inspection import HiddenStateTransformer

#: The only expected failure, with its reason. Whether it
#: fails for a given estimator and seed is a matter of rounding luck, so it is
#: listed for both (a pass is reported as XPASS, not as an error).
_SAMPLE_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Integer weights equal to repeated rows cannot hold exactly under "
        "shuffled mini-batches; scikit-learn's MLP passes it only with lbfgs."
    ),
}
EXPECTED_FAILED_CHECKS = {
    RNNClassifier: _SAMPLE_WEIGHT_EQUIVALENCE,
    RNNRegressor: _SAMPLE_WEIGHT_EQUIVALENCE,
    HiddenStateTransformer: _SAMPLE_WEIGHT_EQUIVALENCE,
}

ESTIMATORS = [
    RNNClassifier(hidden_size=8, max_iter=30, random_state=0),
    RNNRegressor(hidden_size=8, max_iter=100, random_state=0),
    SequenceScaler(),
    HiddenStateTransformer(RNNClassifier(hidden_size=4, max_iter=5, random_state=0)),
]


# scikit-learn's checks fit the instances above for a few epochs on purpose
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est), {}),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
