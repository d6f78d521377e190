"""Realistic simulated ELISA plates with known true concentrations.

Competitive assay: signal falls with concentration (A > D); sandwich: rises.
Noise: multiplicative (CV ``cv``) plus additive reader noise ``sd0``.
"""

from __future__ import annotations

import numpy as np

ROWS = "ABCDEFGH"
TRUE = {
    # A, B, C, D of y = D + (A - D) / (1 + (x/C)^B); concentrations in pmol/L
    "competitive": dict(A=2.4, B=1.1, C=30.0, D=0.10, standards=[0, 2.5, 5, 10, 20, 40, 80, 160]),
    "sandwich": dict(
        A=0.05, B=1.2, C=500.0, D=3.5, standards=[0, 15.6, 31.25, 62.5, 125, 250, 500, 1000]
    ),
}


def curve(kind, x):
    p = TRUE[kind]
    x = np.asarray(x, float)
    return p["D"] + (p["A"] - p["D"]) / (1 + (x / p["C"]) ** p["B"])


def sample_wells():
    """Duplicate well pairs for samples: rows D-H of cols 3-4, then all rows of 5-12."""
    pairs = [(f"{r}3", f"{r}4") for r in "DEFGH"]
    for c in (5, 7, 9, 11):
        pairs += [(f"{r}{c}", f"{r}{c + 1}") for r in ROWS]
    return pairs  # 37 pairs


def make_plate(
    kind,
    truths,
    *,
    seed,
    cv=0.03,
    sd0=0.004,
    controls=None,
    prefix="S",
    override=None,
    mask=(),
    dilutions=None,
):
    """Return (layout dict well->token, signal dict well->str, truth dict id->conc).

    ``truths``: up to 37 true in-sample concentrations; ``controls``: dict
    id -> (nominal, low, high); ``override``: well -> raw reading string;
    ``mask``: wells to mask in the layout; ``dilutions``: id -> dilution.
    """
    rng = np.random.default_rng(seed)
    p = TRUE[kind]
    layout, sig, truth = {}, {}, {}

    def read(x):
        mu = curve(kind, x)
        return mu * (1 + cv * rng.standard_normal()) + sd0 * rng.standard_normal()

    for r, x in zip(ROWS, p["standards"]):
        for c in (1, 2):
            layout[f"{r}{c}"] = f"std:{x:g}"
            sig[f"{r}{c}"] = read(x)
    for w in ("A3", "A4"):
        layout[w] = "blank"
        sig[w] = read(0.0)
    controls = (
        controls or {"QC1": (12.0, 9.6, 14.4), "QC2": (60.0, 48.0, 72.0)}
        if kind == "competitive"
        else controls or {"QC1": (100.0, 80.0, 120.0), "QC2": (400.0, 320.0, 480.0)}
    )
    for (cid, (nom, lo, hi)), row in zip(controls.items(), "BC"):
        for c in (3, 4):
            layout[f"{row}{c}"] = f"ctrl:{cid}:{nom:g}:{lo:g}-{hi:g}"
            sig[f"{row}{c}"] = read(nom)
    dilutions = dilutions or {}
    for k, ((w1, w2), t) in enumerate(zip(sample_wells(), truths)):
        sid = f"{prefix}{k + 1:03d}"
        dil = dilutions.get(sid, 1.0)
        tok = sid if dil == 1 else f"{sid}@{dil:g}"
        truth[sid] = t
        for w in (w1, w2):
            layout[w] = tok
            sig[w] = read(t / dil)
    sig = {w: f"{v:.4f}" for w, v in sig.items()}
    for w, raw in (override or {}).items():
        sig[w] = raw
    for w in mask:
        layout[w] = "!" + layout[w]
    return layout, sig, truth


def grid_text(cells, *, label=""):
    lines = [",".join([label] + [str(c) for c in range(1, 13)])]
    for r in ROWS:
        lines.append(",".join([r] + [cells.get(f"{r}{c}", "") for c in range(1, 13)]))
    return "\n".join(lines) + "\n"


def long_layout_text(layout, plate=None):
    lines = [
        "well,type,sample_id,nominal_conc,dilution,target_low,target_high,masked"
        + (",plate" if plate else "")
    ]
    for w, tok in layout.items():
        masked = tok.startswith("!")
        t = tok.lstrip("!")
        if t == "blank":
            row = [w, "blank", "", "", "", "", ""]
        elif t.startswith("std:"):
            row = [w, "standard", "", t[4:], "", "", ""]
        elif t.startswith("ctrl:"):
            _, cid, nom, rng = t.split(":")
            lo, hi = rng.split("-")
            row = [w, "control", cid, nom, "", lo, hi]
        else:
            sid, _, dil = t.partition("@")
            row = [w, "sample", sid, "", dil, "", ""]
        row.append("1" if masked else "0")
        if plate:
            row.append(plate)
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def write_plate(tmp_path, name, kind, truths, *, seed, fmt="grid", **kw):
    layout, sig, truth = make_plate(kind, truths, seed=seed, **kw)
    lay = tmp_path / f"{name}_layout.csv"
    rd = tmp_path / f"{name}.csv"
    if fmt == "grid":
        lay.write_text(grid_text(layout))
        rd.write_text(grid_text(sig, label="450"))
    else:
        lay.write_text(long_layout_text(layout))
        rd.write_text("well,signal\n" + "".join(f"{w},{v}\n" for w, v in sig.items()))
    return rd, lay, truth
