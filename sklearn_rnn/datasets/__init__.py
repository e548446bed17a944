"""Small real sequence data sets shipped with sklearn_rnn."""

from ._base import load_airline, load_japanese_vowels

__all__ = ["load_airline", "load_japanese_vowels"]
