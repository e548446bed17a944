"""AttributionDisplay: one sequence's attributions as a time x feature map."""

import numpy as np
import pandas as pd

from .._validation import step_feature_names
from ._attribution import METHODS, explain
from ._common import fitted_rnn
from ._optional import require


class AttributionDisplay:
    """Attributions of one sequence as a time step x feature heatmap.

    Each cell is the attribution of one feature at one time step (see
    :func:`attribute`): red pushed the explained output up, blue pushed it
    down, on a colour scale symmetric around zero.

    Create it with :meth:`from_estimator`, or from attributions you already
    have. All parameters are stored as attributes.

    Parameters
    ----------
    attributions : array-like of shape (n_timesteps, n_features) or (n_timesteps,)
        Attributions of one sequence.
    feature_names : list of str, default=None
        Names of the features, shown on the feature axis.
    target : object, default=None
        The explained class label or output index, shown in the title.
    method : str, default=None
        The attribution method, shown in the title.
    estimator_name : str, default=None
        Name of the estimator, shown in the title.

    Attributes
    ----------
    im_ : matplotlib AxesImage
        The heatmap.
    colorbar_ : matplotlib Colorbar or None
        The colour scale.
    ax_ : matplotlib Axes
        The axes of the heatmap.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    attribute : Attributions of many sequences.
    HistoryDisplay : How training went.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> from sklearn_rnn.inspection import AttributionDisplay
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 8, 2))
    >>> y = (X[:, 2:4, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=4, max_iter=3, random_state=0).fit(X, y)
    >>> display = AttributionDisplay.from_estimator(clf, X[0])
    >>> display.im_.get_array().shape  # features x time steps
    (2, 8)
    >>> display.ax_.get_xlabel(), display.ax_.get_ylabel()
    ('time step', 'feature')
    """

    def __init__(
        self,
        attributions,
        *,
        feature_names=None,
        target=None,
        method=None,
        estimator_name=None,
    ):
        self.attributions = attributions
        self.feature_names = feature_names
        self.target = target
        self.method = method
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, cmap="RdBu_r", colorbar=True):
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colormap: the scale is symmetric around zero.
        colorbar : bool, default=True
            Add a colour scale.

        Returns
        -------
        display : AttributionDisplay
            The display, with the drawn artists as attributes.
        """
        plt = require("matplotlib.pyplot", "AttributionDisplay")
        ticker = require("matplotlib.ticker", "AttributionDisplay")
        values = np.asarray(self.attributions, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(
                "attributions must be of one sequence, shape (n_timesteps, "
                f"n_features) or (n_timesteps,); got shape {values.shape}."
            )
        if ax is None:
            _, ax = plt.subplots()
        bound = float(np.abs(values).max()) or 1.0
        self.im_ = ax.imshow(
            values.T,
            aspect="auto",
            cmap=cmap,
            vmin=-bound,
            vmax=bound,
            interpolation="nearest",
        )
        ax.set_xlabel("time step")
        ax.set_ylabel("feature")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        n_features = values.shape[1]
        if self.feature_names is not None:
            if len(self.feature_names) != n_features:
                raise ValueError(
                    f"{len(self.feature_names)} feature names for "
                    f"{n_features} features."
                )
            ax.set_yticks(np.arange(n_features), labels=self.feature_names)
        elif n_features <= 20:
            ax.set_yticks(np.arange(n_features))
        self.colorbar_ = None
        if colorbar:
            self.colorbar_ = ax.figure.colorbar(self.im_, ax=ax, label="attribution")
        ax.set_title(self._title())
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _title(self):
        method = METHODS.get(self.method, self.method)
        title = f"{method.capitalize()} attributions" if method else "Attributions"
        if self.target is not None:
            title += f" (target {self.target})"
        if self.estimator_name is not None:
            title = f"{self.estimator_name}: {title}"
        return title

    @classmethod
    def from_estimator(
        cls,
        estimator,
        x,
        *,
        method="integrated_gradients",
        target=None,
        n_steps=50,
        window=1,
        ax=None,
        cmap="RdBu_r",
        colorbar=True,
    ):
        """Compute and draw the attributions of one sequence.

        Parameters
        ----------
        estimator : RNNClassifier, RNNRegressor or Pipeline
            A fitted RNN estimator, or a fitted pipeline whose final step is
            one (the attributions are then of the scaled input, see
            :func:`attribute`).
        x : array-like of shape (n_timesteps, n_features) or (n_timesteps,), \
or DataFrame
            One sequence: an array with one row per time step, or a
            DataFrame with one row per time step and one column per feature
            (its columns name the features), or a (sample, time) MultiIndex
            DataFrame holding one sample. To draw the i-th sequence of X,
            pass ``X[i]``.
        method : {"integrated_gradients", "occlusion"}, \
default="integrated_gradients"
            The attribution method.
        target : class label, int or None, default=None
            What to explain: a class label (None: the predicted class), or
            a regressor's output index; see :func:`attribute`.
        n_steps : int, default=50
            Integration steps of integrated gradients.
        window : int, default=1
            Time steps occluded at once by occlusion.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colormap.
        colorbar : bool, default=True
            Add a colour scale.

        Returns
        -------
        display : AttributionDisplay
            The display, drawn.
        """
        require("matplotlib", "AttributionDisplay")
        rnn, _ = fitted_rnn(estimator, "AttributionDisplay")
        X, names = _as_one_sequence(x)
        if names is None:
            names = step_feature_names(rnn)
        attributions, targets = explain(estimator, X, method, target, n_steps, window)
        display = cls(
            attributions[0],
            feature_names=None if names is None else [str(n) for n in names],
            target=targets[0],
            method=method,
            estimator_name=type(rnn).__name__,
        )
        return display.plot(ax=ax, cmap=cmap, colorbar=colorbar)


def _as_one_sequence(x):
    """X holding the single sequence x, and x's feature names (or None)."""
    if isinstance(x, pd.DataFrame):
        if isinstance(x.index, pd.MultiIndex):
            n_samples = x.index.get_level_values(0).nunique()
            if n_samples != 1:
                raise ValueError(
                    f"x must be one sequence; this MultiIndex frame holds "
                    f"{n_samples} samples. Select one with X.loc[[sample]]."
                )
            return x, list(x.columns)
        index = pd.MultiIndex.from_product(
            [[0], range(len(x))], names=["sample", "time"]
        )
        return x.set_axis(index), list(x.columns)
    values = np.asarray(x)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(
            "x must be one sequence, of shape (n_timesteps, n_features) or "
            f"(n_timesteps,); got shape {values.shape}. To draw the i-th "
            "sequence of X, pass X[i]."
        )
    return [values], None
