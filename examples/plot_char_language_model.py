"""
==============================================
A character-level language model of *Alice*
==============================================

A language model predicts the next character from the ones before it.
With ``return_sequences=True`` and ``bidirectional=False`` the output of
:class:`~sklearn_rnn.RNNClassifier` at step t depends on steps 0 to t
only, so a network fitted on pairs ``(ids[:-1], ids[1:])`` (every
character labelled with the one that follows it) is one: its
``predict_proba`` at the last step of a text is the distribution of the
next character, from which new text can be sampled.

The text is Lewis Carroll's *Alice's Adventures in Wonderland*
(:func:`~sklearn_rnn.datasets.load_alice`); the model is trained on the
first 90 % of the book and scored on the rest. The honest baselines are
counts: the most frequent next character after the same one, two or four
characters in the training text.
"""

# %%
# The data
# --------
# :class:`~sklearn_rnn.preprocessing.TextSequencer` with
# ``analyzer="char"`` gives each character an id from 1 (the most frequent
# first), keeping case, spaces and line breaks: the model has to learn
# where words and lines end, and where capitals go. The training text is
# cut into chunks of 100 characters, each labelled with the chunk shifted
# by one character.
import time
import warnings
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_rnn import RNNClassifier
from sklearn_rnn.datasets import load_alice
from sklearn_rnn.preprocessing import TextSequencer

data = load_alice()
sequencer = TextSequencer(analyzer="char", lowercase=False).fit([data.text_train])
train_ids = sequencer.transform([data.text_train])[0]
test_ids = sequencer.transform([data.text_test])[0]
print(f"{len(sequencer.vocabulary_)} characters; {len(train_ids)} to train on")
print(f"{np.sum(test_ids == 0)} characters of the test text are out of vocabulary")

chunk = 100
starts = range(0, len(train_ids) - chunk, chunk)
X_train = [train_ids[i : i + chunk] for i in starts]
y_train = [train_ids[i + 1 : i + chunk + 1] for i in starts]
print(f"{len(X_train)} chunks of {chunk} characters")

# %%
# Fit the language model
# ----------------------
# One step per character, read through a learned embedding of its id
# (``categorical_features=[0]``), a GRU of 128 units and a softmax over the
# characters at every step. Twenty epochs is the example's time budget, not
# convergence (the loss is still falling), hence the silenced warning.
model = RNNClassifier(
    return_sequences=True,
    categorical_features=[0],
    hidden_size=128,
    max_iter=20,
    random_state=0,
)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)
print(
    f"fit {time.perf_counter() - start:.0f} s, {model.n_iter_} epochs, "
    f"training loss {model.loss_curve_[0]:.2f} -> {model.loss_curve_[-1]:.2f}"
)


# %%
# Next-character accuracy on the held-out text
# --------------------------------------------
# Teacher-forced: at every position of the test text the model sees the
# true characters before it and predicts the next one. The test text is read
# in chunks of 100 predictions, each chunk read after the 100 characters
# before it, so every prediction has 100 characters of context or more
# (except at the very start); every character of the test text after the
# first is predicted once.
def rnn_next_characters(model, ids, chunk):
    """The predicted next id at positions 1 to len(ids) - 1."""
    starts = range(0, len(ids) - 1, chunk)
    windows = [ids[max(0, i - chunk) : i + chunk] for i in starts]
    outputs = model.predict(windows)
    kept = [
        out[i - max(0, i - chunk) :][:chunk]
        for i, out in zip(starts, outputs, strict=True)
    ]
    return np.concatenate(kept)[: len(ids) - 1]


def count_model(text, context):
    """The most frequent next character after each context of 0 to
    ``context`` characters in ``text``, longest context first."""
    tables = []
    for n in range(context, -1, -1):
        pairs = Counter((text[i - n : i], text[i]) for i in range(n, len(text)))
        best = {}
        for (before, after), _ in pairs.most_common():
            best.setdefault(before, after)  # most_common: the first is the best
        tables.append((n, best))
    return tables


def count_next_characters(tables, text):
    """Each position's prediction by the longest context seen in training."""
    predicted = []
    for i in range(1, len(text)):
        for n, best in tables:
            if n <= i and text[i - n : i] in best:
                predicted.append(best[text[i - n : i]])
                break
    return predicted


