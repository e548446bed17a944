"""Extract surnames of ten locales from Faker's person providers.

Writes ``sklearn_rnn/datasets/data/surnames.npz``. Run once, by hand, in a
throwaway environment; the package itself never imports faker::

    python -m venv /tmp/extract
    /tmp/extract/bin/pip install faker==40.63.0 numpy
    /tmp/extract/bin/python tools/extract_surnames.py

The rules (stated in ``descr/surnames.rst`` too): the ``last_names`` of each
locale's ``Provider`` (the keys where it is a weighted mapping), stripped and
NFC-normalised; single words only (letters, with an inner apostrophe or
hyphen: ``O'Neill``, ``Coret-Coredo``), capitalised but not all capitals
(which drops the numeral ``VI``); the first of each case-insensitive
duplicate within a locale; and no name that (case-insensitively) is in more
than one of the ten lists. Then a stratified split: 30 % of each class
(rounded) to the test set, drawn with ``numpy.random.default_rng(0)``; each
split is shuffled.
"""

import importlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

# locale -> label (the language of the locale)
LOCALES = {
    "cs_CZ": "Czech",
    "de_DE": "German",
    "en_GB": "English",
    "es_ES": "Spanish",
    "fi_FI": "Finnish",
    "fr_FR": "French",
    "hr_HR": "Croatian",
    "it_IT": "Italian",
    "nl_NL": "Dutch",
    "sv_SE": "Swedish",
}
TEST_FRACTION = 0.3
SEED = 0
WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def surnames(locale):
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    names = provider.__dict__["last_names"]
    if hasattr(names, "keys"):  # an OrderedDict of name -> weight
        names = names.keys()
    kept = {}
    for name in names:
        name = unicodedata.normalize("NFC", name.strip())
        if WORD.fullmatch(name) and name[0].isupper() and not name.isupper():
            kept.setdefault(name.casefold(), name)
    return list(kept.values())


def main():
    import faker

    lists = {locale: surnames(locale) for locale in LOCALES}
    seen = Counter(name.casefold() for names in lists.values() for name in names)
    target_names = np.array(sorted(LOCALES.values()))
    rng = np.random.default_rng(SEED)
    parts = {"train": ([], []), "test": ([], [])}
    for locale, label in sorted(LOCALES.items(), key=lambda item: item[1]):
        names = [name for name in lists[locale] if seen[name.casefold()] == 1]
        order = rng.permutation(len(names))
        n_test = round(TEST_FRACTION * len(names))
        code = int(np.flatnonzero(target_names == label)[0])
        for part, index in (("test", order[:n_test]), ("train", order[n_test:])):
            parts[part][0].extend(names[i] for i in index)
            parts[part][1].extend([code] * len(index))
        print(f"{label:10} {locale}: {len(names)} ({len(names) - n_test} + {n_test})")
    out = {
        "target_names": target_names,
        "target_locales": np.array(
            [next(k for k, v in LOCALES.items() if v == t) for t in target_names]
        ),
    }
    for part, (names, codes) in parts.items():
        order = rng.permutation(len(names))
        out[f"{part}_names"] = np.array([names[i] for i in order])
        out[f"{part}_target"] = np.array(codes, dtype=np.int8)[order]
    target = Path(__file__).parents[1] / "sklearn_rnn/datasets/data/surnames.npz"
    np.savez_compressed(target, **out)
    print(target, f"faker {faker.VERSION}", {k: v.shape for k, v in out.items()})


if __name__ == "__main__":
    main()
