"""Build the bundled example files from sarcostat's own simulators.

Run ``python tests/docs/make_examples.py`` from the repository root to
(re)write ``examples/`` and its copy ``src/sarcostat/datasets/examples/``
(the package data an installed wheel carries). Everything is SYNTHETIC and
seeded, so a rerun gives the same values; ``test_examples.py`` checks that
the two copies are identical and that the files still come out of this
script.

The story the tutorial tells with them:

* ``clinic_baseline.xlsx``: a clinic's baseline visit sheet with its own
  headers (``Subject No``, ``Sex (1=M, 2=F)``, ``Grip R1`` ...) and codes
  (sex 1/2, ``unable`` for a chair stand that could not be done, ``ND`` for a
  sclerostin below the kit's detection limit), with ``clinic_map.toml``;
* ``elisa/``: the same participants' serum DKK1 measured by a competitive
  ELISA on two plates, one exported by SoftMax Pro and one by Gen5, each
  with its layout; DKK1 is simulated to fall with muscle mass;
* ``panel.csv``: a 40-analyte proteomics-style panel for ``screen``;
* ``missing_cohort.csv`` (with ``missing_map.toml`` and ``mice_plan.toml``):
  the bundled demo cohort with values missing at random (more often in
  older participants) for the multiple-imputation how-to, and
  ``repool_mice.R`` (a copy of ``docs/r/repool_mice.R``), which re-pools
  the report's ``imputations.csv`` in R mice.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "assay"))
sys.path.insert(0, str(ROOT / "src"))

from simulate import grid_text, make_plate  # noqa: E402

from sarcostat.datasets.simulate import simulate_cohort  # noqa: E402

N = 74  # two plates of 37 duplicate sample pairs
SEED = 2022
SEED2 = 12


HEADERS = {
    "id": "Subject No",
    "sex": "Sex (1=M, 2=F)",
    "age_yr": "Age (yr)",
    "height_cm": "Height (cm)",
    "weight_kg": "Weight (kg)",
    "asm_kg": "ASM (kg)",
    "grip_1_kg": "Grip R1",
    "grip_2_kg": "Grip R2",
    "gait_time_4m_s": "4 m walk (s)",
    "chair_stand_5x_s": "Chair x5 (s)",
    "side_by_side_s": "Balance SBS",
    "semi_tandem_s": "Balance semi",
    "tandem_s": "Balance tandem",
    "sclerostin": "SOST (pmol/L)",
}

MAP = """\
# Column map for clinic_baseline.xlsx (SYNTHETIC example data).
# Left: the header as written in the sheet; right: sarcostat's canonical name.
# Every canonical name and unit: docs/variables.md.

[columns]
"Subject No" = "id"
"Sex (1=M, 2=F)" = "sex"
"Age (yr)" = "age_yr"
"Height (cm)" = "height_cm"
"Weight (kg)" = "weight_kg"
"ASM (kg)" = "asm_kg"
"Grip R1" = {name = "grip_1_kg", unit = "kg"}
"Grip R2" = {name = "grip_2_kg", unit = "kg"}
"4 m walk (s)" = "gait_time_4m_s"
"Chair x5 (s)" = "chair_stand_5x_s"
"Balance SBS" = "side_by_side_s"
"Balance semi" = "semi_tandem_s"
"Balance tandem" = "tandem_s"

[codes]
sex = {1 = "male", 2 = "female"}

[biomarkers]
# 'ND' (not detected) in the sheet is read as below this detection limit.
sclerostin = {unit = "pmol/L", column = "SOST (pmol/L)", lod = 3.2}

[protocol]
muscle_mass_method = "bia"   # InBody; the sheet does not say
gait_distance_m = 4
synthetic = true             # every report made from these files says SYNTHETIC
"""

PLAN = """\
# Analysis plan for the tutorial's question: is serum DKK1 related to
# sarcopenia? (SYNTHETIC example.) Keys left out take the defaults that
# `sarcostat plan --init` writes, every one commented: the founding study's
# design (AWGS 2019; adjusted for age, sex and BMI).

[biomarker]
column = "dkk1"            # the column `sarcostat elisa --merge` adds
unit = "pmol/L"
label = "Serum DKK1"
censored = "lod_sqrt2"     # a value written '<1.5' counts as 1.5/sqrt(2)
"""

README = """\
# Example files (SYNTHETIC)

Every value in these files was simulated by sarcostat's own simulators; no
real person is described. They are the files of the tutorial
(docs/tutorial.md): copy them out with `sarcostat examples -o DIR`.

