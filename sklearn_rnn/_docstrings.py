"""Docstring sections shared by RNNClassifier and RNNRegressor.

What warm start cannot change is listed from ``_module.ARCHITECTURE``, the
registry the check itself reads, so the two cannot drift apart.
"""

import textwrap

from ._module import ARCHITECTURE

#: The architecture parameters, as the docstrings list them.
_FIXED = textwrap.fill(
    ", ".join(f"``{name}``" for name in ARCHITECTURE) + ".",
    width=78,
    initial_indent=" " * 8,
    subsequent_indent=" " * 8,
)

PARAMETERS = """\
    cell : {{"gru", "lstm", "rnn"}}, default="gru"
        Recurrent cell. ``"rnn"`` is the Elman network
        ``h_t = tanh(W_hh h_{{t-1}} + W_xh x_t + b)``, whose gradients vanish
        over long sequences; ``"lstm"`` and ``"gru"`` add gates that keep
        them alive. On the CPU torch runs an LSTM layer as one oneDNN
        kernel and a GRU layer step by step, so an LSTM layer trains in
        about half a GRU layer's time (``python benchmarks/cell_speed.py``),
        with a third more weights.
{cell_reason}    hidden_size : int, default=64
        Units per recurrent layer (per direction). Choose it by
        cross-validation, e.g. ``GridSearchCV(est, {{"hidden_size": [16, 64]}})``.
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool or "auto", default={bidirectional}
        Also read each sequence backwards; the head then sees the last state
        of both directions (or pools both directions' states). ``"auto"``
        reads both ways for one output per sequence and forwards only with
        ``return_sequences=True``, so that a per-step output depends on the
        steps up to it only (the fitted value is ``bidirectional_``).
{bidirectional_reason}    dropout : float, default=0.0
        Dropout between stacked layers and before the output head.
    pooling : {{"last", "mean", "max", "auto"}}, default={pooling}
        How the head reads a sequence: the state of the top layer after the
        last valid step (of both directions when bidirectional), or the mean
        or maximum of its states over the valid steps. Padding is excluded
        from every pooling.
{pooling_reason}    patch_size : int or "auto", default="auto"
        Consecutive time steps the RNN reads as one input vector (of
        ``patch_size * n_features`` values); the last patch of a sequence is
        completed with zeros. Reading a long sequence in patches shortens
        backpropagation through time by the same factor, so gradients
        survive over long sequences and each epoch is that much cheaper.
        ``"auto"`` reads sequences whose median training length is under 64
        steps step by step (so attributions stay per step), and longer ones
        in patches of half the square root of the median length: 4 steps
        for 64, 8 for 251, 19 for 1460, so the RNN runs about four times as
        many steps as each patch holds. The fitted value is
        ``patch_size_``. Against ``patch_size=1`` (``bash
        benchmarks/why_defaults.sh``; without the front end), test
        accuracy on ArrowHead (251 steps) rises from 0.539 to 0.697 and a
        GunPoint fit (150 steps) takes 2.5 s instead of 14.7 s, at 0.978
        against 0.960. Patches about twice as long (the square root of the
        median length) read eight of the classifier's ten sets read in
        patches worse (ArrowHead 0.741 against 0.785, PLAID 0.809 against
        0.864) and two level; about two thirds as long, three of seven
        worse, one better (BasicMotions 1.000 against 0.992) and three
        level.
    conv_layers : int or "auto", default={conv_layers}
        Causal convolution layers in front of the RNN, each with
        ``hidden_size`` channels and a ReLU. The first reads each patch of
        ``patch_size_`` steps together with the steps before it (a window
        of ``max(2 * patch_size_, 8)`` steps, so neighbouring patches
        overlap), the others three patches at a time; the RNN then reads
        one vector per patch. A step's vector depends on that step and the
        ones before it only, so padding never reaches a result and per-step
        outputs stay causal. 0 reads each patch as one linear input.
        ``"auto"``: 2 when the RNN reads patches (``patch_size_ > 1``), 0
        when it reads step by step, so that short sequences, tokens and
        per-step outputs keep one RNN input per step (a window of 8 steps
        blurs which step a token or code was at). Attributions of a model
        with a front end spread over each window; ``conv_layers=0`` gives
        them step by step. The fitted value is ``conv_layers_``.
{conv_layers_reason}    batch_norm : bool or "auto", default="auto"
        Make the convolution front end (``conv_layers_ > 0``) read every
        step and normalise it over the batch, as the convolution blocks of
        FCN and LSTM-FCN do: its first layer then reads a window of 8 steps
        ending at each step (not one window a patch), a patch's vector is
        the maximum of its steps' vectors, and each layer's output is
        standardised by the mean and variance of the training batch's valid
        steps before its ReLU (at prediction time by their running
        averages, a fixed linear map: a prediction still does not depend on
        the batch). Its training batches are then drawn at random, not
        grouped by length as ragged sequences otherwise are, so that their
        statistics are those of the data; ragged fits pad more. Not used
        without a front end. ``"auto"``: on for a classifier's front end
        when it is trained on 100 or more sequences of one length, 5 or
        more per class on average; off otherwise, and for a regressor.
        The fitted value is ``batch_norm_``.
{batch_norm_reason}    differences : int or "auto", default={differences}
        Orders of differences of each numeric step feature that the RNN
        reads beside the feature: with 1, step t also reads
        ``x_t - x_{{t-1}}``, divided by the root mean square of those
        differences in the training data, so that a small change between
        neighbouring steps (a slope, a bend of a spectrum) gets an input as
        large as the levels; with 2 also the differences of those, and so
        on. They are zero at a sequence's first steps and at padded steps
        and read only the steps up to t, so padding never reaches a result
        and per-step outputs stay causal. ``"auto"``: 1 for one output per
        sequence, 0 with ``return_sequences=True``. Categorical features
        are not differenced. The fitted value is ``differences_``.
{differences_reason}    standardize_sequences : bool or "auto", default={standardize}
        Centre and scale each sequence's numeric features by the sequence's
        own mean and standard deviation over its valid steps, and read
        those two beside them (the mean, and the log of the standard
        deviation relative to the training sequences' typical one, the
        same at every step): the sequence's shape then reaches the RNN at
        the same size whether its values are thousands or thousandths, and
        its level and scale are still read. A scaling shared by all
        sequences (``SequenceScaler``) leaves the small ones near zero when
        their sizes differ by orders of magnitude. It reads a whole
        sequence before its first output, so it is for one output per
        sequence only. ``"auto"``: on when the training sequences'
        standard deviations spread over more than a factor 100 (90th to
        10th percentile) for some numeric feature, and one output per
        sequence is asked for. The fitted value is
        ``standardize_sequences_``.
{standardize_reason}    time_warp : int, default=0
        Data augmentation for small training sets: with ``time_warp=k``
        each epoch reads ``k`` shuffled copies of every training sequence,
        each batch warped at random in time (each sequence played faster in
        some stretches and slower in others along a smooth, monotone map of
        its own steps onto themselves: random speeds at four points whose
        logs have a standard deviation of 0.2, keeping its length, first and
        last step). Categorical codes are taken from a step, not
        interpolated; padding is never read. Only training is warped:
        predictions and validation scores read the sequences as given. 0
        reads each sequence once an epoch, as given. For one output per
        sequence only. Off by default, for the figures below; an epoch
        costs ``k`` times as much with it, so choose it by
        cross-validation.
{time_warp_reason}    solver : {{"adam", "adamw", "sgd", "rmsprop"}}, default="adam"
        Optimizer. ``"sgd"`` uses ``momentum``.
    learning_rate : {{"constant", "adaptive"}}, default="adaptive"
        Learning-rate schedule, after MLPClassifier's, for every solver.
        ``"constant"``: ``learning_rate_init`` throughout, and the stopping
        rule ends training. ``"adaptive"``: when the stopping rule fires
        (``n_iter_no_change`` epochs without improvement by ``tol``), the
        learning rate is divided by 5 instead, at most twice: training
        stops at the third stall, or once the rate would fall below 1e-6.
        (MLP divides until then; on the sets of ``benchmarks/accuracy.py``
        the further divisions changed no test score by more than 0.001 and
        took about a tenth of the fit time: ``python
        benchmarks/stopping_rule.py``.) Small data sets give few optimizer
        steps per epoch and a noisy loss, and a constant rate stops them long
        before a good model: test accuracy with ``"constant"`` and
        ``"adaptive"`` (``bash benchmarks/why_defaults.sh``) is 0.978 both
        on GunPoint, 0.598 and 0.697 on ArrowHead (classifier with
        ``conv_layers=0`` and ``pooling="max"``).
    learning_rate_init : float, default={learning_rate_init}
{learning_rate_init_reason}    alpha : float, default=0.0001
        L2 penalty, applied as the optimizer's ``weight_decay`` (decoupled
        for ``"adamw"``).
    momentum : float, default=0.9
        Momentum of ``"sgd"``.
    batch_size : int, default=32
        Sequences per mini-batch (all of them when fewer). Small batches give
        small data sets enough optimizer steps per epoch.
    max_iter : int, default=200
        Maximum number of epochs: a cap, since training stops earlier by the
        stopping rule (see ``tol``, ``n_iter_no_change``).
    shuffle : bool, default=True
        Shuffle the sequences before each epoch.
    tol : float, default=0.0001
        Without early stopping, training stops when the training loss has not
        improved by at least ``tol`` for ``n_iter_no_change`` consecutive
        epochs, as in :class:`~sklearn.neural_network.MLPClassifier`; with
        it, when the validation score has not.
    early_stopping : bool or "refit", default={early_stopping}
        Hold out ``validation_fraction`` of the training data{stratified}
        (at least 2 sequences), stop when its score (``{score}``) stops
        improving and restore the weights of the best epoch. ``"refit"``
        then trains a new network, from the same initial weights, on all
        the data (hold-out included) for that many epochs, or fewer if the
        stopping rule ends it first, and keeps it: the hold-out chooses how
        long to train and every sequence is trained on. ``loss_curve_`` and
        ``n_iter_`` are the new network's, ``validation_scores_`` and
        ``best_validation_score_`` those of the run that chose its epochs;
        it costs that run's epochs again. A continued fit (``warm_start``)
        trains on from the fitted network in both runs.
{early_stopping_reason}    validation_fraction : float, default={validation_fraction}
        Share of the training data held out when ``early_stopping`` is on.
{validation_fraction_reason}    n_iter_no_change : int, default=10
        Epochs without improvement before training stops.
    clip_grad_norm : float or None, default=1.0
        Rescale the gradient when its global L2 norm exceeds this value,
        the standard cure for exploding gradients in backpropagation through
        time. ``None`` turns clipping off.
{extra}\
    device : str, default="auto"
        ``"auto"`` trains on CUDA when ``torch.cuda.is_available()``, else on
        the CPU; or ``"cpu"``, ``"cuda"``, ``"cuda:N"``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation
        split. An int gives the same predictions run to run on the CPU. The
        global torch RNG is left untouched.
    warm_start : bool, default=False
        When True, ``fit`` continues training the previous weights instead
        of starting afresh, with a fresh optimizer built from the current
        ``solver``, ``learning_rate_init``, ``alpha`` and ``momentum`` (as in
        MLPClassifier). The architecture cannot change:
{fixed}
        With early stopping, the weights it starts from are scored on the
        hold-out first and kept if no epoch beats them, as in MLPClassifier,
        so ``best_validation_score_`` always belongs to the weights kept.
        ``partial_fit`` always continues, keeping the optimizer's state.
    verbose : int or bool, default=False
        0 (False): silent. 1 (True): one line per epoch, as in ``epoch
        12/200 · loss 0.412 · valid 0.93 · lr 0.001 · 0.80 s`` (the
        validation score with early stopping, ``*`` at a new best; a
        learning rate lowered by the adaptive schedule says so on the first
        epoch it applies to), plain text that reads the same redirected to
        a file. 2: also a progress bar (tqdm's, in terminals and Jupyter)
        over the batches of each epoch and of a long prediction.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, e.g. ``skorch.callbacks.LRScheduler``.
    return_sequences : bool, default=False
        One output per time step instead of one per sequence: the head
        reads the top layer's state at every valid step, y holds a target
        per step (a list of ``(T_i,)`` arrays, an ``(n_samples,
        n_timesteps)`` array or a Series with X's MultiIndex) and
        ``predict`` answers in the same form. The loss and ``score`` pool
        every valid step. With ``bidirectional=False`` the output at step t
        depends on steps 0 to t only (causal: for tagging, next-step
        prediction and language models, fit on X shifted by one step); a
        bidirectional model reads the whole sequence first and is not
        causal. Read step by step (``patch_size`` must be ``"auto"`` or 1);
        ``pooling`` is not used; the early-stopping hold-out is drawn by
        sequence, not stratified.
    categorical_features : array-like of int or bool, "from_dtype" or None, \
default=None
        Step features that hold category codes (non-negative integers, e.g.
        token ids from :class:`~sklearn_rnn.preprocessing.TextSequencer`):
        step-feature indices, a boolean mask over the step features, or
        ``"from_dtype"`` for the ``category``-dtype columns of a (sample,
        time) DataFrame (read by their codes). Each enters the RNN as a
        learned embedding of ``embedding_dim`` values instead of its raw
        value. A code the first fit never saw (at or above
        ``n_categories_``, or a gap below it, such as ``TextSequencer``'s
        id 0 when every training token is in the vocabulary) is read as
        "unknown", through the mean of the known codes' embeddings (the
        average category); a negative, fractional, NaN or infinite code
        raises a ValueError.
    embedding_dim : int or "auto", default="auto"
        Size of each categorical feature's embedding. ``"auto"``:
        ``min(50, round(1.6 * n ** 0.56))`` (fastai's rule of thumb, capped)
        for ``n`` categories, at least 2: 5 for 7 categories, 19 for 80, 50
        from 1 000.
"""

