"""Look inside a fitted RNN: training history, hidden states, attributions.

The Displays need matplotlib and :func:`attribute` needs captum; both are
optional (``pip install sklearn-rnn[inspection]``) and imported only when
used, so this module imports without them.
"""

from ._attribution import attribute
from ._hidden import hidden_states
from ._transformer import HiddenStateTransformer

__all__ = ["HiddenStateTransformer", "attribute", "hidden_states"]
