"""Arrow arrays to NumPy without pyarrow's pandas shim.

Every ``pyarrow.Array.to_numpy`` call imports pandas (pyarrow probes it for
its conversions), which costs ~0.2 s of a ``validate`` run that otherwise
never needs pandas. These helpers read the arrays' buffers directly; they
accept only arrays without nulls.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _one(arr: Any) -> Any:
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.null_count:
        raise ValueError("an Arrow array with nulls")
    return arr


def strings(values: list[str]) -> Any:
    """An Arrow string array of a few Python strings (``pa.array`` would import pandas)."""
    import pyarrow as pa

    data = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(data), buffers)


def indices(values: np.ndarray) -> Any:
    """Row positions (a NumPy integer array) as an Arrow int64 array for
    ``take`` (``pa.array`` of a NumPy array would import pandas)."""
    import pyarrow as pa

    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def ints(arr: Any, dtype: Any = np.int32) -> np.ndarray:
    """A fixed-width integer array as NumPy (a view of its buffer)."""
    arr = _one(arr)
    size = np.dtype(dtype).itemsize
    return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * size)


def floats(arr: Any) -> np.ndarray:
    """A float32/float64 array as a float64 NumPy array, NaN where it is null (a copy)."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != pa.float64():
        arr = arr.cast(pa.float64())
    n = len(arr)
    out = np.frombuffer(arr.buffers()[1], dtype=np.float64, count=n, offset=arr.offset * 8).copy()
    if arr.null_count:
        valid = np.frombuffer(arr.buffers()[0], dtype=np.uint8)
        valid = np.unpackbits(valid, bitorder="little", count=arr.offset + n)[arr.offset :]
        out[valid == 0] = np.nan
    return out


def bools(arr: Any) -> np.ndarray:
    """A boolean array (bit-packed in Arrow) as a NumPy bool array."""
    arr = _one(arr)
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=bool)
    bits = np.frombuffer(arr.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little", count=arr.offset + n)[arr.offset :].astype(bool)


def null_where(arr: Any, mask: np.ndarray) -> Any:
    """``arr`` (an array without nulls) with null where ``mask`` is True,
    sharing its buffers (``pc.if_else`` with a mask from ``pa.array`` would
    import pandas)."""
    import pyarrow as pa

    arr = _one(arr)
    bits = np.concatenate([np.ones(arr.offset, dtype=bool), ~np.asarray(mask, dtype=bool)])
    valid = pa.py_buffer(np.packbits(bits, bitorder="little").tobytes())
    return pa.Array.from_buffers(arr.type, len(arr), [valid, *arr.buffers()[1:]], offset=arr.offset)


def texts(arr: Any) -> np.ndarray:
    """A string array as a NumPy object array of str."""
    arr = _one(arr)
    out = np.empty(len(arr), dtype=object)
    out[:] = arr.to_pylist()
    return out


def may_need_trim(arr: Any) -> bool:
    """False when no cell of a string array (no nulls) starts or ends with a
    byte that can belong to white space: ASCII white space, or any byte of a
    multi-byte character (U+00A0, U+3000, ...). Looks at two bytes per cell
    instead of trimming a copy of every cell."""
    arr = _one(arr)
    n = len(arr)
    if n == 0:
        return False
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    if buffers[2] is None:
        return False
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    # Every byte of every cell between the space and the first byte of a
    # multi-byte character (as in numbers, codes and ASCII words): no byte
    # of `_MAYBE_SPACE` anywhere, so none at an edge. Two vectorized
    # reductions over the bytes cost less than the per-cell edges below.
    body = data[int(offsets[0]) : int(offsets[-1])]
    if body.size == 0 or (body.min() > 32 and body.max() < 128):
        return False
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.all():
        starts, ends = starts[filled], ends[filled]
    edges = np.concatenate([data[starts], data[ends - 1]])
    return bool(_MAYBE_SPACE[edges].any())


def stripped(arr: Any) -> Any:
    """A string array (no nulls) with each cell stripped as ``str.strip``
    strips it (Arrow's ``utf8_trim_whitespace``: the same code points,
    tests/io check every one); the array itself, no copy, when no cell can
    need it (`may_need_trim`), as for most columns."""
    import pyarrow.compute as pc

    return pc.utf8_trim_whitespace(arr) if may_need_trim(arr) else arr


#: Bytes that may be (part of) white space as ``str.strip`` sees it.
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_MAYBE_SPACE[128:] = True


def blank_as_null(arr: Any) -> Any:
    """A string array (chunked or not, without nulls) with its empty cells
    null: a validity bitmap per chunk, the cells' bytes shared, not copied."""
    import pyarrow as pa

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    out = []
    for chunk in chunks:
        if chunk.null_count:
            raise ValueError("an Arrow array with nulls")
        n, start = len(chunk), chunk.offset
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=np.int32, count=start + n + 1)
        filled = np.ones(start + n, dtype=bool)  # bits before the chunk's offset unused
        filled[start:] = offsets[start + 1 :] > offsets[start:-1]
        blank = n - int(np.count_nonzero(filled[start:]))
        if not blank:
            out.append(chunk)
            continue
        bitmap = pa.py_buffer(np.packbits(filled, bitorder="little").tobytes())
        out.append(
            pa.Array.from_buffers(
                pa.string(), n, [bitmap, buffers[1], buffers[2]], null_count=blank, offset=start
            )
        )
    return pa.chunked_array(out, type=pa.string())


class Texts:
    """A text column kept in Arrow, blank cells null (`blank_as_null`).

    ``Cohort.data`` hands it to pandas as its string dtype without making a
    Python string per cell (a tenth of a second per million cells, and as
    long again for pandas to turn them back into Arrow); `cells` gives the
    object array of str and None that other columns of text are."""

    __slots__ = ("arrow",)

    def __init__(self, arrow: Any) -> None:
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.arrow)

    def cells(self) -> np.ndarray:
        out = np.empty(len(self.arrow), dtype=object)
        out[:] = self.arrow.to_pylist()
        return out
