"""Recurrent neural networks (Elman RNN, LSTM, GRU) as scikit-learn estimators."""

from ._classifier import RNNClassifier
from ._conformal import MapieAdapter
from ._onnx import to_onnx
from ._persistence import load
from ._pipeline_persistence import save
from ._regressor import RNNRegressor
from .preprocessing import SequenceScaler

__version__ = "0.1.0"

__all__ = [
    "MapieAdapter",
    "RNNClassifier",
    "RNNRegressor",
    "SequenceScaler",
    "__version__",
    "load",
    "save",
    "to_onnx",
]