truth = list(data.text_test[1:])
accuracy = {}
for n, name in [(1, "bigram"), (2, "trigram"), (4, "5-gram")]:
    tables = count_model(data.text_train, context=n)
    predicted = count_next_characters(tables, data.text_test)
    accuracy[f"{name} counts"] = np.mean(np.array(predicted) == np.array(truth))
predicted_ids = rnn_next_characters(model, test_ids, chunk)
accuracy["RNN"] = np.mean(predicted_ids == test_ids[1:])
for name, value in accuracy.items():
    print(f"{name:>14}: next-character accuracy {value:.3f}")

# %%
# The network is far ahead of the bigram and trigram counts, and about level
# with counts over four characters of context (compare the accuracies
# printed above): within this budget it has learned spelling, but not yet
# much beyond a word. A larger network trained longer does better, at a
# cost in time this page does not spend.

# %%
# Generate text
# -------------
# To write, the model reads the text so far (its last ``window``
# characters: it was trained on 100), takes the probabilities of the next
# character at the last step, and samples one. The temperature sharpens
# (below 1) or flattens (above 1) those probabilities: a low one repeats the
# likeliest spellings, a high one invents more, misspellings included.
rng = np.random.default_rng(0)


def generate(prompt, n_characters, temperature, window=100):
    """``prompt`` and ``n_characters`` sampled after it, and the seconds
    per character."""
    ids = list(sequencer.transform([prompt])[0])
    start = time.perf_counter()
    for _ in range(n_characters):
        proba = model.predict_proba([np.array(ids[-window:])])[0][-1]
        logits = np.log(np.maximum(proba, 1e-12)) / temperature
        proba = np.exp(logits - logits.max())
        ids.append(model.classes_[rng.choice(len(proba), p=proba / proba.sum())])
    seconds = (time.perf_counter() - start) / n_characters
    return "".join(sequencer.inverse_transform([ids])[0]), seconds


prompt = "Alice looked at the"
for temperature in (0.5, 1.0):
    text, seconds = generate(prompt, 300, temperature)
    print(f"--- temperature {temperature} ({1000 * seconds:.1f} ms per character)")
    print(text)

# %%
# How the cost grows with the prefix
# ----------------------------------
# Each character costs one ``predict_proba`` call that re-reads the whole
# window, so its cost grows with the window; a stateful step, carrying the
# hidden state from one character to the next, would read one character
# per call. A one-character window is the cost of such a call through the
# estimator (checks, a batch of one, the head), whatever carries the state.
windows = [1, 50, 100, 200, 400]
milliseconds = []
for window in windows:
    prefix = train_ids[:window]
    model.predict_proba([prefix])  # warm up
    start = time.perf_counter()
    for _ in range(30):
        model.predict_proba([prefix])
    milliseconds.append(1000 * (time.perf_counter() - start) / 30)
per_step, fixed = np.polyfit(windows, milliseconds, 1)
for window, ms in zip(windows, milliseconds, strict=True):
    print(f"window {window:>3} characters: {ms:5.2f} ms per generated character")
print(f"about {fixed:.2f} ms per call plus {1000 * per_step:.1f} us per character read")

# %%
# The cost per character is a fixed part, the estimator's call, plus a part
# that grows linearly with the window (compare the timings printed above).
# At the training window the growing part is most of the cost, so a
# stateful step would make each character several times cheaper (compare
# the windows of 1 and 100 characters); yet generating a few hundred
# characters by re-reading already takes only seconds, as printed above. It
# would matter for long windows and long generations, and for re-reading a
# prefix that keeps growing, whose cost per character grows with the text.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.barh(list(accuracy), list(accuracy.values()), color="tab:blue")
left.set(xlabel="next-character accuracy (test text)", xlim=(0, 1))
left.set_title("Held-out accuracy")
right.plot(windows, milliseconds, "o-")
right.set(xlabel="window re-read per character", ylabel="ms per character")
right.set_title("Generation cost")
right.set_ylim(bottom=0)
fig.tight_layout()
plt.show()