PARAMETERS = PARAMETERS.replace("{fixed}", _FIXED)

ATTRIBUTES = """\
    n_features_in_ : int
        Features per time step for sequence input; for 2-D input, the number
        of columns (time steps), as scikit-learn counts them.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when X was a DataFrame with string column names.
    patch_size_ : int
        Time steps per RNN input (``patch_size``, resolved).
    conv_layers_ : int
        Convolution layers in front of the RNN (``conv_layers``, resolved).
    batch_norm_ : bool
        Whether the front end is batch-normalised (``batch_norm``,
        resolved).
    differences_ : int
        Orders of differences the RNN reads (``differences``, resolved).
    standardize_sequences_ : bool
        Whether each sequence is standardised by its own moments
        (``standardize_sequences``, resolved).
    pooling_ : str
        How the head reads each sequence (``pooling``, resolved).
    bidirectional_ : bool
        Whether the RNN reads each sequence both ways (``bidirectional``,
        resolved).
    n_outputs_ : int
        Outputs of the network's linear head.
    n_iter_ : int
        Epochs run, over all calls to ``fit`` (warm start) and
        ``partial_fit``.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss; None with early stopping.
    validation_scores_ : list of float or None
        Validation score of each epoch with early stopping, else None.
    best_validation_score_ : float or None
        With early stopping, the validation score of the weights kept (the
        best epoch's, restored), else None.
    is_categorical_ : ndarray of shape (n_step_features,), bool
        Which step features are categorical (embedded).
    n_categories_ : ndarray of shape (n_categorical_features,), int
        For each categorical feature, in feature order, its largest code in
        the first fit plus one: the codes it has an embedding for.
    net_ : skorch.NeuralNet
        The fitted skorch net; ``net_.module_`` is the PyTorch module and
        ``net_.history`` the training history.
"""
