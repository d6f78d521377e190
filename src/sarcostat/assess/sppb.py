"""Short Physical Performance Battery (SPPB) scored from its raw components.

Source: Guralnik JM et al. A short physical performance battery assessing
lower extremity function. J Gerontol 1994;49(2):M85-M94.
doi:10.1093/geronj/49.2.M85, with the scoring bins of the NIA SPPB protocol
(4-m and 3-m walk courses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sarcostat.assess._measures import _flag, _num, check_frame, gait_distance

#: Gait-time bins (seconds) per course length: score 4 below the first bound,
#: 3 up to the second, 2 up to the third, 1 above (NIA protocol).
GAIT_BINS = {4.0: (4.82, 6.20, 8.70), 3.0: (3.62, 4.65, 6.52)}
#: Five-times chair stand bins: 4 if <= 11.19 s, 3 if <= 13.69, 2 if <= 16.69,
#: 1 if <= 60, else 0 (NIA protocol).
CHAIR_BINS = (11.19, 13.69, 16.69, 60.0)


def _balance(side: np.ndarray, semi: np.ndarray, tandem: np.ndarray) -> np.ndarray:
    """Balance points 0-4; a failed stance ends the test (later stances 0).

    A stance not done (NaN) leaves the score missing unless an earlier
    stance already failed (then the later ones score 0 whatever is recorded).
    """
    with np.errstate(invalid="ignore"):
        tandem_pts = np.where(tandem >= 10, 2.0, np.where(tandem >= 3, 1.0, 0.0))
        return np.select(
            [np.isnan(side), side < 10, np.isnan(semi), semi < 10, np.isnan(tandem)],
            [np.nan, 0.0, np.nan, 1.0, np.nan],
            default=2.0 + tandem_pts,
        )


def _gait(time: np.ndarray, distance: np.ndarray, unable: np.ndarray) -> np.ndarray:
    out = np.full(len(time), np.nan)
    for course, (b4, b3, b2) in GAIT_BINS.items():
        on = (distance == course) & ~np.isnan(time)
        t = time[on]
        out[on] = np.select([t < b4, t <= b3, t <= b2], [4.0, 3.0, 2.0], default=1.0)
    out[unable] = 0.0
    return out


def _chair(time: np.ndarray, unable: np.ndarray) -> np.ndarray:
    b = CHAIR_BINS
    with np.errstate(invalid="ignore"):
        out = np.select(
            [np.isnan(time), time <= b[0], time <= b[1], time <= b[2], time <= b[3]],
            [np.nan, 4.0, 3.0, 2.0, 1.0],
            default=0.0,
        )
    out[unable] = 0.0
    return out


def _components(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balance, gait and chair-stand points (float, NaN = not scored)."""
    bal = _balance(
        _num(data, "side_by_side_s"), _num(data, "semi_tandem_s"), _num(data, "tandem_s")
    )
    dist = gait_distance(data)
    time = _num(data, "gait_time_4m_s")
    speed = _num(data, "gait_speed_m_s")
    with np.errstate(divide="ignore", invalid="ignore"):
        time = np.where(np.isnan(time) & (speed > 0), dist / speed, time)
    gait = _gait(time, dist, _flag(data, "gait_unable"))
    chair = _chair(_num(data, "chair_stand_5x_s"), _flag(data, "chair_stand_unable"))
    return bal, gait, chair


def sppb_from_components(data: pd.DataFrame) -> np.ndarray:
    """The total scored from complete components (float, NaN unless all three known)."""
    bal, gait, chair = _components(data)
    return bal + gait + chair


def sppb_total(data: pd.DataFrame) -> np.ndarray:
    """`score_sppb`'s ``sppb_total`` as float (NaN = unknown), without the other columns."""
    computed = sppb_from_components(data)
    return np.where(np.isnan(computed), _num(data, "sppb_total"), computed)


def _int(a: np.ndarray) -> pd.arrays.IntegerArray:
    """Float scores (NaN = missing) as a nullable Int64 array."""
    missing = np.isnan(a)
    return pd.arrays.IntegerArray(np.where(missing, 0, a).astype("int64"), missing)


def score_sppb(data: pd.DataFrame) -> pd.DataFrame:
    """Score the SPPB from balance, gait and chair-stand components.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table. Uses ``side_by_side_s``, ``semi_tandem_s``,
        ``tandem_s`` (seconds held, 0 = failed/unable, NaN = not done),
        ``gait_time_4m_s`` over ``gait_distance_m`` (4 m by default; the
        faster trial, as io records it; else distance / ``gait_speed_m_s``),
        ``gait_unable``,
        ``chair_stand_5x_s``, ``chair_stand_unable`` and, when present,
        ``sppb_total`` for the cross-check.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``; columns:

        - ``sppb_balance`` (Int64, 0-4), ``sppb_gait`` (Int64, 0-4),
          ``sppb_chair`` (Int64, 0-4): component scores, <NA> when not done.
        - ``sppb_total`` (Int64, 0-12): sum of the components when all three
          are known, otherwise the given ``sppb_total``, otherwise <NA>.
        - ``sppb_source`` (string): ``"components"``, ``"given"`` or <NA>.
        - ``sppb_check`` (boolean): True when a given total disagrees with the
          total scored from complete components, False when they agree,
          <NA> when either is missing.

    Notes
    -----
    Balance: side-by-side held 10 s = 1 point, semi-tandem 10 s = 1,
    tandem 10 s = 2, 3-9.99 s = 1, < 3 s = 0; failing a stance scores the
    later stances 0. Gait (4-m course): < 4.82 s = 4, 4.82-6.20 = 3,
    6.21-8.70 = 2, > 8.70 = 1, unable = 0; 3-m course bounds 3.62/4.65/6.52.
    Other course lengths have no published bins, so the gait score is
    missing. Chair stand: <= 11.19 s = 4, 11.20-13.69 = 3, 13.70-16.69 = 2,
    16.70-60 = 1, > 60 s or unable = 0. 'Unable' scores 0; 'not done'
    (NaN without the unable flag) stays missing.

    References
    ----------
    Guralnik JM, Simonsick EM, Ferrucci L, et al. A short physical performance
    battery assessing lower extremity function. J Gerontol 1994;49(2):M85-94.
    doi:10.1093/geronj/49.2.M85

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"side_by_side_s": [10.0], "semi_tandem_s": [10.0],
    ...                    "tandem_s": [5.0], "gait_time_4m_s": [5.0],
    ...                    "chair_stand_5x_s": [12.0]})
    >>> score_sppb(df)[["sppb_balance", "sppb_gait", "sppb_chair", "sppb_total"]].iloc[0].tolist()
    [3, 3, 3, 9]
    """
    data = check_frame(data, "score_sppb")
    bal, gait, chair = _components(data)
    computed = bal + gait + chair  # NaN unless all three known
    given = _num(data, "sppb_total")
    total = np.where(np.isnan(computed), given, computed)
    code = np.where(~np.isnan(computed), 0, np.where(~np.isnan(given), 1, -1))
    source = pa.array(["components", "given"]).take(pa.array(code, mask=code < 0))
    both = ~np.isnan(computed) & ~np.isnan(given)
    check = pd.arrays.BooleanArray(both & (computed != given), ~both)

    return pd.DataFrame(
        {
            "sppb_balance": _int(bal),
            "sppb_gait": _int(gait),
            "sppb_chair": _int(chair),
            "sppb_total": _int(total),
            "sppb_source": pd.array(source, dtype="string"),
            "sppb_check": check,
        },
        index=data.index,
    )
