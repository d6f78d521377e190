"""Where the screen's biomarker columns come from, a chunk at a time.

A source maps the wide biomarker table (``id`` + one column per biomarker)
onto the cohort's row order and hands out float64 blocks of named columns.
`ParquetSource` reads only the requested columns from the file each
time (Parquet is columnar, so memory stays bounded by the chunk); it keeps
only the path and the row alignment, so it pickles small and each Dask worker
opens the file and reads its own chunk. `FrameSource` wraps a table
already in memory (CSV input, or a DataFrame passed from Python).

Non-numeric columns are not an error for the whole screen: the block comes
back as NaN and a per-column message says which value was not a number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, SchemaError
from sarcostat.io.privacy import mention_ids

__all__ = ["FrameSource", "ParquetSource", "open_source"]


def _ids(values: Any) -> pd.Index:
    """Ids as matching keys in an object Index (fast hashing for the join).

    The matching rule is `sarcostat.io.ids.id_key`, the one used for
    every id join: text as written, ``1.0`` is ``1``, ``007`` is not ``7``.
    """
    from sarcostat.io.ids import id_keys, text_ids

    cells = pd.Series(values).to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        # All text (a CSV's ids, a DataFrame's str column): the same rule
        # with the per-cell work in C (50,000 ids: 10 ms instead of 25 ms).
        return pd.Index(text_ids(cells)[1], dtype=object)
    return pd.Index(id_keys(cells), dtype=object)


def _arrow_cells(values: Any) -> Any:
    """The pyarrow string array behind an Arrow-backed text column (pandas'
    default ``str`` dtype), else None."""
    arr = getattr(pd.Series(values).array, "_pa_array", None)
    if arr is None:
        return None
    import pyarrow as pa

    return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None


def _plain_distinct(cells: Any) -> bool:
    """True when Arrow text ids (no missing cell) have every key present
    and no key twice, by `sarcostat.io.ids.arrow_ids` (the one matching
    rule, in Arrow's kernels: about 5 ms for 50,000 ids). False sends the
    ids to the general join, which words the error for a repeated id."""
    from sarcostat.io.ids import arrow_ids

    if cells.null_count:
        return False
    first = arrow_ids(cells)[1]
    return bool(np.array_equal(first, np.arange(len(first))))


def _identity(n: int) -> tuple[np.ndarray, dict]:
    """Row i is row i: both tables hold the same n distinct ids in the same order."""
    info = {
        "n_cohort": n,
        "n_biomarker_rows": n,
        "n_matched": n,
        "cohort_ids_without_biomarkers": [],
        "n_cohort_without_biomarkers": 0,
        "biomarker_ids_not_in_cohort": [],
        "n_biomarker_ids_not_in_cohort": 0,
    }
    return np.arange(n, dtype=np.int64), info


def _align(cohort_ids: Any, bio_ids: Any, *, where: str) -> tuple[np.ndarray, dict]:
    """Row of the biomarker table for each cohort row (-1 when absent)."""
    bio_cells, coh_cells = _arrow_cells(bio_ids), _arrow_cells(cohort_ids)
    if (
        bio_cells is not None
        and coh_cells is not None
        and len(bio_cells) == len(coh_cells)
        and bio_cells.equals(coh_cells)
        and _plain_distinct(bio_cells)
    ):
        # A panel exported with the cohort, both read as Arrow text: the
        # same texts in the same order, every key present and none
        # repeated, so row i is row i. Checked in Arrow's kernels (about
        # 5 ms at 50,000 ids against about 22 ms to key and hash every cell
        # in Python).
        return _identity(len(bio_cells))
    raw_bio = pd.Series(bio_ids).to_numpy(dtype=object)
    raw_coh = pd.Series(cohort_ids).to_numpy(dtype=object)
    bio = _ids(raw_bio)
    dup = bio[bio.duplicated() & bio.notna()]
    if len(dup):
        raise DataError(
            f"{where}: participant {mention_ids(dup[0])} appears more than once in the biomarker "
            f"table ({len(dup)} duplicated id(s)); each participant needs one row."
        )
    # The same text ids in the same order (a panel exported with the cohort):
    # the same keys, without keying every cell a second time (50,000 ids:
    # about 0.1 s of a linear screen that takes under 1 s).
    same = (
        len(raw_coh) == len(raw_bio)
        and pd.api.types.infer_dtype(raw_bio, skipna=False) == "string"
        and pd.api.types.infer_dtype(raw_coh, skipna=False) == "string"
        and bool(np.all(raw_coh == raw_bio))
    )
    coh = bio if same else _ids(raw_coh)
    if same and not bio.hasnans:
        # Unique keys (checked above) matched with themselves: row i is row
        # i (no hash look-up of every key against the same keys again).
        pos = np.arange(len(bio))
        unmatched_bio = bio[:0]
    else:
        pos = bio.get_indexer(coh)
        unmatched_bio = bio[~bio.isin(coh)]
    info = {
        "n_cohort": len(coh),
        "n_biomarker_rows": len(bio),
        "n_matched": int((pos >= 0).sum()),
        "cohort_ids_without_biomarkers": [str(v) for v in coh[pos < 0][:10]],
        "n_cohort_without_biomarkers": int((pos < 0).sum()),
        "biomarker_ids_not_in_cohort": [str(v) for v in unmatched_bio[:10]],
        "n_biomarker_ids_not_in_cohort": int(len(unmatched_bio)),
    }
    return pos.astype(np.int64), info


def _to_float(values: pd.Series, ids: pd.Series | None, name: str) -> tuple[np.ndarray, str]:
    """Column as float64; text that is not a number gives NaN plus a message."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64").to_numpy(), ""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64").to_numpy(na_value=np.nan), ""
    conv = pd.to_numeric(values, errors="coerce")
    bad = conv.isna() & values.notna() & (values.astype("string").str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        return (
            np.full(len(values), np.nan),
            f"column {name!r} is not numeric: value {values.iloc[i]!r} "
            f"{mention_ids(ids.iloc[i]) if ids is not None else f'(row {i})'} is not a number",
        )
    return conv.astype("float64").to_numpy(na_value=np.nan), ""


class _Source:
    names: list[str]
    align: np.ndarray
    info: dict

    def _take(self, raw: np.ndarray) -> np.ndarray:
        """Biomarker-table rows -> cohort rows; NaN for cohort rows without one.

        May return ``raw`` itself (possibly read-only): callers do not
        modify the block in place.
        """
        if getattr(self, "_identity", None) is None:
            self._identity = bool(
                len(self.align) == raw.shape[0]
                and np.array_equal(self.align, np.arange(len(self.align)))
            )
        if self._identity:
            return raw
        absent = self.align < 0
        out = np.take(raw, np.where(absent, 0, self.align), axis=0)
        out[absent] = np.nan
        return out


class FrameSource(_Source):
    """Biomarkers from a DataFrame in memory (``id_column`` + one column each)."""

    def __init__(
        self,
        frame: pd.DataFrame,
        cohort_ids: Any,
        *,
        id_column: str = "id",
        where: str = "biomarker table",
    ) -> None:
        if id_column not in frame.columns:
            raise SchemaError(
                f"{where}: no {id_column!r} column to join on; columns: "
                f"{', '.join(map(str, frame.columns[:10]))}"
            )
        self.frame = frame
        self.id_column = id_column
        self.names = [str(c) for c in frame.columns if c != id_column]
        self.align, self.info = _align(cohort_ids, frame[id_column], where=where)

    def read(self, names: Any) -> tuple[np.ndarray, list[str]]:
        names = list(names)
        pos = self.frame.columns.get_indexer(names)
        dtypes = self.frame.dtypes.iloc[pos]
        numeric = np.array(
            [pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t) for t in dtypes],
            dtype=bool,
        )
        msgs = [""] * len(names)
        if numeric.all():  # one conversion for the whole chunk
            raw = self.frame.iloc[:, pos].to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            raw = np.empty((len(self.frame), len(names)))
            idx = np.flatnonzero(numeric)
            if len(idx):
                raw[:, idx] = self.frame.iloc[:, pos[idx]].to_numpy(
                    dtype=np.float64, na_value=np.nan
                )
            ids = self.frame[self.id_column]
            for j in np.flatnonzero(~numeric):
                raw[:, j], msgs[j] = _to_float(self.frame.iloc[:, pos[j]], ids, names[j])
        return self._take(raw), msgs

    def row_major(self) -> np.ndarray | None:
        """Every biomarker column as one N x P float64 view held row by row
        (unit column stride: a DataFrame built from a 2-D NumPy array), in
        the cohort's row order; None when the frame is not held so (columns
        stored one by one, other dtypes, rows to reorder), and then the
        chunked path reads it. Never a copy."""
        n = len(self.frame)
        if not self.names or not (
            len(self.align) == n and np.array_equal(self.align, np.arange(n))
        ):
            return None
        try:
            pos = self.frame.columns.get_indexer(pd.Index(self.names))
        except Exception:  # duplicated column names
            return None
        if (pos < 0).any() or not all(t == np.float64 for t in self.frame.dtypes.iloc[pos]):
            return None
        first = self.frame.iloc[:, pos[0]].to_numpy()
        if first.ndim != 1 or abs(first.strides[0]) < 8 * len(pos):
            return None  # columns stored one after another: read them in chunks
        X = self.frame.iloc[:, pos].to_numpy()
        if X.strides[1] != 8 or X.strides[0] < 8 * len(pos) or not np.shares_memory(X, first):
            return None
        return X


