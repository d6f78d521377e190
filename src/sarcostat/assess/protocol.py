"""What was measured: the protocol sentences a classification report carries."""

from __future__ import annotations

import pandas as pd


def protocol_notes(
    data: pd.DataFrame | None = None, protocol: dict | None = None
) -> tuple[str, ...]:
    """Sentences saying what was measured (gait course and start, grip best-of-n).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Used for the gait distances actually recorded (``gait_distance_m``).
    protocol : dict, optional
        ``Cohort.protocol``; keys read: ``gait_start`` (static/dynamic),
        ``gait_distance_m``, ``grip_best_of``, ``grip_device``, ``muscle_mass_device``,
        any other key is reported as ``key: value``.

    Returns
    -------
    tuple of str
        Gait course and start, grip best-of-n (else the ``grip_<n>_kg``
        trials found in ``data``), other protocol keys, and the muscle-mass
        methods with counts.
    """
    protocol = dict(protocol or {})
    out = []
    dist = None
    if data is not None and "gait_distance_m" in data.columns:
        d = pd.to_numeric(data["gait_distance_m"], errors="coerce").dropna().unique()
        dist = ", ".join(f"{v:g}" for v in sorted(d)) if len(d) else None
    dist = dist or (
        f"{protocol.pop('gait_distance_m'):g}" if "gait_distance_m" in protocol else None
    )
    protocol.pop("gait_distance_m", None)
    start = protocol.pop("gait_start", None)
    if dist or start:
        where = f"over {dist} m" if dist else "over an unrecorded distance (4 m assumed)"
        out.append(f"Gait speed measured {where}, {start or 'unrecorded'} start.")
    best = protocol.pop("grip_best_of", None)
    trials = []
    if data is not None:
        trials = [
            c
            for c in data.columns
            if c.startswith("grip_") and c.endswith("_kg") and c[5:-3].isdigit()
        ]
    if best is not None:
        out.append(f"Grip strength: best of {best} trial(s).")
    elif trials:
        out.append(f"Grip strength: maximum of the recorded trials ({', '.join(trials)}).")
    for k, v in protocol.items():
        out.append(f"Protocol {k}: {v}.")
    if data is not None and "muscle_mass_method" in data.columns:
        counts = data["muscle_mass_method"].astype("string").str.lower().value_counts()
        if len(counts):
            out.append(
                "Muscle mass by "
                + ", ".join(f"{str(k).upper()} (n={v})" for k, v in counts.items())
                + "."
            )
    return tuple(out)
