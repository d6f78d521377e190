"""Sarcopenia phenotype score (SPS) as used by the seed study.

The SPS counts the abnormal items among low muscle mass, weak grip strength
and slow gait speed (< 1.0 m/s), each by the AWGS 2019 cut-offs
(Chen LK et al. J Am Med Dir Assoc 2020;21:300. doi:10.1016/j.jamda.2019.12.012),
giving 0 (best) to 3 (worst).
"""

from __future__ import annotations

import pandas as pd

from sarcostat.assess._engine import evaluate
from sarcostat.assess.definitions.registry import REGISTRY

_ITEMS = ("low_muscle_mass", "low_strength", "slow_gait")


def sarcopenia_phenotype_score(data: pd.DataFrame) -> pd.Series:
    """Count low muscle mass, weak grip and slow gait (AWGS 2019 cut-offs).

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table (``sex``, ``smi`` or ``asm_kg`` + ``height_cm``,
        ``muscle_mass_method``, ``grip_kg``, ``gait_speed_m_s``/``gait_unable``).

    Returns
    -------
    pandas.Series
        Named ``sps``, nullable ``Int64`` in 0-3, same index as ``data``.
        <NA> when any of the three items is unknown: a count with a missing
        component is itself unknown, never a lower bound.

    Notes
    -----
    Items: SMI < 7.0 / < 5.7 kg/m² (BIA) or < 7.0 / < 5.4 (DXA); grip
    < 28 / < 18 kg; gait speed < 1.0 m/s ('unable' counts as slow).

    See Also
    --------
    sarcostat.assess.classify : the flags counted here (``definition="awgs2019"``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female"], "smi": [5.4], "muscle_mass_method": ["bia"],
    ...                    "grip_kg": [20.0], "gait_speed_m_s": [0.9]})
    >>> int(sarcopenia_phenotype_score(df).iloc[0])
    2
    """
    return sps_from_flags(evaluate(data, REGISTRY["awgs2019"], reasons=False))


def sps_from_flags(flags: pd.DataFrame) -> pd.Series:
    """The SPS from an AWGS 2019 classification already made.

    ``flags`` is the table `sarcostat.assess.classify` returns for
    ``definition="awgs2019"`` (with or without reasons); its
    ``low_muscle_mass``, ``low_strength`` and ``slow_gait`` flags are counted,
    so a caller that has classified once need not classify again. The
    result is that of `sarcopenia_phenotype_score` on the same cohort.

    Examples
    --------
    >>> import pandas as pd
    >>> from sarcostat.assess import classify
    >>> df = pd.DataFrame({"sex": ["female"], "smi": [5.4], "muscle_mass_method": ["bia"],
    ...                    "grip_kg": [20.0], "gait_speed_m_s": [0.9]})
    >>> int(sps_from_flags(classify(df, "awgs2019", reasons=False)).iloc[0])
    2
    """
    items = flags[list(_ITEMS)]
    known = items.notna().all(axis=1)
    total = items.astype("Int64").sum(axis=1, skipna=True).astype("Int64")
    return total.mask(~known).astype("Int64").rename("sps")
