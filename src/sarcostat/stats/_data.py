"""Analysis-sample selection and design checks shared by the stats layer.

Every model uses complete cases over exactly the columns it needs (SPSS
listwise deletion), and reports how many rows it dropped. Degenerate designs
raise :class:`~sarcostat.exceptions.ModelError` with a message that names the
column, instead of letting a linear-algebra routine fail obscurely.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sarcostat.exceptions import ModelError, SchemaError


def require_columns(data: pd.DataFrame, columns: Sequence[str], *, function: str) -> None:
    """Raise SchemaError naming every requested column absent from ``data``."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise SchemaError(
            f"{function}: column(s) {', '.join(repr(c) for c in missing)} not found; "
            f"available: {', '.join(map(str, data.columns))}"
        )


def complete_cases(data: pd.DataFrame, columns: Sequence[str], *, function: str
                   ) -> tuple[pd.DataFrame, int]:
    """Rows of ``data`` with no missing value in ``columns`` (listwise).

    Returns the analysis sample (columns in the given order, original index
    kept) and the number of rows excluded.
    """
    cols = list(dict.fromkeys(columns))
    require_columns(data, cols, function=function)
    sub = data.loc[:, cols]
    keep = sub.notna().all(axis=1)
    return sub.loc[keep].copy(), int((~keep).sum())


def check_not_constant(sample: pd.DataFrame, columns: Sequence[str], *, function: str) -> None:
    """Raise ModelError if a column has a single distinct value in the sample."""
    for c in columns:
        if sample[c].nunique(dropna=True) < 2:
            raise ModelError(
                f"{function}: {c!r} is constant in the analysis sample "
                f"(n={len(sample)}); it cannot be estimated. Remove it from the model."
            )


def check_full_rank(X: np.ndarray, names: Sequence[str], *, function: str) -> None:
    """Raise ModelError naming the columns involved when X is rank deficient."""
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        # Find which columns are linear combinations of the others, to name them.
        culprits = []
        for j in range(X.shape[1]):
            others = np.delete(X, j, axis=1)
            if np.linalg.matrix_rank(others) == rank:
                culprits.append(names[j])
        raise ModelError(
            f"{function}: the design matrix is collinear (rank {rank} < {X.shape[1]} columns); "
            f"involved: {', '.join(culprits) or 'unknown'}. Remove one of them."
        )
