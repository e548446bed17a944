"""Demo: choose the hidden size of a GRU by cross-validation on real data.

Japanese Vowels (shipped with the package): 270 training utterances of 7 to
26 frames x 12 features, 9 speakers, and the published test set of 370 (7
to 29 frames).
A ``GridSearchCV`` over ``hidden_size`` on ``SequenceScaler -> RNNClassifier``
prints the cross-validation table, then the test accuracy of the refitted
best model. Takes under a minute on a 2-core CPU.

Run from the repository root::

    python examples/demo.py
"""

import time

import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels


def main():
    X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)
    lengths = [len(x) for x in X_train]
    print(
        f"Japanese Vowels: {len(X_train)} training / {len(X_test)} test "
        f"sequences, {min(lengths)}-{max(lengths)} steps x "
        f"{X_train[0].shape[1]} features, {len(set(y_train))} speakers\n"
    )
    pipeline = make_pipeline(SequenceScaler(), RNNClassifier(random_state=0))
    search = GridSearchCV(
        pipeline,
        param_grid={"rnnclassifier__hidden_size": [16, 32, 64]},
        cv=3,
        n_jobs=2,
    )
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start

    table = pd.DataFrame(search.cv_results_)[
        [
            "param_rnnclassifier__hidden_size",
            "mean_test_score",
            "std_test_score",
            "mean_fit_time",
            "rank_test_score",
        ]
    ].rename(columns=lambda c: c.replace("param_rnnclassifier__", ""))
    print("3-fold cross-validation on the training set:")
    print(table.to_string(index=False, float_format="%.3f"))
    best = search.best_params_["rnnclassifier__hidden_size"]
    print(f"\nBest hidden_size: {best} (search took {elapsed:.0f} s)")
    print(f"Test accuracy of the refitted model: {search.score(X_test, y_test):.3f}")
    print("(1-NN DTW, the classic baseline, scores 0.949 on this split.)")


if __name__ == "__main__":
    main()
