"""The fast data path computes what the plain PyTorch path computes."""

import numpy as np
import pytest
import torch
from sklearn.utils import check_random_state
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from sklearn_rnn import RNNClassifier
from sklearn_rnn._batching import BatchIterator, LengthBucketSampler, SequenceDataset
from sklearn_rnn._bidirectional import padded_bidirectional
from sklearn_rnn._module import RecurrentNetwork
from sklearn_rnn._sequences import as_sequences

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def ragged(n=50, low=2, high=40, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(t, 3)).astype(np.float32) for t in rng.integers(low, high, n)]
    y = np.array([int(x[:, 0].sum() > 0) for x in X])
    return X, y


@pytest.mark.parametrize("equal", [True, False])
@pytest.mark.parametrize("batch_size", [1, 7, 16, 64])
def test_every_sample_seen_once_per_epoch(equal, batch_size):
    X, _ = ragged(n=53)
    if equal:
        X = [x[:2] for x in X]
    dataset = SequenceDataset(as_sequences(X))
    iterator = BatchIterator(dataset, batch_size, shuffle=True)
    torch.manual_seed(0)
    epochs = [list(iterator._batches()) for _ in range(3)]
    for batches in epochs:
        assert len(batches) == len(iterator) == -(-53 // batch_size)
        assert all(len(b) <= batch_size for b in batches)
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(53))
    # shuffled: epochs differ
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))


def test_unshuffled_iteration_keeps_order_and_rng():
    X, _ = ragged(n=20)
    dataset = SequenceDataset(as_sequences(X))
    state = torch.random.get_rng_state()
    batches = list(BatchIterator(dataset, 6)._batches())
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(isinstance(b, slice) for b in batches)  # views, not gathers
    positions = np.concatenate([np.arange(20)[b] for b in batches])
    np.testing.assert_array_equal(positions, np.arange(20))


def test_consecutive_equal_length_batches_are_views_of_the_data():
    X = np.random.default_rng(0).normal(size=(20, 5, 3)).astype(np.float32)
    dataset = SequenceDataset(as_sequences(X))
    batches = BatchIterator(dataset, 6)
    for start, (batch, _) in zip(range(0, 20, 6), batches, strict=True):
        np.testing.assert_array_equal(batch["X"].numpy(), X[start : start + 6])
        assert batch["X"].untyped_storage().data_ptr() == (
            dataset._data.values.untyped_storage().data_ptr()
        )
    # a subset's batches are gathered: the rows it holds, in its order
    subset = dataset.subset(np.array([3, 1, 4]))
    batch, _ = next(iter(BatchIterator(subset, 6)))
    np.testing.assert_array_equal(batch["X"].numpy(), X[[3, 1, 4]])


def test_length_buckets_pad_less_than_random_batches():
    rng = np.random.default_rng(0)
    lengths = np.exp(rng.uniform(np.log(8), np.log(400), 2000)).astype(int)
    torch.manual_seed(0)
    buckets = list(LengthBucketSampler(lengths, 64))
    random = np.array_split(rng.permutation(2000), len(buckets))
    padded_buckets = sum(len(b) * lengths[b].max() for b in buckets)
    padded_random = sum(len(b) * lengths[b].max() for b in random)
    assert padded_buckets < 0.5 * padded_random
    np.testing.assert_array_equal(np.sort(np.concatenate(buckets)), np.arange(2000))


def test_batch_norm_draws_batches_at_random_not_by_length():
    # sorted lengths: a length-bucketed batch holds neighbours in length
    X, y = ragged(n=120, low=2, high=200)
    X = sorted(X, key=len)
    dataset = SequenceDataset(as_sequences(X))
    lengths = dataset.sequences.lengths
    spreads = {}
    for buckets in (True, False):
        iterator = BatchIterator(dataset, 12, shuffle=True, length_buckets=buckets)
        torch.manual_seed(0)
        batches = list(iterator._batches())
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(120))
        spreads[buckets] = np.median([np.ptp(lengths[b]) for b in batches])
    assert spreads[False] > 5 * spreads[True]
    params = {"hidden_size": 4, "max_iter": 1, "patch_size": 3, "conv_layers": 1}
    for batch_norm in (False, True):
        clf = RNNClassifier(**params, batch_norm=batch_norm).fit(X, y)
        buckets = clf.net_.get_params()["iterator_train__length_buckets"]
        assert buckets is not batch_norm


