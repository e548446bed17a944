"""Extract JapaneseVowels from aeon's .ts files into ``japanese_vowels.npz``.

Run once, by hand; the package itself never imports aeon::

    pip download --no-deps aeon==1.6.0
    unzip aeon-1.6.0-*.whl 'aeon/datasets/data/JapaneseVowels/*'
    python tools/extract_japanese_vowels.py aeon/datasets/data/JapaneseVowels
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from ts_format import read_ts


def main(folder):
    out = {}
    for split in ("train", "test"):
        series, labels = read_ts(Path(folder) / f"JapaneseVowels_{split.upper()}.ts")
        out[f"{split}_values"] = np.concatenate(series).astype(np.float32)
        out[f"{split}_lengths"] = np.array([len(s) for s in series], dtype=np.int16)
        out[f"{split}_target"] = labels.astype(np.int8)
    target = Path(__file__).parents[1] / "sklearn_rnn/datasets/data/japanese_vowels.npz"
    np.savez_compressed(target, **out)
    print(target, {k: v.shape for k, v in out.items()})


if __name__ == "__main__":
    main(sys.argv[1])
