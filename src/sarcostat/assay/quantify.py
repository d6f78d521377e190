"""Plates to concentrations: one standard curve per plate, unknowns read off it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.assay.curves import MODELS, WEIGHTS, fit_curve
from sarcostat.assay.plates import Plate
from sarcostat.assay.qc_rules import control_passes, get_acceptance, rule_checks, standard_passes
from sarcostat.assay.units import convert_units
from sarcostat.exceptions import DataError, ModelError, ParameterError, check_option
from sarcostat.io.privacy import mention_ids, strip_id_mentions

#: Flags, in the order they are listed.
FLAGS = ("no_inverse", "<LOD", "<LLOQ", ">ULOQ", "high_cv", "saturated")
# a sample with any of these has no in-range value for the cohort; a partly saturated
# sample is withheld too (its remaining replicate sits next to an off-scale one)
_LIMIT_FLAGS = {"no_inverse", "<LOD", "<LLOQ", ">ULOQ", "saturated"}


@dataclass(frozen=True)
class AssayResult:
    """Concentrations and QC of one immunoassay run.

    Attributes
    ----------
    samples : pandas.DataFrame
        One row per sample and dilution per plate (plates in run order, ids
        in natural order: S2 before S10): ``id, plate, dilution,
        n_wells, n_masked, mean_signal, pct_b_b0, conc_well, concentration,
        cv_pct, flags, reported, lod, lloq, uloq, plate_qc``.
        ``conc_well`` is read off the curve (in-well), ``concentration`` =
        ``conc_well x dilution``; ``lod/lloq/uloq`` are scaled by the
        dilution; ``flags`` is a ``;``-separated subset of
        ``no_inverse, <LOD, <LLOQ, >ULOQ, high_cv, saturated`` (``saturated``:
        a replicate read above the reader's range, e.g. ``OVRFLW``, and was
        left out; with every replicate saturated the sample is ``>ULOQ`` on a
        rising curve, ``<LLOQ`` (and ``<LOD``) on a falling one); ``reported`` is the value
        as written for the cohort (a number, ``<limit`` or ``>limit``; empty
        when there is none, e.g. a partly saturated sample).
    controls : pandas.DataFrame
        Same columns as ``samples`` plus ``nominal_conc, target_low,
        target_high, recovery_pct, passed``.
    standards : pandas.DataFrame
        One row per standard level per plate: ``plate, nominal_conc, anchor,
        n_wells, mean_signal, pct_b_b0, back_calc, recovery_pct,
        low_limit_pct, high_limit_pct, passed`` (``passed`` is None for the
        zero standard and for anchor points, which are fitted but not judged).
    wells : pandas.DataFrame
        Every well (the `Plate` columns) with ``used``, its
        back-calculated ``conc_well``, ``side`` (``low``/``high`` when the
        reading is beyond an asymptote) and, for standards, ``recovery_pct``.
    qc : pandas.DataFrame
        One row per plate: ``plate, source, status`` (``ok``/``failed``),
        ``qc_pass``, ``message``, ``model, weights, direction, A, B, C, D, E,
        r_squared, sigma, n_levels, n_levels_judged (non-zero), n_levels_passed,
        std_pass_pct, lod,
        lod_source, lloq, uloq, lod_reason, lloq_reason, uloq_reason, b0,
        intra_cv_pct, n_samples, n_controls, controls_passed``. A limit that
        cannot be computed is NaN with its ``*_reason`` in words ('' when
        the limit is there).
    inter_assay : pandas.DataFrame
        One row per control measured on >= 2 plates: ``control, n_plates,
        mean, sd, cv_pct``.
    curves : dict
        Plate name -> `StandardCurve`.
    notes : tuple of str
    meta : dict
        ``unit``, ``acceptance``, ``model``, ``weights``, ``fit_to``,
        ``cv_limit``, ``intra_assay_cv_pct``, ``inter_assay_cv_pct``.
    verdicts : pandas.DataFrame
        The acceptance verdict of each processed plate, one row per rule of
        the preset (`sarcostat.assay.qc_rules.rule_checks`): ``plate,
        rule, requirement, observed, passed, reason``. A plate passes QC
        when every one of its rules passes.
    """

    samples: pd.DataFrame
    controls: pd.DataFrame
    standards: pd.DataFrame
    wells: pd.DataFrame
    qc: pd.DataFrame
    inter_assay: pd.DataFrame
    curves: dict
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    verdicts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_VERDICT_COLS))

    @property
    def failed(self) -> list[str]:
        """Names of plates that could not be processed."""
        return list(self.qc.loc[self.qc["status"] == "failed", "plate"])

    def to_frame(self) -> pd.DataFrame:
        return self.samples.copy()

    def _factor(self, to_unit, mw):
        if to_unit is None:
            return 1.0
        return convert_units(1.0, self.meta.get("unit", "pmol/L"), to_unit, mw=mw)

    def samples_in(self, to_unit=None, *, mw=None) -> pd.DataFrame:
        """`samples` with a ``unit`` column after ``concentration``, converted
        to ``to_unit`` (``concentration``, ``lod``, ``lloq``, ``uloq`` and the
        ``reported`` strings) when given; ``mw`` (g/mol) for molar <-> mass."""
        f = self._factor(to_unit, mw)
        s = self.samples.copy()
        for c in ("concentration", "lod", "lloq", "uloq"):
            s[c] = s[c].astype(float) * f

        def scale(v):
            if not isinstance(v, str) or not v:
                return v
            sign = v[0] if v[0] in "<>" else ""
            return f"{sign}{float(v[len(sign) :]) * f:.6g}"

        s["reported"] = s["reported"].map(scale)
        s.insert(
            s.columns.get_loc("concentration") + 1, "unit", to_unit or self.meta.get("unit", "")
        )
        return s

    def summary(self, *, include_ids: bool = False) -> str:
        """The run in a few lines for the console; sample ids named in the
        notes (saturated wells) and in a failed plate's message are withheld
        unless ``include_ids``."""
        lines = []
        for r in self.qc.itertuples(index=False):
            if r.status == "failed":
                lines.append(f"{r.plate}: FAILED - {r.message}")
            else:
                lines.append(
                    f"{r.plate}: {r.model.upper()}"
                    f"{'' if r.weights in ('none', None) else f' (weights {r.weights})'} "
                    f"{r.direction}, R²={r.r_squared:.4f}, "
                    f"{r.n_levels_passed}/{r.n_levels_judged} non-zero standard levels pass, "
                    f"LOD={_limit(r.lod)}, LLOQ={_limit(r.lloq)}, ULOQ={_limit(r.uloq)}, "
                    f"intra-CV={r.intra_cv_pct:.1f}%, "
                    f"{r.n_samples} samples, QC {'pass' if r.qc_pass else 'FAIL'}"
                    + (f" ({r.message})" if r.message else "")
                )
        if np.isfinite(self.meta.get("inter_assay_cv_pct", np.nan)):
            lines.append(f"Inter-assay CV (controls): {self.meta['inter_assay_cv_pct']:.1f}%")
        lines += [f"Note: {n}" for n in self.notes]
        text = "\n".join(lines)
        return text if include_ids else strip_id_mentions(text)

    def flagged_wells(self) -> pd.DataFrame:
        """Every well that needs a reader's attention, with the reasons in words.

        Returns
        -------
        pandas.DataFrame
            One row per flagged well, plates in run order and wells in plate
            order: ``plate, well, type, id, signal, raw, reasons`` (``id`` is
            the sample, control or standard name of the layout; ``reasons``
            is a ``'; '``-separated list). A well is flagged when it is
            masked in the layout, its reading is missing, non-numeric or
            above the reader's range, it belongs to a standard level whose
            back-calculated recovery is outside the preset's limits, to a
            control outside its range, or to a sample with a limit flag
            (``<LOD``, ``<LLOQ``, ``>ULOQ``, ``no_inverse``) or a replicate CV
            above ``cv_limit``.
        """
        cols = ["plate", "well", "type", "id", "signal", "raw", "reasons"]
        if not len(self.wells):
            return pd.DataFrame(columns=cols)
        unit = self.meta.get("unit", "")
        cv_limit = self.meta.get("cv_limit", np.nan)
        words = {
            "<LOD": "below the LOD",
            "<LLOQ": "below the LLOQ",
            ">ULOQ": "above the ULOQ",
            "no_inverse": "signal beyond the curve's asymptote (no concentration)",
            "saturated": "a replicate above the reader's range",
        }
        std_fail = {}
        for r in self.standards.itertuples(index=False):
            if r.passed is False or (r.passed is not None and not bool(r.passed)):
                rec = f"{r.recovery_pct:.0f}%" if np.isfinite(r.recovery_pct) else "no back-fit"
                std_fail[(r.plate, float(r.nominal_conc))] = (
                    f"standard level {r.nominal_conc:g} {unit}: recovery {rec}, outside "
                    f"{r.low_limit_pct:g}-{r.high_limit_pct:g}%"
                )
        per_sample = {}
        for df, kind in ((self.samples, "sample"), (self.controls, "control")):
            for r in df.to_dict("records"):
                why = [words[f] for f in str(r["flags"] or "").split(";") if f in words]
                if "high_cv" in str(r["flags"] or ""):
                    why.append(f"replicate CV {r['cv_pct']:.0f}% > {cv_limit:g}%")
                if kind == "control" and r.get("passed") is not None and not bool(r["passed"]):
                    lo, hi = r.get("target_low"), r.get("target_high")
                    rng = (
                        f"{lo:g}-{hi:g} {unit}"
                        if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi)
                        else "its recovery limits"
                    )
                    got = r["concentration"]
                    why.append(
                        f"control outside {rng} (got {got:.3g})"
                        if np.isfinite(got)
                        else f"control outside {rng} (no concentration)"
                    )
                if why:
                    per_sample[(r["plate"], str(r["id"]), float(r["dilution"]))] = why
        problem = {
            "missing": "no reading",
            "non-numeric": "non-numeric reading",
            "saturated": "above the reader's range",
        }
        rows = []
        for w in self.wells.to_dict("records"):
            why = []
            if bool(w["masked"]):
                why.append("masked in the layout")
            p = w.get("reading_problem") or ""
            if p in problem:
                why.append(f"{problem[p]} ({w['raw']!r})" if p != "missing" else problem[p])
            if w["type"] == "standard":
                nom = w["nominal_conc"]
                if nom is not None and np.isfinite(nom) and (w["plate"], float(nom)) in std_fail:
                    why.append(std_fail[(w["plate"], float(nom))])
            elif w["type"] in ("sample", "control"):
                key = (w["plate"], str(w["sample_id"]), float(w["dilution"]))
                why += per_sample.get(key, [])
            if why:
                rows.append(
                    {
                        "plate": w["plate"],
                        "well": w["well"],
                        "type": w["type"],
                        "id": w["sample_id"],
                        "signal": w["signal"],
                        "raw": w["raw"],
                        "reasons": "; ".join(dict.fromkeys(why)),
                    }
                )
        return pd.DataFrame(rows, columns=cols)

    def to_cohort_frame(
        self,
        analyte="sclerostin",
        *,
        censor="lod",
        above="missing",
        to_unit=None,
        mw=None,
        include_failed_qc=False,
    ) -> pd.DataFrame:
        """Concentrations ready to join the cohort table.

        Parameters
        ----------
        analyte : str, default "sclerostin"
            Name of the value column.
        censor : {"lod", "lloq"}, default "lod"
            Below which limit a value is written censored, as ``<limit``
            (the cohort reader reads ``<3.2`` as left-censored at 3.2).
            With ``"lod"`` values between LOD and LLOQ stay numeric (and
            keep their ``<LLOQ`` flag in `samples`).
        above : {"missing", "string"}, default "missing"
            Values above the ULOQ (or beyond the upper asymptote): left
            empty (re-assay diluted), or written as ``>limit``.
        to_unit : str, optional
            Convert from ``meta['unit']``, e.g. ``"ng/mL"``.
        mw : float, optional
            Molecular weight (g/mol) for molar <-> mass conversion.
        include_failed_qc : bool, default False
            Keep samples from plates whose QC failed.

        Returns
        -------
        pandas.DataFrame
            Columns ``id`` and ``analyte`` (object: floats or censored
            strings), one row per sample id. A sample measured on several
            plates gets the mean of its in-range results; if none is in
            range, the censored value of its first plate.
        """
        check_option(censor, ("lod", "lloq"), parameter="censor", function="to_cohort_frame")
        check_option(above, ("missing", "string"), parameter="above", function="to_cohort_frame")
        s = self.samples.copy()
        if not include_failed_qc:
            s = s[s["plate_qc"].astype(bool).to_numpy()]
        factor = self._factor(to_unit, mw)
        out = []
        for sid, g in s.groupby("id", sort=False):
            flags = [set(f.split(";")) - {""} for f in g["flags"]]
            inrange = [
                i
                for i, f in enumerate(flags)
                if not (f & _LIMIT_FLAGS) and np.isfinite(g["concentration"].iloc[i])
            ]
            if censor == "lod":
                inrange += [
                    i
                    for i, f in enumerate(flags)
                    if f & _LIMIT_FLAGS == {"<LLOQ"} and np.isfinite(g["concentration"].iloc[i])
                ]
            if inrange:
                val = float(np.mean(g["concentration"].iloc[sorted(set(inrange))])) * factor
            else:
                r = g.iloc[0]
                f = flags[0]
                if ">ULOQ" in f:
                    val = (
                        f">{r['uloq'] * factor:.6g}"
                        if above == "string" and np.isfinite(r["uloq"])
                        else np.nan
                    )
                elif "<LOD" in f and np.isfinite(r["lod"]):
                    val = f"<{r['lod'] * factor:.6g}"
                elif f & {"<LLOQ", "no_inverse"} and np.isfinite(r["lloq"]):
                    val = f"<{r['lloq'] * factor:.6g}"
                else:
                    val = np.nan
            out.append({"id": sid, analyte: val})
        return (
            pd.DataFrame(out, columns=["id", analyte])
            .astype({analyte: object})
            .sort_values("id", kind="stable")
            .reset_index(drop=True)
        )


def _limit(value) -> str:
    """A limit for the console: 4 significant digits, or 'not determined' (NaN)."""
    return f"{value:.4g}" if np.isfinite(value) else "not determined"


def _cv(values):
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size < 2 or v.mean() == 0:
        return np.nan
    return float(np.std(v, ddof=1) / abs(v.mean()) * 100)


def _intra_cv(samples):
    """Mean replicate CV of the in-range samples: replicates read near an asymptote
    (below the LLOQ, above the ULOQ) have CVs that say nothing about the assay's precision."""
    if not len(samples):
        return np.nan
    inrange = ~samples["flags"].fillna("").str.contains("LOD|LLOQ|ULOQ|no_inverse|saturated")
    cv = samples.loc[inrange, "cv_pct"].astype(float)
    return float(cv.mean()) if cv.notna().any() else np.nan


