"""Files a user takes away or brings: history and data as CSV; an uploaded CSV's columns.

Downloads: ``history_csv`` (one row per epoch, the columns of ``History``) and ``dataset_csv``
(features, label and which split each row is in). The model file is ``model_io``'s.

Uploads: ``sniff`` reads a CSV (``datasets.read_csv_rows``: every limit, checked before the
work that grows with it) and offers the column choice (which column to predict, which columns
are features, with good defaults); ``read_table`` hands only the chosen columns to the core
checks (``datasets.table_from_rows``), so every check and every message about the file is the
core's. Columns the user leaves out (a name, a note, the 'split' column of an exported dataset)
are never checked. Nothing is evaluated or unpickled: the stdlib csv module reads text, and
``text``'s rules say what is text and what is a number.

Left out: any file type but CSV text, more than ``MAX_CLASSES`` classes (the class palette has
that many colours), fewer than two feature columns (the views draw the data over two of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from playground.datasets import (CsvRows, Dataset, DataError, Table, read_csv_rows,
                                 table_from_rows)
from playground.text import NUMBER

MAX_BYTES = 5_000_000
MAX_ROWS = 5000
MAX_CLASSES = 5
MAX_COLUMNS = 50
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
    """What the column choice offers: every column, the numeric-looking ones, a default label,
    and the reader's notes (e.g. a pandas index column left out)."""

    columns: tuple
    numeric: tuple
    label: str
    notes: tuple = ()


def _read(data: bytes) -> CsvRows:
    return read_csv_rows(data, max_bytes=MAX_BYTES, max_columns=MAX_COLUMNS, max_rows=MAX_ROWS)


def sniff(data: bytes) -> Sniff:
    """The header and a guess at each column's kind, from the first ``SAMPLE_ROWS`` rows.

    Raises
    ------
    DataError
        The core reader's message: the file is not a CSV table within the limits, or it has
        fewer than two columns.
    """
    rows = _read(data)
    header, body = rows.header, rows.rows[:SAMPLE_ROWS]
    if len(header) < 2:
        raise DataError(f"the file has only one column ({header[0]!r}), so there are no "
                        "features besides the label; columns must be separated by commas")
    numeric = tuple(name for j, name in enumerate(header)
                    if body and all(NUMBER.fullmatch(r[j]) for r in body))
    return Sniff(header, numeric, _default_label(header, body, numeric), rows.notes)


def default_features(sniffed: Sniff, label: str) -> list:
    """The numeric-looking columns besides the label; if under two, every other column, so
    the loader names the cell that is not a number rather than the choice being too small."""
    others = [c for c in sniffed.columns if c != label]
    numeric = [c for c in others if c in sniffed.numeric]
    return numeric if len(numeric) >= 2 else others


def _default_label(header, body, numeric) -> str:
    """The column most likely to be the answer: a text column with few values, else the last.

    Never 'split', which ``dataset_csv`` writes (train/test): with numeric labels it is the
    only text column, and a re-uploaded file would train to tell training rows from test rows.
    """
    for j in range(len(header) - 1, -1, -1):
        values = {r[j] for r in body}
        if header[j] == SPLIT_COLUMN:
            continue
        if header[j] not in numeric and 2 <= len(values) <= MAX_CLASSES:
            return header[j]
    return header[-1]


def read_table(data: bytes, label: str, features: Sequence[str]) -> Table:
    """Check the chosen columns of an uploaded CSV with the core loader.

    Columns the user leaves out (a name, a note) are never checked.

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
    rows = _read(data)
    missing = [name for name in [*features, label] if name not in rows.header]
    if missing:
        raise DataError(f"column {missing[0]!r} not found; the columns are: "
                        f"{', '.join(rows.header)}")
    return table_from_rows(rows, label, max_classes=MAX_CLASSES, columns=[*features, label])
