"""
===========================================
Imbalanced classes with class_weight
===========================================

When some classes are rare in the training data, the loss is dominated by
the common ones and the model learns to neglect the rare. ``class_weight``
reweights the loss per class; ``"balanced"`` gives each class the same
total weight, as in scikit-learn's linear models.

We make the Japanese Vowels speaker task imbalanced on purpose: four of the
nine speakers keep only 2 of their 30 training utterances, the other five
keep all 30. The test set is the full, published one.
"""

# %%
# An imbalanced training set
# --------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)

rng = np.random.default_rng(0)
rare = [1, 2, 3, 4]
keep = np.sort(
    np.concatenate(
        [
            rng.choice(np.flatnonzero(y_train == speaker), size, replace=False)
            for speaker in range(1, 10)
            for size in [2 if speaker in rare else 30]
        ]
    )
)
X_small = [X_train[i] for i in keep]
y_small = y_train[keep]
print("training utterances per speaker:", np.bincount(y_small)[1:])

# %%
# Fit with and without class weights
# ----------------------------------
# The same pipeline twice; only ``class_weight`` differs. With
# ``"balanced"``, each utterance of a rare speaker weighs 15 times as much as
# one of a common speaker in the loss.
recalls = {}
for class_weight in (None, "balanced"):
    model = make_pipeline(
        SequenceScaler(), RNNClassifier(class_weight=class_weight, random_state=0)
    )
    model.fit(X_small, y_small)
    y_pred = model.predict(X_test)
    recalls[class_weight] = recall_score(y_test, y_pred, average=None)
    print(
        f"class_weight={class_weight!s:<9} balanced accuracy "
        f"{balanced_accuracy_score(y_test, y_pred):.3f}, accuracy "
        f"{model.score(X_test, y_test):.3f}"
    )

# %%
# Recall per speaker
# ------------------
# The share of each speaker's test utterances recognised. The weights raise
# the recall of the rare speakers and leave the common ones about where they
# were. Balanced accuracy, the mean of these recalls, is the score to watch
# on imbalanced data (``scoring="balanced_accuracy"`` in a grid search).
speakers = np.arange(1, 10)
fig, ax = plt.subplots(figsize=(8, 3.8))
for offset, (class_weight, recall) in zip((-0.2, 0.2), recalls.items(), strict=True):
    ax.bar(speakers + offset, recall, width=0.4, label=f"class_weight={class_weight}")
ax.set_xticks(speakers, [f"{s}\n(rare)" if s in rare else str(s) for s in speakers])
ax.set(xlabel="speaker", ylabel="test recall", ylim=(0, 1.05))
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# ``class_weight`` also takes a dict, ``{label: weight}``, and multiplies
# with ``sample_weight`` when both are given.
