"""Extract the airline passenger series from aeon's ``Airline.csv``.

Writes ``sklearn_rnn/datasets/data/airline.npz``. Run once, by hand; the
package itself never imports aeon::

    pip download --no-deps aeon==1.6.0
    unzip aeon-1.6.0-*.whl 'aeon/datasets/data/Airline/*'
    python tools/extract_airline.py aeon/datasets/data/Airline/Airline.csv
"""

import csv
import sys
from pathlib import Path

import numpy as np


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    months = np.array([row["Date"] for row in rows], dtype="datetime64[M]")
    passengers = np.array([int(row["Passengers"]) for row in rows], dtype=np.int16)
    steps = np.diff(months).astype(int)
    if not (steps == 1).all():
        raise ValueError("the months are not consecutive")
    target = Path(__file__).parents[1] / "sklearn_rnn/datasets/data/airline.npz"
    np.savez_compressed(target, months=months, passengers=passengers)
    print(target, passengers.shape, months[0], months[-1])


if __name__ == "__main__":
    main(sys.argv[1])
