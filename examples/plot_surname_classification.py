"""
===========================================
Which language is this surname from?
===========================================

A surname is a short sequence of characters, and its spelling gives its
language away: *-sson* is Swedish, *-ić* Croatian, *-ová* Czech, *van*
Dutch. Here a recurrent network reads each name character by character on
:func:`~sklearn_rnn.datasets.load_surnames` (5,852 surnames from ten
languages, the published split of this copy), through
:class:`~sklearn_rnn.preprocessing.TextSequencer` and a learned embedding
of each character (``categorical_features=[0]``; see :ref:`categorical`).

The honest baseline is what a scikit-learn user would try first: character
n-grams of one to three characters (TF-IDF weighted) and a logistic
regression, which sees every short piece of the name but not their order.
"""

# %%
# The data
# --------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier
from sklearn_rnn.datasets import load_surnames
from sklearn_rnn.preprocessing import TextSequencer

data = load_surnames()
X_train, X_test, y_train, y_test = (
    data.X_train,
    data.X_test,
    data.y_train,
    data.y_test,
)
print(f"{len(X_train)} training surnames, {len(X_test)} test, e.g. {X_train[:4]}")
languages, counts = np.unique(y_train, return_counts=True)
print(dict(zip(languages.tolist(), counts.tolist(), strict=True)))

# %%
# Names as sequences of character ids
# -----------------------------------
# ``TextSequencer(analyzer="char")`` gives each character of the training
# names an id from 1 (the most frequent first); a character it never saw
# becomes 0. Names are lowercased by default, so the network does not have
# to learn each letter twice.
sequencer = TextSequencer(analyzer="char").fit(X_train)
print(f"{len(sequencer.vocabulary_)} characters")
print(X_test[0], "->", sequencer.transform(X_test[:1])[0])

# %%
# The recurrent network
# ---------------------
# Each step is one character id, which the network reads through a learned
# embedding (``categorical_features=[0]``): a small dense vector per
# character, its size chosen from the number of characters
# (``embedding_dim="auto"``). A bidirectional GRU reads the name both ways,
# so the ending is as close to the head as the beginning, and the head reads
# the mean of the states (``pooling="mean"``). The settings were picked by a
# few quick trials within the example's one-minute budget; 30 epochs is that
# budget, not convergence, hence the silenced warning.
rnn_model = make_pipeline(
    TextSequencer(analyzer="char"),
    RNNClassifier(
        categorical_features=[0],
        hidden_size=128,
        bidirectional=True,
        pooling="mean",
        batch_size=64,
        max_iter=30,
        random_state=0,
    ),
)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    rnn_model.fit(X_train, y_train)
rnn_seconds = time.perf_counter() - start
rnn = rnn_model[-1]
print(f"codes 0 to {rnn.n_categories_[0] - 1} embedded, {rnn.n_iter_} epochs")

# %%
# The baseline: character n-grams
# -------------------------------
# ``analyzer="char_wb"`` takes the n-grams inside word boundaries, so the
# start and the end of a name are n-grams of their own (" va", "ić ").
baseline = make_pipeline(
    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)),
    LogisticRegression(max_iter=1000),
)
start = time.perf_counter()
baseline.fit(X_train, y_train)
baseline_seconds = time.perf_counter() - start

# %%
# Compare
# -------
models = {
    "RNN over characters": (rnn_model, rnn_seconds),
    "char n-grams + logistic regression": (baseline, baseline_seconds),
}
predictions = {}
for name, (model, seconds) in models.items():
    predictions[name] = model.predict(X_test)
    accuracy = np.mean(predictions[name] == y_test)
    print(f"{name:>34}: test accuracy {accuracy:.3f}, fit {seconds:.1f} s")
# surnames in neither split
names = ["Lindqvist", "Horvatinović", "Kaljunen", "Oosterwijk", "Dufresne", "Grünewald"]
guesses = [model.predict(names) for model, _ in models.values()]
print(f"{'':>14}  {'RNN':<10}  n-grams")
for name, rnn_guess, baseline_guess in zip(names, *guesses, strict=True):
    print(f"{name:>14}  {rnn_guess:<10}  {baseline_guess}")

# %%
# Compare the accuracies printed above: the two are close, and a linear
# model on n-grams of up to three characters is a strong baseline here,
# trained in a fraction of the time. Surnames are short (2 to 14
# characters), so a bag of their short pieces, which a linear model weighs
# one by one, already holds most of the evidence, while the network has to
# learn those pieces, and their order, from about four thousand names.
# Neither is better everywhere: below, the accuracy of each on each
# language, beside how many test names it has.
test_counts = {language: np.sum(y_test == language) for language in languages}
per_class = {
    name: [np.mean(pred[y_test == language] == language) for language in languages]
    for name, pred in predictions.items()
}
print(f"{'':>25}  RNN   n-grams")
for i, language in enumerate(languages):
    cells = "  ".join(f"{per_class[name][i]:.2f}" for name in per_class)
    print(f"{language:>9} ({test_counts[language]:>3} test names): {cells}")

fig, ax = plt.subplots(figsize=(9, 4))
width = 0.4
for k, (name, accuracies) in enumerate(per_class.items()):
    ax.bar(np.arange(len(languages)) + (k - 0.5) * width, accuracies, width, label=name)
ax.set_xticks(np.arange(len(languages)), languages, rotation=30)
ax.set(ylabel="test accuracy", ylim=(0, 1), title="Accuracy per language")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
