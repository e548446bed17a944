"""
================================================
One label per time step: who is speaking when
================================================

``return_sequences=True`` gives one output per time step. Here the steps
are real speech: the Japanese Vowels utterances of nine speakers
(:func:`~sklearn_rnn.datasets.load_japanese_vowels`, 12 LPC coefficients
per frame) strung together into "conversations" of 3 to 6 turns, every
frame labelled with its speaker. The task is to tag each frame with who is
speaking: per-step classification on ragged sequences, as in speaker
diarization. Training conversations are made of training utterances only,
test conversations of test utterances only (the published split), so no
utterance is seen in both.

The honest baseline is what a scikit-learn user would try first: a
:class:`~sklearn.ensemble.HistGradientBoostingClassifier` on each frame
together with its neighbours (two frames before and after) as features.
"""

# %%
# The data
# --------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

data = load_japanese_vowels()
rng = np.random.default_rng(0)


def conversations(utterances, speakers, n):
    """``n`` conversations of 3 to 6 turns, and each frame's speaker."""
    X, y = [], []
    for _ in range(n):
        turns = rng.choice(len(utterances), size=rng.integers(3, 7), replace=False)
        X.append(np.concatenate([utterances[i] for i in turns]))
        y.append(
            np.concatenate([np.full(len(utterances[i]), speakers[i]) for i in turns])
        )
    return X, y


X_train, y_train = conversations(data.X_train, data.y_train, 300)
X_test, y_test = conversations(data.X_test, data.y_test, 200)
frames = sum(len(x) for x in X_train)
print(f"{len(X_train)} training conversations ({frames} frames), {len(X_test)} test")

# %%
# Tag every frame
# ---------------
# y is a list with one array of speaker labels per conversation, the same
# length as the conversation. A bidirectional GRU reads each whole
# conversation (the recording is complete, so the future may be used); a
# unidirectional one is causal and tags each frame from the frames up to
# it only, as a live system must.
taggers = {
    "RNN, bidirectional": RNNClassifier(
        return_sequences=True, bidirectional=True, random_state=0
    ),
    "RNN, causal": RNNClassifier(return_sequences=True, random_state=0),
}
scores = {}
for name, tagger in taggers.items():
    model = make_pipeline(SequenceScaler(), tagger).fit(X_train, y_train)
    scores[name] = model.score(X_test, y_test)  # accuracy over all frames
    taggers[name] = model


# %%
# The baseline: each frame with its neighbours
# --------------------------------------------
def with_neighbours(X, width=2):
    """Each frame's features beside those of ``width`` frames on each side."""
    rows = []
    for x in X:
        padded = np.pad(x, ((width, width), (0, 0)), mode="edge")
        shifted = [padded[i : i + len(x)] for i in range(2 * width + 1)]
        rows.append(np.concatenate(shifted, axis=1))
    return np.concatenate(rows)


hgb = HistGradientBoostingClassifier(random_state=0)
hgb.fit(with_neighbours(X_train), np.concatenate(y_train))
scores["gradient boosting, +-2 frames"] = accuracy_score(
    np.concatenate(y_test), hgb.predict(with_neighbours(X_test))
)
for name, score in scores.items():
    print(f"{name:>30}: frame accuracy {score:.3f}")

# %%
# Compare the accuracies printed above. A turn lasts 7 to 29 frames, and a
# network's state carries the evidence of the frames before each one (and,
# bidirectionally, after it), where the baseline sees five frames. The
# causal network, which never looks ahead, does about as well as the
# baseline, which looks two frames ahead; the bidirectional one, reading
# the whole conversation, makes clearly fewer errors than both. Below, one
# test conversation: the true speaker of each frame and the bidirectional
# model's tags.
conversation = 0
tags = taggers["RNN, bidirectional"].predict(X_test[: conversation + 1])[conversation]
fig, ax = plt.subplots(figsize=(9, 3))
ax.step(np.arange(len(tags)), y_test[conversation], where="mid", label="speaker")
ax.plot(np.arange(len(tags)), tags, "o", markersize=3, label="tagged")
ax.set(xlabel="frame", ylabel="speaker", yticks=range(1, 10))
ax.set_title("Who is speaking, frame by frame (a test conversation)")
ax.legend(loc="upper right")
fig.tight_layout()
plt.show()
