"""
=====================================================
Variable-length sequences in a MultiIndex DataFrame
=====================================================

Sequence data often arrives as a long table: one row per time step, with
the sample and the time step as the index, as a database query, a CSV
export or sktime's ``pd-multiindex`` layout gives it. The estimators take
such a DataFrame as it is. This example builds one from the Japanese Vowels
data set (utterances of 7 to 29 frames), fits a pipeline on it, and shows
that padding never changes a prediction.
"""

# %%
# A long table of utterances
# --------------------------
# Index: (utterance, frame); columns: the 12 LPC coefficients.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

data = load_japanese_vowels()


def to_frame(sequences, first_id=0):
    return pd.concat(
        {
            first_id + i: pd.DataFrame(x, columns=data.feature_names)
            for i, x in enumerate(sequences)
        },
        names=["utterance", "frame"],
    )


train = to_frame(data.X_train)
test = to_frame(data.X_test, first_id=len(data.X_train))
print(train.iloc[:4, :5])
print(f"\n{len(train)} rows for {len(data.y_train)} training utterances")

# %%
# The lengths vary: the network reads each utterance only up to its last
# frame.
lengths = train.groupby(level="utterance").size()
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(lengths, bins=np.arange(6.5, 30.5), color="C0")
ax.set(xlabel="frames per utterance", ylabel="utterances", title="Training set")
fig.tight_layout()
plt.show()

# %%
# Fit on the DataFrame
# --------------------
# ``y`` has one label per sample, in the order in which the samples first
# appear in the index. :class:`~sklearn_rnn.SequenceScaler` returns a
# DataFrame with the same index, and the classifier records the column
# names.
model = make_pipeline(SequenceScaler(), RNNClassifier(random_state=0))
model.fit(train, data.y_train)
print("feature names:", model[-1].feature_names_in_[:3], "...")
print(f"test accuracy: {model.score(test, data.y_test):.3f}")

# %%
# Padding never changes a prediction
# ----------------------------------
# Inside ``predict``, the utterances are grouped into batches and each batch
# is padded to its longest member. The result for an utterance does not
# depend on its batch: predicting each utterance alone gives the same
# probabilities.
proba_together = model.predict_proba(test)
first_ids = test.index.unique(level="utterance")[:50]
proba_alone = np.vstack([model.predict_proba(test.loc[[i]]) for i in first_ids])
difference = np.abs(proba_together[:50] - proba_alone).max()
print(f"largest difference over 50 utterances: {difference:.1e}")

# %%
# Cross-validation
# ----------------
# scikit-learn's splitters split ``X`` by rows, and the rows of this frame
# are frames, not utterances. Cross-validate on the list of utterances,
# which one ``groupby`` gives; the pipeline does not change.
X_list = [group.to_numpy() for _, group in train.groupby(level=0, sort=False)]
scores = cross_val_score(model, X_list, data.y_train, cv=3, n_jobs=2)
print(f"3-fold CV accuracy: {scores.mean():.3f} +/- {scores.std():.3f}")
