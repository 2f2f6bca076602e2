"""Files a user takes away or brings: history and data as CSV; an uploaded CSV's columns.

Downloads: ``history_csv`` (one row per epoch, the columns of ``History``) and ``dataset_csv``
(features, label and which split each row is in). The model file is ``model_io``'s.

Uploads: ``sniff`` reads a CSV's header and a sample of rows to offer the column choice (which
column to predict, which columns are features, with good defaults); ``read_table`` hands only
the chosen columns to the core loader, ``datasets.load_csv``, so every check and every message
about the file is the core's. Columns the user leaves out (a name, a note, the 'split' column of
an exported dataset) are never checked. Nothing is evaluated or unpickled: the stdlib csv module
and pandas read text.

Left out: any file type but UTF-8 CSV, more than ``MAX_CLASSES`` classes (the class palette has
that many colours), fewer than two feature columns (the views draw the data over two of them).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from playground.datasets import Dataset, DataError, Table, load_csv

MAX_BYTES = 5_000_000
MAX_ROWS = 5000
MAX_CLASSES = 5
SAMPLE_ROWS = 200  # rows read to guess which columns are numeric


# -- downloads ----------------------------------------------------------------------------------
def history_csv(history) -> str:
    """The per-epoch history as CSV; a value that was not measured (NaN) is an empty cell."""
    return pd.DataFrame(history.columns).to_csv(index=False)


SPLIT_COLUMN = "split"  # the dataset CSV's train/test column: never proposed as the label


def dataset_csv(data: Dataset) -> str:
    """A dataset as CSV: which split each row is in, the raw features, the label.

    Uploading it again works: the column choice proposes the label and the features, and
    leaves out 'split'.
    """
    frames = []
    for split, X, y in (("train", data.X_train, data.y_train), ("test", data.X_test, data.y_test)):
        frame = pd.DataFrame(np.asarray(X), columns=list(data.feature_names))
        frame[_label_name(data)] = (np.asarray(data.class_names, dtype=object)[y]
                                    if data.class_names else y)
        frame.insert(0, SPLIT_COLUMN, split)  # first: the column choice then offers the label last
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).to_csv(index=False)


def _label_name(data: Dataset) -> str:
    name = "label"
    while name in data.feature_names:
        name += "_"
    return name


# -- uploads ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sniff:
    """What the column choice offers: every column, the numeric-looking ones, a default label."""

    columns: tuple
    numeric: tuple
    label: str


def sniff(data: bytes) -> Sniff | None:
    """The header and a guess at each column's kind; None if the file cannot be read that far.

    None means: let ``load_csv`` look at the whole file and name the problem.
    """
    rows = _rows(data, limit=SAMPLE_ROWS + 1)
    if not rows or len(rows[0]) < 2 or len(set(rows[0])) != len(rows[0]):
        return None
    header, body = rows[0], [r for r in rows[1:] if r]
    numeric = tuple(name for j, name in enumerate(header)
                    if body and all(_is_number(r[j]) for r in body if j < len(r)))
    return Sniff(tuple(header), numeric, _default_label(header, body, numeric))


def default_features(sniffed: Sniff, label: str) -> list:
    """The numeric-looking columns besides the label; if under two, every other column, so
    the loader names the cell that is not a number rather than the choice being too small."""
    others = [c for c in sniffed.columns if c != label]
    numeric = [c for c in others if c in sniffed.numeric]
    return numeric if len(numeric) >= 2 else others


def _rows(data: bytes, limit: int | None = None) -> list | None:
    """Rows of a CSV file as lists of strings, or None if it is not readable UTF-8 CSV text."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_BYTES or b"\0" in data:
        return None
    try:
        reader = csv.reader(io.StringIO(bytes(data).decode("utf-8-sig")))
        rows = []
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
        return rows
    except (UnicodeDecodeError, csv.Error):
        return None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _default_label(header, body, numeric) -> str:
    """The column most likely to be the answer: a text column with few values, else the last.

    Never 'split', which ``dataset_csv`` writes (train/test): with numeric labels it was the
    only text column, and the re-uploaded file trained to tell training rows from test rows.
    """
    for j in range(len(header) - 1, -1, -1):
        values = {r[j] for r in body if j < len(r)}
        if header[j] == SPLIT_COLUMN:
            continue
        if header[j] not in numeric and 2 <= len(values) <= MAX_CLASSES:
            return header[j]
    return header[-1]


def file_problem(data: bytes) -> str:
    """The core loader's message for a file whose columns ``sniff`` could not offer."""
    try:
        load_csv(data, max_rows=MAX_ROWS, max_classes=MAX_CLASSES, max_bytes=MAX_BYTES)
    except DataError as err:
        return str(err)
    return "the file's header could not be read as CSV columns"


def read_table(data: bytes, label: str, features: Sequence[str]) -> Table:
    """Check the chosen columns of an uploaded CSV with the core loader.

    Raises
    ------
    DataError
        The column choice makes no sense (no label, fewer than two features), or the core
        loader's message about the file.
    """
    features = list(features)
    if label in features:
        raise DataError(f"the label column {label!r} cannot also be a feature")
    if len(features) < 2:
        raise DataError("choose at least two feature columns: the views draw the data over two "
                        "of them")
    return load_csv(_only_columns(data, [*features, label]), label, max_rows=MAX_ROWS,
                    max_classes=MAX_CLASSES, max_bytes=MAX_BYTES)


def _only_columns(data: bytes, keep: list) -> bytes:
    """The file with only the ``keep`` columns (in the file's order), rows and blank lines kept.

    A file that is not plain, rectangular CSV comes back unchanged, for the core loader to
    name its problem with the file's own line numbers.
    """
    rows = _rows(data)
    if not rows or any(name not in rows[0] for name in keep):
        return bytes(data) if isinstance(data, (bytes, bytearray)) else data
    if len(keep) == len(rows[0]) or any(row and len(row) != len(rows[0]) for row in rows):
        return bytes(data)
    index = [j for j, name in enumerate(rows[0]) if name in keep]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row[j] for j in index] if row else [])
    return out.getvalue().encode("utf-8")
