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
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.all():
        starts, ends = starts[filled], ends[filled]
    edges = np.concatenate([data[starts], data[ends - 1]])
    return bool(_MAYBE_SPACE[edges].any())


#: Bytes that may be (part of) white space as ``str.strip`` sees it.
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_MAYBE_SPACE[128:] = True
