"""Shared by the data loaders: data folder, SHA-256 checksums, verified reading, split masks.

Every data set file in `datasets/<name>/` is read through `read_verified`, which compares the
file's SHA-256 with the value recorded here and raises a `ValueError` naming the file and the
command that regenerates it when the file is missing or differs. After changing a generator on
purpose, run it and paste the checksum it prints into `CHECKSUMS`.

The data folder is, in order of preference: the `data_dir` argument of a loader, the environment
variable `COURSE_DATASETS_DIR`, or `datasets/` beside the `course_utils` package (the repository).
"""

import hashlib
import os
from pathlib import Path

import numpy as np

from course_utils.validation import one_of

__all__ = [
    "CHECKSUMS",
    "DATA_DIR_VARIABLE",
    "SPLITS",
    "data_root",
    "read_table",
    "read_verified",
    "sha256_hex",
    "split_mask",
]

DATA_DIR_VARIABLE = "COURSE_DATASETS_DIR"
SPLITS = ("train", "test")

# Path relative to the data folder -> SHA-256 of the committed file (seed 0 of its generator;
# python_docs: the topics of Python 3.11.7).
CHECKSUMS = {
    "agreement/agreement.tsv": "7122e93e7bb6e377f39d604dc25a03d5c1f31c13e05a5b8abf82ac38c520f97a",
    "dates/dates.tsv": "00a9ba72a1ff8a95fa15cea9252ae378993e503110937997c260d2a777a2ae21",
    "python_docs/python_docs.txt":
        "2a95af4ac93f5b719944030ce3769070ddf827d847cba42192afa8da989e5dc4",
    "spoken_digits/manifest.tsv":
        "249e8ebe5fbb1384b44b6be4eca72be457c43db50c68d9cafce54734a2f31597",
    "number_words/number_words.tsv":
        "fb113eccc443f7b33e44094e40023a58f823c00ab8046b5e35ae98a5ab8b1430",
    "tagging/tagging.tsv": "f28a7cdb057369e3981c54fc8d067628bdee21d98a670fc842d7945c45ea1ec3",
    "trees/trees.tsv": "2582ac54dcc58db223b3ddb06947ab6e5a604fcb846672ac783f81e46dee492e",
}


def sha256_hex(data):
    """SHA-256 of `data` (bytes or str, str encoded as UTF-8) as 64 hex digits."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def data_root(data_dir=None):
    """The folder holding `<name>/<file>` data files (see the module docstring)."""
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get(DATA_DIR_VARIABLE):
        return Path(os.environ[DATA_DIR_VARIABLE])
    return Path(__file__).resolve().parents[2] / "datasets"


def read_verified(relative_path, data_dir=None):
    """Read a data file as UTF-8 text after checking its SHA-256 against `CHECKSUMS`.

    Args:
        relative_path: key of `CHECKSUMS`, e.g. "dates/dates.tsv".
        data_dir: folder to read from instead of the default (see `data_root`).

    Raises:
        ValueError: the file is missing or its checksum differs; the message names the file and
            the command that regenerates it.
    """
    path = data_root(data_dir) / relative_path
    name = relative_path.split("/")[0]
    regenerate = (
        f"regenerate it with `python datasets/{name}/generate.py` from the repository "
        f"root (or restore it with `git checkout -- datasets/{relative_path}`)"
    )
    if not path.is_file():
        raise ValueError(
            f"data file {path} is missing; {regenerate}, or point data_dir / "
            f"${DATA_DIR_VARIABLE} at the folder that holds it"
        )
    data = path.read_bytes()
    actual, expected = sha256_hex(data), CHECKSUMS[relative_path]
    if actual != expected:
        raise ValueError(
            f"data file {path} has SHA-256 {actual}, expected {expected}: the file "
            f"was changed or corrupted; {regenerate}. If you changed the generator on "
            f"purpose, record the new checksum in CHECKSUMS of {__name__}"
        )
    return data.decode("utf-8")


def read_table(relative_path, data_dir=None):
    """Read a verified tab-separated file with a header line: dict column -> list of strings."""
    lines = read_verified(relative_path, data_dir).rstrip("\n").split("\n")
    header = lines[0].split("\t")
    columns = list(zip(*(line.split("\t") for line in lines[1:])))
    return {name: list(values) for name, values in zip(header, columns)}


def split_mask(table, split):
    """Boolean array selecting the rows of `table` (from `read_table`) in `split`."""
    return np.asarray(table["split"]) == one_of(split, "split", SPLITS)
