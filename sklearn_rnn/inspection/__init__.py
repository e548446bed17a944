"""Look inside a fitted RNN: training history, hidden states, attributions.

The Displays need matplotlib and :func:`attribute` needs captum; both are
optional (``pip install sklearn-rnn[inspection]``) and imported only when
used, so this module imports without them.
"""

from ._attribution import attribute
from ._attribution_display import AttributionDisplay
from ._hidden import hidden_states
from ._history_display import HistoryDisplay
from ._transformer import HiddenStateTransformer

__all__ = [
    "AttributionDisplay",
    "HiddenStateTransformer",
    "HistoryDisplay",
    "attribute",
    "hidden_states",
]