class ParquetSource(_Source):
    """Biomarkers read lazily, a group of columns at a time, from a Parquet file."""

    def __init__(self, path: Any, cohort_ids: Any, *, id_column: str = "id") -> None:
        import pyarrow.parquet as pq

        self.path = str(path)
        self.id_column = id_column
        try:
            schema = pq.read_schema(self.path)
        except Exception as exc:  # pyarrow raises several types for bad files
            from sarcostat.exceptions import ReadError

            raise ReadError(f"{path}: cannot read as Parquet ({exc}).") from exc
        cols = [c for c in schema.names if not c.startswith("__index_level")]
        if id_column not in cols:
            raise SchemaError(
                f"{path}: no {id_column!r} column to join on; columns: {', '.join(cols[:10])}"
            )
        self.names = [c for c in cols if c != id_column]
        ids = pq.read_table(self.path, columns=[id_column]).column(0).to_pandas()
        self._ids = None
        self.align, self.info = _align(cohort_ids, ids, where=str(path))

    def __getstate__(self) -> Any:
        # Workers re-open the file; ids are re-read only if a message needs them.
        state = self.__dict__.copy()
        state["_ids"] = None
        return state

    def read(self, names: Any) -> tuple[np.ndarray, list[str]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.read_table(self.path, columns=list(names))
        cols, msgs = [], []
        for nm in names:
            col = table.column(nm)
            if (
                pa.types.is_integer(col.type)
                or pa.types.is_floating(col.type)
                or pa.types.is_boolean(col.type)
                or pa.types.is_decimal(col.type)
            ):
                v = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
                cols.append(np.asarray(v, dtype=np.float64))
                msgs.append("")
            else:
                if self._ids is None:
                    self._ids = (
                        pq.read_table(self.path, columns=[self.id_column]).column(0).to_pandas()
                    )
                v, msg = _to_float(col.to_pandas(), self._ids, nm)
                cols.append(v)
                msgs.append(msg)
        raw = np.column_stack(cols) if cols else np.empty((table.num_rows, 0))  # a copy
        return self._take(raw), msgs


def open_source(biomarkers: Any, cohort_ids: Any, *, id_column: str = "id") -> Any:
    """A source for a DataFrame, a ``.parquet`` path or a ``.csv`` path."""
    if isinstance(biomarkers, _Source):
        return biomarkers
    if isinstance(biomarkers, pd.DataFrame):
        return FrameSource(biomarkers, cohort_ids, id_column=id_column)
    path = Path(biomarkers)
    if not path.exists():
        from sarcostat.exceptions import ReadError

        raise ReadError(f"{path}: biomarker file not found.")
    if path.suffix.lower() in (".parquet", ".pq"):
        return ParquetSource(path, cohort_ids, id_column=id_column)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
        # CSV has no column index: it is parsed once; use Parquet for bounded memory.
        frame = pd.read_csv(path, sep=sep, dtype={id_column: "string"})
        return FrameSource(frame, cohort_ids, id_column=id_column, where=str(path))
    from sarcostat.exceptions import ReadError

    raise ReadError(
        f"{path}: biomarker table must be .parquet or .csv (got {path.suffix or 'no extension'})."
    )
