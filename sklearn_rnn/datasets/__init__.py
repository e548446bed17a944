"""Small real sequence and text data sets shipped with sklearn_rnn."""

from ._base import load_airline, load_japanese_vowels
from ._text import load_alice, load_surnames

__all__ = ["load_airline", "load_alice", "load_japanese_vowels", "load_surnames"]
