"""Left-censored biomarker values (reported as ``<LOD``).

The io layer stores a censored value as NaN in ``<biomarker>`` and the
detection limit in ``<biomarker>_lod``. Before the analyses the study layer
either substitutes a value derived from the limit or leaves the participant
out of every analysis of the biomarker, and counts what it did so the report
can say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sarcostat.exceptions import check_option

#: Substitution factor applied to the detection limit, per plan option.
_FACTORS = {"lod_sqrt2": 1 / math.sqrt(2), "lod_half": 0.5, "lod": 1.0}

_DESCRIPTIONS = {
    "lod_sqrt2": "replaced by LOD/\u221a2 (Hornung & Reed 1990)",
    "lod_half": "replaced by LOD/2",
    "lod": "replaced by the LOD",
    "exclude": "excluded from the analyses of the biomarker",
}


@dataclass(frozen=True)
class CensoringSummary:
    """What was done with values below the detection limit.

    Attributes
    ----------
    column : str
        Biomarker column.
    method : str
        Plan option (``lod_sqrt2``, ``lod_half``, ``lod`` or ``exclude``).
    n_censored : int
        Participants whose value was below the detection limit.
    n_substituted : int
        Of those, how many received a substituted value (0 for ``exclude``).
    limits : tuple of float
        Distinct detection limits met.
    """

    column: str
    method: str
    n_censored: int
    n_substituted: int
    limits: tuple[float, ...]

    def sentence(self) -> str:
        """One sentence for the Methods paragraph and the warnings list."""
        if self.n_censored == 0:
            return f"No {self.column} value was below the detection limit."
        lim = ", ".join(f"{v:g}" for v in self.limits)
        return (
            f"{self.n_censored:,} {self.column} value(s) below the detection limit "
            f"(LOD {lim}) were {_DESCRIPTIONS[self.method]}."
        )

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "method": self.method,
            "n_censored": self.n_censored,
            "n_substituted": self.n_substituted,
            "limits": list(self.limits),
        }


def substitute_censored(
    data: pd.DataFrame, column: str, *, method: str = "lod_sqrt2"
) -> tuple[pd.DataFrame, CensoringSummary]:
    """Fill left-censored values of ``column`` from its ``<column>_lod`` limit.

    Parameters
    ----------
    data : pandas.DataFrame
        Cohort table; a censored value is NaN in ``column`` with the limit in
        ``f"{column}_lod"``. Without a ``_lod`` column nothing is censored.
    column : str
        Biomarker column.
    method : {"lod_sqrt2", "lod_half", "lod", "exclude"}, default "lod_sqrt2"
        ``lod_sqrt2`` substitutes LOD/√2 (Hornung & Reed 1990), ``lod_half``
        LOD/2, ``lod`` the limit itself; ``exclude`` leaves the value missing,
        so the participant drops out of every analysis of the biomarker.

    Returns
    -------
    data : pandas.DataFrame
        A new frame with the substituted values (``data`` is unchanged; the
        other columns are shared with it until either is modified).
    summary : CensoringSummary

    References
    ----------
    Hornung RW, Reed LD. Estimation of average concentration in the presence
    of nondetectable values. Appl Occup Environ Hyg. 1990;5(1):46-51.
    doi:10.1080/1047322X.1990.10389587
    """
    check_option(method, tuple(_DESCRIPTIONS), parameter="method", function="substitute_censored")
    # A new frame sharing the unchanged columns with ``data`` (pandas copies
    # on write): only the biomarker column is new, never the whole cohort.
    out = data.copy(deep=False)
    lod_col = f"{column}_lod"
    if lod_col not in out.columns:
        return out, CensoringSummary(column, method, 0, 0, ())
    lod = pd.to_numeric(out[lod_col], errors="coerce")
    censored = out[column].isna() & lod.notna()
    n = int(censored.sum())
    limits = tuple(sorted(float(v) for v in np.unique(lod[censored].to_numpy()))) if n else ()
    if method != "exclude" and n:
        values = out[column].copy()
        values.loc[censored] = lod[censored] * _FACTORS[method]
        out[column] = values
    return out, CensoringSummary(column, method, n, 0 if method == "exclude" else n, limits)