| file | what it is |
|---|---|
| `clinic_baseline.xlsx` | a clinic's baseline sheet ({n} participants) with its own headers and codes |
| `clinic_map.toml` | the column map that reads it |
| `elisa/run1_softmax.txt` | serum DKK1 plate 1, SoftMax Pro plate-format export (450 and 620 nm) |
| `elisa/run2_gen5.txt` | serum DKK1 plate 2, Gen5 text export (450 and 620 nm) |
| `elisa/layout_run1.csv`, `elisa/layout_run2.csv` | the plate layouts (standards, blanks, controls, samples) |
| `dkk1_plan.toml` | an analysis plan for DKK1 (the founding study's design, another biomarker) |
| `panel.csv` | a {k}-analyte panel (id + one column per analyte) for `sarcostat screen` |
| `missing_cohort.csv` | the demo cohort (129) with values missing at random, for multiple imputation |
| `missing_map.toml` | the column map that reads it (sclerostin in pmol/L, LOD 3.2; BIA) |
| `mice_plan.toml` | a plan with `[missing] method = "mice"` (docs/missing-data.md) |
| `repool_mice.R` | re-pools a report's `imputations.csv` in R mice and checks it against `results.json` |
"""

MISSING_MAP = """\
# Column map of missing_cohort.csv (SYNTHETIC: the demo cohort with gaps).
[biomarkers]
sclerostin = {unit = "pmol/L", column = "sclerostin", lod = 3.2}

[protocol]
muscle_mass_method = "bia"
gait_distance_m = 4
synthetic = true
"""

MICE_PLAN = """\
# Multiple imputation beside the complete cases (SYNTHETIC example):
#   sarcostat analyze missing_cohort.csv --map missing_map.toml --plan mice_plan.toml -o report
# Keys left out take the defaults (`sarcostat plan --init` writes them all).

[study]
steps = ["table1", "fig1", "table2", "fig2", "table3", "model_sets"]

[missing]
method = "mice"      # or "complete_case" (the default): listwise deletion only
imputations = 20     # completed data sets (m)
iterations = 10      # rounds of the chained equations per data set
seed = 2026          # the same seed gives the same imputations
"""


def _missing_cohort(rng) -> pd.DataFrame:
    """The demo cohort with values missing at random: the older the
    participant, the likelier a gap (chair stand, grip, gait, weight,
    sclerostin). An 'unable' chair stand stays 'unable'."""
    from sarcostat.datasets import demo_cohort_path

    d = pd.read_csv(demo_cohort_path(), dtype=str, keep_default_na=False)
    age = d["age_yr"].astype(float)
    for col, base in (
        ("chair_stand_5x_s", 0.08),
        ("grip_1_kg", 0.06),
        ("sclerostin", 0.06),
        ("weight_kg", 0.04),
        ("gait_time_4m_s", 0.05),
    ):
        p = base * np.exp((age - age.mean()) / 8)
        miss = rng.uniform(size=len(d)) < p
        if col == "grip_1_kg":
            d.loc[miss, ["grip_1_kg", "grip_2_kg"]] = ""
        else:
            d.loc[miss & (d[col] != "unable"), col] = ""
    return d


def _cohort(rng):
    df = simulate_cohort(n=N, seed=SEED)
    df["id"] = [f"K{k + 1:03d}" for k in range(N)]
    out = pd.DataFrame({HEADERS[c]: df[c] for c in HEADERS})
    out[HEADERS["sex"]] = df["sex"].map({"male": 1, "female": 2})
    # the clinic's own ways of writing things
    chair = out[HEADERS["chair_stand_5x_s"]].astype(object)
    chair.iloc[[5, 40]] = "unable"
    out[HEADERS["chair_stand_5x_s"]] = chair
    sost = out[HEADERS["sclerostin"]].astype(object)
    sost[pd.to_numeric(sost) < 3.2] = "ND"
    sost.iloc[17] = "ND"
    out[HEADERS["sclerostin"]] = sost
    grip = out[HEADERS["grip_2_kg"]].astype(object)
    grip.iloc[60] = "not done"
    out[HEADERS["grip_2_kg"]] = grip
    return df, out


def _dkk1(df, rng):
    """True serum DKK1 (pmol/L): lower muscle mass, higher DKK1 (synthetic)."""
    smi = df["asm_kg"] / (df["height_cm"] / 100) ** 2
    z = (smi - smi.groupby(df["sex"]).transform("mean")) / smi.groupby(df["sex"]).transform("std")
    return np.clip(38.0 - 9.0 * z + rng.normal(0, 9.0, len(df)), 1.0, None).round(2)


def _plates(ids, truth, dest: Path):
    specs = [("run1_softmax.txt", 7), ("run2_gen5.txt", SEED2)]
    for k, (name, seed) in enumerate(specs):
        sl = slice(37 * k, 37 * (k + 1))
        t = list(truth[sl])
        layout, sig, _ = make_plate("competitive", t, seed=seed, prefix="TMP")
        # the simulator names samples TMP001...; the layout uses the cohort's ids
        rename = {f"TMP{j + 1:03d}": sid for j, sid in enumerate(ids[sl])}
        layout = {w: rename.get(tok, tok) for w, tok in layout.items()}
        rng = np.random.default_rng(100 + seed)
        ref = {w: f"{0.040 + 0.004 * rng.random():.4f}" for w in sig}
        # a reader's OD450 includes the plate's own absorbance, read at 620 nm
        od450 = {w: f"{float(v) + float(ref[w]):.4f}" for w, v in sig.items()}
        (dest / f"layout_run{k + 1}.csv").write_text(grid_text(layout), encoding="utf-8")
        text = _softmax(od450, ref) if "softmax" in name else _gen5(od450, ref)
        data = text.encode("latin-1") if "softmax" in name else text.encode("utf-8")
        (dest / name).write_bytes(data)


def _softmax(c450, c620):
    """SoftMax Pro 'plate format' export: both wavelengths side by side (ANSI text)."""
    nums = "\t".join(str(c) for c in range(1, 13))
    lines = [
        "##BLOCKS= 1",
        "Plate:\tDKK1 run 1\t1.3\tPlateFormat\tEndpoint\tAbsorbance\tRaw\tFALSE\t1\t\t\t\t\t\t"
        "2\t450 620 \t1\t12\t96\t1\t8\tNone\t",
        f"\tTemperature(\u00b0C)\t{nums}\t\t{nums}\t",
    ]
    for i, r in enumerate("ABCDEFGH"):
        a = "\t".join(c450[f"{r}{c}"] for c in range(1, 13))
        b = "\t".join(c620[f"{r}{c}"] for c in range(1, 13))
        lines.append(f"\t{'22.90' if i == 0 else ''}\t{a}\t\t{b}\t")
    lines += ["", "~End", "Original Filename: DKK1 run 1; Date Last Saved: 3/14/2026"]
    return "\r\n".join(lines) + "\r\n"


def _gen5(c450, c620):
    """Gen5 text export: metadata block, then one 8 x 12 block per wavelength."""
    head = (
        "Software Version\t3.08.01\nExperiment File Path:\tC:\\Users\\lab\\DKK1_run2.xpt\n"
        "Plate Number\tPlate 1\nDate\t3/15/2026\nReader Type:\tSynergy HTX\n\n"
        "Procedure Details\nRead\tAbsorbance Endpoint\n\tWavelengths:  450, 620\n\n"
        "Results\nActual Temperature:\t23.1\n\n"
    )
    blocks = []
    for label, cells in (("Read 1:450", c450), ("Read 2:620", c620)):
        lines = [label, "", "\t".join([""] + [str(c) for c in range(1, 13)])]
        for r in "ABCDEFGH":
            vals = [cells[f"{r}{c}"] for c in range(1, 13)]
            lines.append("\t".join([r] + vals + [label.split(":")[-1]]))
        blocks.append("\n".join(lines) + "\n")
    return head + "\n".join(blocks)


def _panel(df, dkk1, rng, k=40):
    """id + k analytes on a log scale; three track muscle (SMI), the rest are noise."""
    smi = (df["asm_kg"] / (df["height_cm"] / 100) ** 2).to_numpy()
    z = (smi - smi.mean()) / smi.std()
    cols = {"id": df["id"]}
    for j in range(k):
        effect = {0: 0.8, 1: -0.6, 2: 0.5}.get(j, 0.0)
        cols[f"P{j + 1:02d}"] = (5 + effect * z + rng.normal(0, 1, len(z))).round(3)
    cols["DKK1"] = np.log2(dkk1).round(3)
    return pd.DataFrame(cols), k + 1


def build(dest: Path) -> None:
    rng = np.random.default_rng(SEED)
    df, sheet = _cohort(rng)
    dkk1 = _dkk1(df, rng)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "elisa").mkdir(exist_ok=True)
    with pd.ExcelWriter(dest / "clinic_baseline.xlsx", engine="openpyxl") as xl:
        sheet.to_excel(xl, sheet_name="Baseline", index=False)
    (dest / "clinic_map.toml").write_text(MAP, encoding="utf-8")
    (dest / "dkk1_plan.toml").write_text(PLAN, encoding="utf-8")
    _plates(list(df["id"]), dkk1.to_numpy(), dest / "elisa")
    panel, k = _panel(df, dkk1.to_numpy(), rng)
    panel.to_csv(dest / "panel.csv", index=False)
    (dest / "README.md").write_text(README.format(n=N, k=k), encoding="utf-8")
    _missing_cohort(np.random.default_rng(7)).to_csv(dest / "missing_cohort.csv", index=False)
    (dest / "missing_map.toml").write_text(MISSING_MAP, encoding="utf-8")
    (dest / "mice_plan.toml").write_text(MICE_PLAN, encoding="utf-8")
    shutil.copyfile(ROOT / "docs" / "r" / "repool_mice.R", dest / "repool_mice.R")


def main() -> None:
    build(ROOT / "examples")
    pkg = ROOT / "src" / "sarcostat" / "datasets" / "examples"
    shutil.rmtree(pkg, ignore_errors=True)  # safe: a generated copy of examples/
    shutil.copytree(ROOT / "examples", pkg)


if __name__ == "__main__":
    main()
