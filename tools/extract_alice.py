"""Extract *Alice's Adventures in Wonderland* from Brotli's test data.

Writes ``sklearn_rnn/datasets/data/alice.npz``. Run once, by hand; the
package itself never imports brotli. The text is ``alice29.txt`` of the
Canterbury corpus, which the Brotli source distribution ships as test data::

    pip download --no-deps --no-binary :all: brotli==1.2.1
    tar xzf brotli-1.2.1.tar.gz brotli-1.2.1/tests/testdata/alice29.txt
    python tools/extract_alice.py brotli-1.2.1/tests/testdata/alice29.txt

The file is ASCII with CRLF line ends and a DOS end-of-file mark (``^Z``)
after the last line. Stored: the text with LF line ends, without the mark and
without the blank lines before the title, ending in one line break; as the
UTF-8 bytes in a ``uint8`` array (``text``).
"""

import hashlib
import re
import sys
from pathlib import Path

import numpy as np

MD5 = "74c3b556c76ea0cfae111cdb64d08255"  # alice29.txt of the Canterbury corpus
# words of a Project Gutenberg header, footer or licence (none are in the file)
BOILERPLATE = r"\b(gutenberg|e-?texts?|e-?books?|licen[cs]e|copyright|https?:|www\.)"


def main(path):
    raw = Path(path).read_bytes()
    if hashlib.md5(raw).hexdigest() != MD5:
        raise ValueError(f"{path} is not the Canterbury corpus' alice29.txt")
    text = raw.decode("ascii").replace("\r\n", "\n").rstrip("\x1a")
    text = text.lstrip("\n").rstrip() + "\n"
    boilerplate = re.search(BOILERPLATE, text, flags=re.IGNORECASE)
    if boilerplate:
        raise ValueError(f"{boilerplate[0]!r} in the text")
    target = Path(__file__).parents[1] / "sklearn_rnn/datasets/data/alice.npz"
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(target, text=data)
    print(target, len(text), "characters", text.count("\n"), "lines")
    print("character set:", len(set(text)), repr("".join(sorted(set(text)))))


if __name__ == "__main__":
    main(sys.argv[1])
