"""Concentration units: molar <-> mass with a user-given molecular weight."""

from __future__ import annotations

import numpy as np

from sarcostat.exceptions import UnitError

# factor to mol/L
_MOLAR = {
    "mol/l": 1.0,
    "mmol/l": 1e-3,
    "umol/l": 1e-6,
    "µmol/l": 1e-6,
    "nmol/l": 1e-9,
    "pmol/l": 1e-12,
    "fmol/l": 1e-15,
    "mm": 1e-3,
    "um": 1e-6,
    "µm": 1e-6,
    "nm": 1e-9,
    "pm": 1e-12,
    "fm": 1e-15,
}
# factor to g/L
_MASS = {
    "g/l": 1.0,
    "mg/l": 1e-3,
    "ug/l": 1e-6,
    "µg/l": 1e-6,
    "ng/l": 1e-9,
    "pg/l": 1e-12,
    "mg/ml": 1.0,
    "ug/ml": 1e-3,
    "µg/ml": 1e-3,
    "ng/ml": 1e-6,
    "pg/ml": 1e-9,
    "mg/dl": 1e-2,
    "ug/dl": 1e-5,
    "µg/dl": 1e-5,
    "ng/dl": 1e-8,
}


def _kind(unit):
    u = str(unit).strip().lower().replace(" ", "")
    if u in _MOLAR:
        return "molar", _MOLAR[u]
    if u in _MASS:
        return "mass", _MASS[u]
    known = sorted(set(_MOLAR) | set(_MASS))
    raise UnitError(f"Unknown concentration unit {unit!r}; known units: {', '.join(known)}.")


def convert_units(values, from_unit, to_unit, *, mw=None):
    """Convert concentrations between molar and mass units.

    Parameters
    ----------
    values : float or array-like
    from_unit, to_unit : str
        e.g. ``"pmol/L"``, ``"ng/mL"``, ``"pg/mL"``.
    mw : float, optional
        Molecular weight in g/mol (= Da), needed between molar and mass
        units (sclerostin: about 22 500 g/mol per its kit insert).

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    UnitError
        Unknown unit, or molar <-> mass without a positive ``mw``.

    Notes
    -----
    mass concentration (g/L) = molar concentration (mol/L) x MW (g/mol).

    Examples
    --------
    >>> float(convert_units(1.0, "pmol/L", "pg/mL", mw=22500))
    22.5
    """
    k1, f1 = _kind(from_unit)
    k2, f2 = _kind(to_unit)
    v = np.asarray(values, dtype=float) * f1
    if k1 != k2:
        if mw is None or not np.isfinite(mw) or mw <= 0:
            raise UnitError(
                f"Converting {from_unit} to {to_unit} needs the molecular weight "
                f"(mw, g/mol > 0); got {mw!r}."
            )
        v = v * mw if k1 == "molar" else v / mw
    out = v / f2
    return float(out) if np.ndim(out) == 0 else out