def _natural_key(text):
    """Sort key that puts S2 before S10."""
    return [
        (0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", str(text))
    ]


def _fail_row(plate, message):
    return {
        "plate": plate.name,
        "source": plate.source,
        "status": "failed",
        "qc_pass": False,
        "message": message,
        "lod_reason": "plate not processed",
        "lloq_reason": "plate not processed",
        "uloq_reason": "plate not processed",
    }


def _quantify_plate(plate: Plate, *, model, weights, fit_to, acc, lod, cv_limit):
    """One plate: fit the curve, judge the standards, LOD, samples, controls, QC row."""
    w = plate.wells.copy()
    w["used"] = ~w["masked"] & w["signal"].notna()
    std = w[(w["type"] == "standard") & w["used"]]
    levels = np.sort(std["nominal_conc"].unique())
    curve = _fit_standards(
        plate, w, std, levels, model=model, weights=weights, fit_to=fit_to, acc=acc
    )
    zero = std[std["nominal_conc"] == 0]["signal"]
    b0 = float(zero.mean()) if len(zero) else curve.params["A"]
    st, judged = _judge_standards(plate, std, levels, curve, b0, acc)
    n_pass = int(judged["passed"].sum())
    passed_levels = judged.loc[judged["passed"].astype(bool), "nominal_conc"]
    lloq = float(passed_levels.min()) if len(passed_levels) else np.nan
    uloq = float(passed_levels.max()) if len(passed_levels) else np.nan

    notes: list[str] = []
    lod_val, lod_src, lod_reason = _limit_of_detection(plate, w, curve, zero, lod, notes)
    notes += _saturation_notes(plate, w)
    limits = _Limits(lod=lod_val, lloq=lloq, uloq=uloq)
    smp = _summarise_wells(w[w["type"] == "sample"], plate, curve, limits, b0, cv_limit)
    ctl = _summarise_wells(w[w["type"] == "control"], plate, curve, limits, b0, cv_limit)
    if len(ctl):
        _judge_controls(plate, ctl, acc, notes)
    checks = rule_checks(
        judged["passed"].astype(bool),
        ctl["passed"] if len(ctl) else [],
        ctl["nominal_conc"] if len(ctl) else [],
        acceptance=acc,
    )
    reasons = [c["reason"] for c in checks if not c["passed"]]
    qc = _plate_qc(plate, curve, levels, judged, n_pass, limits, lod_src, b0, smp, ctl, reasons)
    qc["lod_reason"] = lod_reason
    loq_reason = (
        ""
        if np.isfinite(lloq)
        else f"no non-zero standard level back-calculates within the {acc.name} acceptance limits"
    )
    qc["lloq_reason"] = qc["uloq_reason"] = loq_reason
    for df in (smp, ctl):
        if len(df):
            df["plate_qc"] = not reasons
    verdict = pd.DataFrame([{"plate": plate.name, **c} for c in checks], columns=_VERDICT_COLS)
    return curve, w, st, smp, ctl, qc, notes, verdict


def _plate_qc(plate: Plate, curve, levels, judged, n_pass, limits, lod_src, b0, smp, ctl, reasons):
    """The plate's row of the QC table."""
    frac = n_pass / len(judged) if len(judged) else 0.0
    intra = _intra_cv(smp)
    p = curve.params
    return {
        "plate": plate.name,
        "source": plate.source,
        "status": "ok",
        "qc_pass": not reasons,
        "message": "; ".join(reasons),
        "model": curve.model,
        "weights": curve.weights,
        "direction": curve.direction,
        "A": p["A"],
        "B": p["B"],
        "C": p["C"],
        "D": p["D"],
        "E": p.get("E", np.nan),
        "r_squared": curve.r_squared,
        "sigma": curve.sigma,
        "n_levels": int(levels.size),
        "n_levels_judged": int(len(judged)),
        "n_levels_passed": n_pass,
        "std_pass_pct": frac * 100,
        "lod": limits.lod,
        "lod_source": lod_src,
        "lloq": limits.lloq,
        "uloq": limits.uloq,
        "b0": b0,
        "intra_cv_pct": intra,
        "n_samples": int(len(smp)),
        "n_controls": int(len(ctl)),
        "controls_passed": int(ctl["passed"].sum()) if len(ctl) else 0,
    }


def _fit_standards(plate: Plate, w, std, levels, *, model, weights, fit_to, acc):
    """Fit the standard curve and add each well's back-calculated concentration
    (``conc_well``, ``side``, ``recovery_pct``) to ``w``."""
    need = max(5, acc.min_std_levels)
    if levels.size < need:
        raise DataError(
            f"plate {plate.name}: {levels.size} standard level(s) with readings; "
            f"at least {need} are needed for a {model.upper()} curve "
            f"({acc.name} acceptance)."
        )
    means = std.groupby("nominal_conc")["signal"].mean()
    if fit_to == "means":
        curve = fit_curve(means.index.to_numpy(), means.to_numpy(), model=model, weights=weights)
    else:
        curve = fit_curve(
            std["nominal_conc"].to_numpy(), std["signal"].to_numpy(), model=model, weights=weights
        )
    w["conc_well"] = curve.inverse(w["signal"].to_numpy())
    w["side"] = curve.inverse_side(w["signal"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        w["recovery_pct"] = np.where(
            (w["type"] == "standard") & (w["nominal_conc"] > 0),
            w["conc_well"] / w["nominal_conc"] * 100,
            np.nan,
        )
    return curve


def _judge_standards(plate: Plate, std, levels, curve, b0: float, acc):
    """The standards table (back-calculated level means, recovery, pass) and
    the rows that were judged; anchor points are fitted, never judged."""
    falling = curve.direction == "falling"
    grp = std.groupby("nominal_conc")["signal"]
    means = grp.mean()
    anchors = set(std.loc[std["anchor"].astype(bool), "nominal_conc"])
    mixed = anchors & set(std.loc[~std["anchor"].astype(bool), "nominal_conc"])
    if mixed:
        raise DataError(
            f"plate {plate.name}: standard level {min(mixed):g} is an anchor point in "
            "some wells and a calibration standard in others; mark every well of "
            "the level the same way."
        )
    nz = np.array([x for x in levels if x > 0 and x not in anchors])
    st = pd.DataFrame(
        {
            "plate": plate.name,
            "nominal_conc": means.index.to_numpy(),
            "anchor": means.index.isin(list(anchors)),
            "n_wells": grp.size().to_numpy(),
            "mean_signal": means.to_numpy(),
        }
    )
    st["pct_b_b0"] = st["mean_signal"] / b0 * 100 if falling else np.nan
    st["back_calc"] = curve.inverse(st["mean_signal"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        st["recovery_pct"] = np.where(
            st["nominal_conc"] > 0, st["back_calc"] / st["nominal_conc"] * 100, np.nan
        )
    edge = st["nominal_conc"].isin([nz.min(), nz.max()]) if nz.size else False
    st["low_limit_pct"] = np.where(edge, acc.std_recovery_edge[0], acc.std_recovery[0])
    st["high_limit_pct"] = np.where(edge, acc.std_recovery_edge[1], acc.std_recovery[1])
    is_judged = (st["nominal_conc"] > 0) & ~st["anchor"]
    st.loc[~is_judged, ["low_limit_pct", "high_limit_pct"]] = np.nan
    st["passed"] = standard_passes(st["recovery_pct"], edge=edge, acceptance=acc)
    st["passed"] = st["passed"].astype(object).where(is_judged, None)
    return st, st[is_judged]


def _limit_of_detection(plate: Plate, w, curve, zero, lod, notes: list[str]):
    """(LOD, its source, why it is missing): the kit's value, else the blanks'
    (or zero standards') mean +/- 3 SD towards the curve, read off the curve.
    The reason is '' when the LOD is there."""
    falling = curve.direction == "falling"
    if lod is not None:
        return float(lod), "declared", ""
    bl = w[(w["type"] == "blank") & w["used"]]["signal"]
    src = "blanks"
    A, D = curve.params["A"], curve.params["D"]
    if len(bl) >= 2 and (bl.mean() - A) / (D - A) > 0.5:
        # Blanks nearer the infinite-concentration asymptote are substrate or
        # non-specific-binding wells (typical of competitive kits), not
        # zero-analyte samples: their spread says nothing about the LOD.
        notes.append(
            f"plate {plate.name}: blank wells read like the high-concentration "
            "end of the curve (substrate/NSB wells?); LOD taken from the zero "
            "standard instead."
        )
        bl = bl.iloc[:0]
    if len(bl) < 2:
        bl, src = zero, "zero standard"
    if len(bl) >= 2:
        thr = bl.mean() - 3 * bl.std(ddof=1) if falling else bl.mean() + 3 * bl.std(ddof=1)
        lod_val = float(curve.inverse(thr))
        lod_src = f"{src} mean {'-' if falling else '+'} 3 SD"
        reason = ""
        if not np.isfinite(lod_val):
            reason = (
                f"the {src} mean {'-' if falling else '+'} 3 SD (signal {thr:.4g}) lies beyond "
                f"the curve's {'upper' if thr > max(A, D) else 'lower'} asymptote, so no "
                "concentration reads it; declare the kit's LOD with --lod"
            )
            notes.append(
                f"plate {plate.name}: the {src} threshold has no inverse on the curve; "
                "LOD not determined."
            )
        return lod_val, lod_src, reason
    notes.append(
        f"plate {plate.name}: no blanks or zero standard (>= 2 wells) and no "
        "declared LOD; <LOD is not flagged."
    )
    return (
        np.nan,
        "none",
        "no declared LOD (--lod) and fewer than 2 blank or zero-standard wells to estimate "
        "one from (mean +/- 3 SD)",
    )


def _saturation_notes(plate: Plate, w) -> list[str]:
    sat = w[(w["reading_problem"] == "saturated") & (w["type"] == "sample") & ~w["masked"]]
    if not len(sat):
        return []
    return [
        f"plate {plate.name}: sample well(s) above the reader's range, left out and "
        f"flagged 'saturated' (re-assay diluted): "
        + ", ".join(f"{r.well} {mention_ids(r.sample_id)} ({r.raw!r})" for r in sat.itertuples())
        + "."
    ]


@dataclass(frozen=True)
class _Limits:
    """The plate's limits in well concentration (before dilution)."""

    lod: float
    lloq: float
    uloq: float


def _summarise_wells(df, plate: Plate, curve, limits: _Limits, b0: float, cv_limit):
    """One row per sample (or control) and dilution: mean signal, concentration,
    CV, flags and the value to report."""
    falling = curve.direction == "falling"
    rows = []
    for (sid, dil), g in df.groupby(["sample_id", "dilution"], sort=False):
        u = g[g["used"]]
        n_sat = int(((g["reading_problem"] == "saturated") & ~g["masked"]).sum())
        mean_sig = float(u["signal"].mean()) if len(u) else np.nan
        cw = float(curve.inverse(mean_sig)) if len(u) else np.nan
        side = curve.inverse_side(np.array([mean_sig]))[0] if len(u) else ""
        if n_sat and not len(u):
            # every replicate above the reader's range: the highest signals there are,
            # i.e. the zero-concentration end of a competitive curve, the top of a sandwich one
            side = "low" if falling else "high"
        cv = _cv(u["conc_well"]) if len(u) >= 2 else np.nan
        flags = _well_flags(cw, side, cv, n_used=len(u), n_sat=n_sat, limits=limits)
        if np.isfinite(cv) and cv > cv_limit:
            flags.add("high_cv")
        conc = cw * dil
        rows.append(
            {
                "id": sid,
                "plate": plate.name,
                "dilution": dil,
                "n_wells": int(len(u)),
                "n_masked": int(g["masked"].sum()),
                "mean_signal": mean_sig,
                "pct_b_b0": mean_sig / b0 * 100 if falling else np.nan,
                "conc_well": cw,
                "concentration": conc,
                "cv_pct": cv,
                "flags": ";".join(f for f in FLAGS if f in flags),
                "reported": _reported(conc, cw, dil, side, flags, limits),
                "lod": limits.lod * dil,
                "lloq": limits.lloq * dil,
                "uloq": limits.uloq * dil,
                "nominal_conc": g["nominal_conc"].iloc[0],
                "target_low": g["target_low"].iloc[0],
                "target_high": g["target_high"].iloc[0],
            }
        )
    rows.sort(key=lambda r: (_natural_key(r["id"]), r["dilution"]))
    return pd.DataFrame(rows)


def _well_flags(cw: float, side, cv: float, *, n_used: int, n_sat: int, limits: _Limits) -> set:
    """Saturation, no inverse and the limit flags of one sample's mean."""
    lod_val, lloq, uloq = limits.lod, limits.lloq, limits.uloq
    flags = {"saturated"} if n_sat else set()
    if not np.isfinite(cw) and (n_used or n_sat):
        if n_used:
            flags.add("no_inverse")
        if side == "low":
            flags.add("<LLOQ")
            if np.isfinite(lod_val):
                flags.add("<LOD")
        elif side == "high":
            flags.add(">ULOQ")
    if np.isfinite(cw):
        if np.isfinite(lod_val) and cw < lod_val:
            flags.add("<LOD")
        if np.isfinite(lloq) and cw < lloq:
            flags.add("<LLOQ")
        if np.isfinite(uloq) and cw > uloq:
            flags.add(">ULOQ")
    return flags


def _reported(conc: float, cw: float, dil, side, flags: set, limits: _Limits) -> str:
    """The value written for the cohort: a number, ``<limit``, ``>limit`` or ''."""
    if "<LOD" in flags and np.isfinite(limits.lod):
        return f"<{limits.lod * dil:.6g}"
    if (
        flags & {"<LLOQ", "no_inverse"}
        and side != "high"
        and np.isfinite(limits.lloq)
        and not np.isfinite(cw)
    ):
        return f"<{limits.lloq * dil:.6g}"
    if ">ULOQ" in flags and np.isfinite(limits.uloq):
        return f">{limits.uloq * dil:.6g}"
    # a replicate off-scale beside an in-range one: not a result to report
    return f"{conc:.6g}" if np.isfinite(conc) and "saturated" not in flags else ""


def _judge_controls(plate: Plate, ctl, acc, notes: list[str]) -> None:
    """Recovery and pass/fail of each control, in place."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ctl["recovery_pct"] = ctl["concentration"] / ctl["nominal_conc"] * 100
    has_rng = ctl["target_low"].notna() & ctl["target_high"].notna()
    ctl["passed"] = control_passes(
        ctl["concentration"],
        ctl["nominal_conc"],
        ctl["target_low"],
        ctl["target_high"],
        acceptance=acc,
    )
    if acc.name == "kit" and (~has_rng).any():
        notes.append(
            f"plate {plate.name}: kit acceptance but control(s) "
            f"{', '.join(ctl.loc[~has_rng, 'id'])} have no declared range; judged "
            f"at {acc.control_recovery[0]:g}-{acc.control_recovery[1]:g}% of nominal."
        )


_QC_COLS = [
    "plate",
    "source",
    "status",
    "qc_pass",
    "message",
    "model",
    "weights",
    "direction",
    "A",
    "B",
    "C",
    "D",
    "E",
    "r_squared",
    "sigma",
    "n_levels",
    "n_levels_judged",
    "n_levels_passed",
    "std_pass_pct",
    "lod",
    "lod_source",
    "lloq",
    "uloq",
    "lod_reason",
    "lloq_reason",
    "uloq_reason",
    "b0",
    "intra_cv_pct",
    "n_samples",
    "n_controls",
    "controls_passed",
]
_VERDICT_COLS = ["plate", "rule", "requirement", "observed", "passed", "reason"]
_SAMPLE_COLS = [
    "id",
    "plate",
    "dilution",
    "n_wells",
    "n_masked",
    "mean_signal",
    "pct_b_b0",
    "conc_well",
    "concentration",
    "cv_pct",
    "flags",
    "reported",
    "lod",
    "lloq",
    "uloq",
    "plate_qc",
]
_CONTROL_COLS = _SAMPLE_COLS + [
    "nominal_conc",
    "target_low",
    "target_high",
    "recovery_pct",
    "passed",
]


def quantify(
    plates,
    *,
    model="4pl",
    weights=None,
    fit_to="means",
    acceptance="research",
    lod=None,
    cv_limit=20.0,
    unit="pmol/L",
) -> AssayResult:
    """Fit a standard curve per plate and back-calculate controls and samples.

    Parameters
    ----------
    plates : list of Plate
        From `read_plates`. Plates with ``errors`` are reported as
        failed; the rest are processed.
    model : {"4pl", "5pl"}, default "4pl"
    weights : {None, "none", "1/y2", "1/yhat2", "1/y"}, default None (unweighted)
    fit_to : {"means", "replicates"}, default "means"
        Fit to the mean signal of each standard level (SoftMax Pro default)
        or to every standard well.
    acceptance : {"research", "kit", "ich-m10"}, default "research"
        Acceptance preset (`sarcostat.assay.qc_rules`).
    lod : float, optional
        Declared (kit) limit of detection in ``unit``, in-well; by default
        the LOD is estimated from the blanks (or the zero standard).
    cv_limit : float, default 20
        Replicate CV% above which a sample is flagged ``high_cv``.
    unit : str, default "pmol/L"
        Unit of the standards' nominal concentrations (labels the output).

    Returns
    -------
    AssayResult
        ``samples``, ``controls``, ``standards``, ``wells``, ``qc``,
        ``inter_assay``, ``curves``; see `AssayResult` for every
        column.

    Raises
    ------
    ParameterError
        An invalid option. Problems of one plate never raise: the plate is
        reported as failed in ``qc`` with its message.

    See Also
    --------
    fit_curve, read_plates, AssayResult.to_cohort_frame

    Notes
    -----
    * Curve: `fit_curve` on the standards (masked and unreadable
      wells excluded); the zero standard enters at the asymptote A.
    * A sample's concentration is the inverse of its mean replicate signal
      times its dilution (read-off of the mean, as SoftMax Pro's "fit to
      means" reports it); ``cv_pct`` is the CV of the per-well back-calculated
      concentrations (SD with n - 1).
    * LLOQ / ULOQ: the lowest / highest non-zero standard (anchor points excluded) whose back-calculated
      recovery passes the preset. LOD: the declared ``lod``, else
      :math:`\\bar y_{blank} \\pm 3 s_{blank}` in the direction of the assay
      (minus for a falling, competitive curve), read off the curve; blanks
      are ``blank`` wells, or the zero standard when there are fewer than 2
      or when the blanks read nearer the infinite-concentration asymptote
      than the zero-concentration one (substrate / NSB wells of competitive
      kits; a note says so).
      All three are in-well concentrations and are multiplied by each
      sample's dilution.
    * %B/B0 (falling curves): mean signal / mean zero-standard signal x 100
      (fitted A when there is no zero standard).
    * Intra-assay CV: mean of the replicate CVs of the samples within the
      limits (no ``<LOD``, ``<LLOQ``, ``>ULOQ``, ``no_inverse`` or
      ``saturated`` flag), per plate and over the run. Inter-assay CV: CV of
      each control's plate results across plates, averaged over controls.

    Equivalent R (drc)::

        m <- drm(signal ~ conc, data = standards, fct = LL.4())
        ED(m, response_level, type = "absolute", display = FALSE)  # inverse

    References
    ----------
    Findlay JWA, Dillard RF. Appropriate calibration curve fitting in ligand
    binding assays. AAPS J 2007;9(2):E260-E267. doi:10.1208/aapsj0902029

    Examples
    --------
    >>> from sarcostat.assay import read_plates, quantify  # doctest: +SKIP
    >>> res = quantify(read_plates(["plate1.csv"], layout="layout.csv"))  # doctest: +SKIP
    >>> res.to_cohort_frame("sclerostin")  # doctest: +SKIP
    """
    check_option(model, MODELS, parameter="model", function="quantify")
    check_option(
        "none" if weights is None else weights, WEIGHTS, parameter="weights", function="quantify"
    )
    check_option(fit_to, ("means", "replicates"), parameter="fit_to", function="quantify")
    acc = get_acceptance(acceptance)
    if lod is not None and (not np.isfinite(lod) or lod <= 0):
        raise ParameterError(
            f"The 'lod' parameter of quantify must be a positive number. Got {lod!r} instead."
        )
    if not (isinstance(cv_limit, (int, float)) and cv_limit > 0):
        raise ParameterError(
            f"The 'cv_limit' parameter of quantify must be a positive number. "
            f"Got {cv_limit!r} instead."
        )
    curves, wells, stds, smps, ctls, qcs, notes = {}, [], [], [], [], [], []
    verdicts = []
    for plate in plates:
        if plate.errors:
            qcs.append(_fail_row(plate, " | ".join(plate.errors)))
            continue
        try:
            curve, w, st, smp, ctl, qc, n, verdict = _quantify_plate(
                plate,
                model=model,
                weights=weights,
                fit_to=fit_to,
                acc=acc,
                lod=lod,
                cv_limit=cv_limit,
            )
        except (DataError, ModelError) as exc:
            msg = str(exc)
            if not msg.startswith("plate "):
                msg = f"plate {plate.name}: standard curve: {msg.removeprefix('fit_curve: ')}"
            qcs.append(_fail_row(plate, msg))
            continue
        curves[plate.name] = curve
        wells.append(w)
        stds.append(st)
        smps.append(smp)
        ctls.append(ctl)
        qcs.append(qc)
        verdicts.append(verdict)
        notes += n
    qc = pd.DataFrame(qcs).reindex(columns=_QC_COLS)
    for c in (
        "n_levels",
        "n_levels_judged",
        "n_levels_passed",
        "n_samples",
        "n_controls",
        "controls_passed",
    ):
        qc[c] = qc[c].astype("Int64")
    qc["qc_pass"] = qc["qc_pass"].astype(bool)
    samples = (
        pd.concat([s for s in smps if len(s)], ignore_index=True)
        if any(len(s) for s in smps)
        else pd.DataFrame(columns=_SAMPLE_COLS)
    )
    controls = (
        pd.concat([c for c in ctls if len(c)], ignore_index=True)
        if any(len(c) for c in ctls)
        else pd.DataFrame(columns=_CONTROL_COLS)
    )
    samples = samples.reindex(columns=_SAMPLE_COLS)
    controls = controls.reindex(columns=_CONTROL_COLS)
    inter = []
    if len(controls):
        for cid, g in controls.groupby("id", sort=False):
            vals = g.groupby("plate")["concentration"].mean()
            vals = vals[np.isfinite(vals)]
            if len(vals) >= 2:
                inter.append(
                    {
                        "control": cid,
                        "n_plates": int(len(vals)),
                        "mean": float(vals.mean()),
                        "sd": float(vals.std(ddof=1)),
                        "cv_pct": _cv(vals),
                    }
                )
    inter = pd.DataFrame(inter, columns=["control", "n_plates", "mean", "sd", "cv_pct"])
    meta = {
        "unit": unit,
        "acceptance": acc.name,
        "acceptance_source": acc.source,
        "model": model,
        "weights": "none" if weights is None else weights,
        "fit_to": fit_to,
        "cv_limit": cv_limit,
        "intra_assay_cv_pct": _intra_cv(samples),
        "inter_assay_cv_pct": float(inter["cv_pct"].mean()) if len(inter) else np.nan,
    }
    return AssayResult(
        samples=samples,
        controls=controls,
        standards=pd.concat(stds, ignore_index=True) if stds else pd.DataFrame(),
        wells=pd.concat(wells, ignore_index=True) if wells else pd.DataFrame(),
        qc=qc,
        inter_assay=inter,
        curves=curves,
        notes=tuple(notes),
        meta=meta,
        verdicts=(
            pd.concat(verdicts, ignore_index=True)
            if verdicts
            else pd.DataFrame(columns=_VERDICT_COLS)
        ),
    )
