"""HistoryDisplay: how training went, epoch by epoch."""

import numpy as np

from .._target import fitted_target
from ._common import fitted_rnn
from ._optional import require


class HistoryDisplay:
    """Training loss per epoch, validation score, and the best epoch.

    The training loss is drawn against the epoch; when early stopping held
    out a validation set, its score (accuracy or R^2) is drawn on a second
    y axis, and the epoch whose weights were restored is marked. Without
    early stopping the epoch of the lowest training loss is marked (the
    model keeps the weights of its last epoch), and so it is for a network
    refitted on all the data (``early_stopping="refit"``, the regressor's
    default), whose own epochs had no hold-out: its estimator's
    ``validation_scores_`` are those of the run that chose its epochs.

    Create it with :meth:`from_estimator`; the constructor is for curves
    you already have. All parameters are stored as attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss of each epoch.
    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score of each epoch (NaN where there was none), or None.
    best_epoch : int, default=None
        The epoch to mark, counted from 1; None marks none.
    score_name : str, default=None
        Label of the validation score; None gives ``"validation score"``.
    estimator_name : str, default=None
        Name of the estimator, used as the title.

    Attributes
    ----------
    loss_line_ : matplotlib Line2D
        The training loss curve.
    validation_line_ : matplotlib Line2D or None
        The validation score curve, on ``validation_ax_``.
    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at ``best_epoch``.
    ax_ : matplotlib Axes
        The axes of the loss (and of the epoch axis).
    validation_ax_ : matplotlib Axes or None
        The twin axes of the validation score.
    figure_ : matplotlib Figure
        The figure of ``ax_``.
    legend_ : matplotlib Legend
        The one legend of every curve, on ``validation_ax_`` when there is
        one (so that no curve is drawn over it), else on ``ax_``.

    See Also
    --------
    AttributionDisplay : Which time steps and features drove a prediction.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> from sklearn_rnn.inspection import HistoryDisplay
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 8, 2))
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(
    ...     hidden_size=4, max_iter=6, early_stopping=True, random_state=0
    ... ).fit(X, y)
    >>> display = HistoryDisplay.from_estimator(clf)
    >>> display.ax_.get_xlabel(), display.validation_ax_.get_ylabel()
    ('epoch', 'validation accuracy')
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_scores=None,
        best_epoch=None,
        score_name=None,
        estimator_name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.best_epoch = best_epoch
        self.score_name = score_name
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on (a twin axes is added for the validation
            score); None creates a figure.
        name : str, default=None
            Title; None uses ``estimator_name``.

        Returns
        -------
        display : HistoryDisplay
            The display, with the drawn artists as attributes.
        """
        plt = require("matplotlib.pyplot", "HistoryDisplay")
        ticker = require("matplotlib.ticker", "HistoryDisplay")
        if ax is None:
            _, ax = plt.subplots()
        loss = np.asarray(self.loss_curve, dtype=float)
        epochs = np.arange(1, len(loss) + 1)
        (self.loss_line_,) = ax.plot(epochs, loss, color="C0", label="training loss")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        ax.set_ylabel("training loss")
        handles = [self.loss_line_]

        self.validation_ax_ = self.validation_line_ = None
        if self.validation_scores is not None:
            score_name = self.score_name or "validation score"
            scores = np.asarray(self.validation_scores, dtype=float)
            self.validation_ax_ = ax.twinx()
            (self.validation_line_,) = self.validation_ax_.plot(
                epochs, scores, color="C1", marker=".", label=score_name
            )
            self.validation_ax_.set_ylabel(score_name)
            handles.append(self.validation_line_)

        self.best_epoch_line_ = None
        if self.best_epoch is not None:
            what = "restored" if self.validation_scores is not None else "lowest loss"
            self.best_epoch_line_ = ax.axvline(
                self.best_epoch,
                color="0.4",
                linestyle="--",
                label=f"best epoch ({self.best_epoch}, {what})",
            )
            handles.append(self.best_epoch_line_)

        # one legend for both axes, on the twin one when there is one: drawn
        # on top of every line rather than under the validation curve
        top = self.validation_ax_ if self.validation_ax_ is not None else ax
        self.legend_ = top.legend(handles=handles, loc="best", framealpha=0.9)
        title = name if name is not None else self.estimator_name
        if title is not None:
            ax.set_title(title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Draw the training history of a fitted RNN estimator.

        Parameters
        ----------
        estimator : RNNClassifier, RNNRegressor or Pipeline
            A fitted RNN estimator, or a fitted pipeline whose final step
            is one.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        name : str, default=None
            Title; None uses the estimator's class name.

        Returns
        -------
        display : HistoryDisplay
            The display, drawn.
        """
        require("matplotlib", "HistoryDisplay")
        rnn, _ = fitted_rnn(estimator, "HistoryDisplay")
        loss = np.asarray(rnn.loss_curve_, dtype=float)
        history = rnn.net_.history
        # epochs of earlier fits without a hold-out have no score, and a
        # network refitted on all data (early_stopping="refit") none at all:
        # the hold-out scores are those of the run that chose its epochs
        scores = np.array([row.get("valid_score", np.nan) for row in history], float)
        score_name = None
        if rnn.validation_scores_ is not None and not np.isnan(scores).all():
            # the epoch whose weights were kept (it may be of an earlier fit)
            best = history[-1].get("best_epoch", int(np.nanargmax(scores)) + 1)
            score_name = f"validation {fitted_target(rnn).score_name}"
        else:
            scores, best = None, int(np.argmin(loss)) + 1
        display = cls(
            loss_curve=loss,
            validation_scores=scores,
            best_epoch=best,
            score_name=score_name,
            estimator_name=type(rnn).__name__,
        )
        return display.plot(ax=ax, name=name)
