"""Reader for the ``.ts`` files of the UCR/UEA archives (as shipped by aeon)."""

from pathlib import Path

import numpy as np


def read_ts(path):
    """Return ``(series, labels)``: a list of ``(T_i, n_dims)`` float arrays
    and the raw label strings (class names, or regression targets)."""
    series, labels, in_data = [], [], False
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dims, label = line.split(":")
        arr = np.array([[float(v) for v in d.split(",")] for d in dims]).T
        series.append(arr)
        labels.append(label)
    return series, np.array(labels)