def _packed_batch(cell, num_layers, bidirectional=False):
    """A small network, a padded ragged batch of 12, its lengths and the
    batch packed."""
    torch.manual_seed(0)
    module = RecurrentNetwork(
        3,
        2,
        cell=cell,
        hidden_size=8,
        num_layers=num_layers,
        bidirectional=bidirectional,
    )
    X, _ = ragged(n=12)
    batch, _ = SequenceDataset(as_sequences(X))[np.arange(12)]
    padded, lengths = batch["X"], batch["lengths"]
    packed = pack_padded_sequence(
        padded, lengths, batch_first=True, enforce_sorted=False
    )
    return module, padded, lengths, packed


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_padded_gather_equals_packing(cell, num_layers):
    """On the CPU a unidirectional RNN reads padded batches; packing agrees."""
    module, padded, lengths, packed = _packed_batch(cell, num_layers)
    _, hidden = module.rnn(packed)
    hidden = hidden[0] if isinstance(hidden, tuple) else hidden
    with torch.no_grad():
        torch.testing.assert_close(module.encode(padded, lengths), hidden[-1])


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_padded_bidirectional_equals_packing(cell, num_layers):
    """On the CPU the backward direction reads each sequence reversed within
    its length instead of packing: same states, same gradients."""
    module, padded, lengths, packed = _packed_batch(cell, num_layers, True)
    steps, hidden = module.rnn(packed)
    steps, _ = pad_packed_sequence(steps, batch_first=True)
    hidden = hidden[0] if isinstance(hidden, tuple) else hidden
    last = hidden[-2:].transpose(0, 1).reshape(12, -1)
    expected = torch.autograd.grad(last.sum() + steps.sum(), module.rnn.parameters())
    ours_steps, ours_last = padded_bidirectional(module.rnn, padded, lengths)
    valid = torch.arange(padded.shape[1]) < lengths[:, None]
    ours = ours_last.sum() + ours_steps[valid].sum()
    torch.testing.assert_close(ours_last, last)
    torch.testing.assert_close(ours_steps[valid], steps[valid])
    for got, want in zip(
        torch.autograd.grad(ours, module.rnn.parameters()), expected, strict=True
    ):
        torch.testing.assert_close(got, want)


def test_batch_pads_only_to_its_longest():
    X, _ = ragged(n=30)
    seqs = as_sequences(X)
    idx = np.array([3, 17, 5])
    batch, _ = SequenceDataset(seqs)[idx]
    padded = batch["X"].numpy()
    assert padded.shape == (3, max(len(X[i]) for i in idx), 3)
    for row, i in enumerate(idx):
        np.testing.assert_array_equal(padded[row, : len(X[i])], X[i])
        assert not padded[row, len(X[i]) :].any()


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_fit_matches_a_plain_pytorch_loop(solver):
    """Same seed, same batches: the package's fit is a plain Adam/SGD loop."""
    X, y = ragged(n=40, low=5, high=6)  # equal lengths: plain random batches
    params = dict(
        hidden_size=6,
        pooling="last",
        conv_layers=0,  # the plain module below has no front end
        bidirectional=False,  # and reads forwards only
        batch_size=8,
        max_iter=3,
        solver=solver,
        learning_rate_init=0.01,
        clip_grad_norm=None,
        tol=0.0,
        n_iter_no_change=100,
        random_state=3,
        device="cpu",
    )
    est = RNNClassifier(**params).fit(X, y)

    seed = int(check_random_state(3).randint(np.iinfo(np.int32).max))
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        module = RecurrentNetwork(3, 2, cell="gru", hidden_size=6)
        if solver == "adam":
            opt = torch.optim.Adam(module.parameters(), lr=0.01, weight_decay=1e-4)
        else:
            opt = torch.optim.SGD(
                module.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4
            )
        data = torch.from_numpy(np.stack(X))
        target = torch.from_numpy(y)
        lengths = torch.full((40,), 5)
        for _ in range(3):
            for idx in torch.randperm(40).split(8):
                opt.zero_grad()
                out = module(data[idx], lengths[idx])
                torch.nn.functional.cross_entropy(out, target[idx]).backward()
                opt.step()
    with torch.no_grad():
        expected = torch.softmax(module(data, lengths), dim=1).numpy()
    np.testing.assert_allclose(est.predict_proba(X), expected, atol=1e-5)


def test_prediction_copy_follows_the_weights():
    """predict reuses its batch-invariant copy of the network only while the
    network's weights are unchanged."""
    import warnings

    from sklearn_rnn import RNNClassifier
    from sklearn_rnn._module import batch_invariant

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 6, 2)).astype(np.float32)
    y = np.arange(30) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = RNNClassifier(hidden_size=5, max_iter=2, random_state=0).fit(X, y)
    module = est.net_.module_
    assert batch_invariant(module) is batch_invariant(module)
    before = est.predict_proba(X)
    with torch.no_grad():
        module.head.bias += 1.0  # an in-place change, as an optimizer makes
    after = est.predict_proba(X)
    assert not np.array_equal(before, after)
    module.eval()
    with torch.no_grad():
        logits = module(torch.from_numpy(X), torch.full((30,), 6))
    np.testing.assert_allclose(after, logits.double().softmax(1).numpy(), atol=1e-6)
    est.partial_fit(X, y)
    assert not np.array_equal(est.predict_proba(X), after)
