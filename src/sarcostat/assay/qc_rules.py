"""Acceptance rules for standard curves and controls, as data with their source.

Each preset is one `Acceptance` row; `acceptance_table` lists
them as a DataFrame for reports. Recoveries are back-calculated
concentration / nominal x 100 (%). "Edge" levels are the lowest and highest
non-zero standards (the LLOQ and ULOQ candidates); the zero standard is an
anchor point and is never judged on recovery.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from sarcostat.exceptions import check_option


@dataclass(frozen=True)
class Acceptance:
    """One acceptance preset.

    Attributes
    ----------
    name : str
    std_recovery : (float, float)
        Allowed recovery (%) of a back-calculated standard level.
    std_recovery_edge : (float, float)
        Allowed recovery (%) at the lowest and highest non-zero level.
    min_std_pass_fraction : float
        Fraction of non-zero standard levels that must pass.
    min_std_levels : int
        Minimum number of standard levels with readings for a curve to be
        fitted at all (never below 5).
    min_std_levels_passed : int
        Minimum number of non-zero standard levels that must pass (0: no
        such rule).
    control_recovery : (float, float)
        Allowed control recovery (%) when the layout gives no target range.
    min_control_pass_fraction : float
        Fraction of control results (per plate) that must pass.
    min_control_level_pass_fraction : float
        Fraction of the control results at each concentration level (same
        nominal concentration) that must pass, per plate; 0 switches the
        rule off.
    source : str
    """

    name: str
    std_recovery: tuple[float, float]
    std_recovery_edge: tuple[float, float]
    min_std_pass_fraction: float
    min_std_levels: int
    min_std_levels_passed: int
    control_recovery: tuple[float, float]
    min_control_pass_fraction: float
    min_control_level_pass_fraction: float
    source: str


RESEARCH = Acceptance(
    name="research",
    std_recovery=(80.0, 120.0),
    std_recovery_edge=(75.0, 125.0),
    min_std_pass_fraction=0.75,
    min_std_levels=5,
    min_std_levels_passed=0,
    control_recovery=(80.0, 120.0),
    min_control_pass_fraction=2 / 3,
    min_control_level_pass_fraction=0.0,
    source=(
        "Research default following the ligand-binding recommendations of DeSilva B et al. "
        "Pharm Res 2003;20(11):1885-1900, doi:10.1023/B:PHAM.0000003390.51761.3d "
        "(standards 80-120%, 75-125% at the limits of quantification; >= 75% of standards); "
        "controls within their declared range, else 80-120% of nominal."
    ),
)

KIT = Acceptance(
    name="kit",
    std_recovery=(80.0, 120.0),
    std_recovery_edge=(75.0, 125.0),
    min_std_pass_fraction=0.75,
    min_std_levels=5,
    min_std_levels_passed=0,
    control_recovery=(80.0, 120.0),
    min_control_pass_fraction=1.0,
    min_control_level_pass_fraction=0.0,  # implied by 100% overall
    source=(
        "Manufacturer's instructions: every kit control must fall within the lot-specific "
        "range printed on its QC certificate (give it as target_low/target_high or "
        "ctrl:<id>:<nominal>:<low>-<high> in the layout; e.g. Biomedica BI-20492, sclerostin, "
        "declared LOD 3.2 pmol/L). Standard-curve limits as the research preset."
    ),
)

ICH_M10 = Acceptance(
    name="ich-m10",
    std_recovery=(80.0, 120.0),
    std_recovery_edge=(75.0, 125.0),
    min_std_pass_fraction=0.75,
    min_std_levels=6,
    min_std_levels_passed=6,
    control_recovery=(80.0, 120.0),
    min_control_pass_fraction=2 / 3,
    min_control_level_pass_fraction=0.5,
    source=(
        "ICH M10 Bioanalytical method validation and study sample analysis (Step 4, "
        "24 May 2022), ligand binding assays, sections 4.2.3 (calibration curve) and 4.4 "
        "(study sample analysis, run acceptance): calibration standards back-calculated "
        "within +/-20% of nominal (+/-25% at the LLOQ and ULOQ), at least 75% of the "
        "standards (anchor points excluded) and a minimum of 6 concentration levels "
        "meeting this; QCs within +/-20% of nominal, at least 2/3 of all QCs and at least "
        "50% at each concentration level passing. The same QC rule is in EMA "
        "EMEA/CHMP/EWP/192217/2009 (2011) section 7.1."
    ),
)

PRESETS = {p.name: p for p in (RESEARCH, KIT, ICH_M10)}


def get_acceptance(name) -> Acceptance:
    """Return the preset called ``name`` (``"research"``, ``"kit"``, ``"ich-m10"``)."""
    if isinstance(name, Acceptance):
        return name
    return PRESETS[check_option(name, tuple(PRESETS), parameter="acceptance", function="quantify")]


def acceptance_table() -> pd.DataFrame:
    """All presets as a table (one row per preset, one column per rule, plus ``source``)."""
    return pd.DataFrame([asdict(p) for p in PRESETS.values()])


def standard_passes(recovery_pct, *, edge, acceptance="research"):
    """Whether back-calculated standard recoveries (%) pass ``acceptance``.

    Limits are inclusive: with the research preset 80 and 120 pass, 79.99
    and 120.01 fail; at an edge level (lowest / highest non-zero standard)
    75 and 125 pass. NaN (no inverse) fails.
    """
    import numpy as np

    acc = get_acceptance(acceptance)
    r = np.asarray(recovery_pct, float)
    e = np.broadcast_to(np.asarray(edge, bool), r.shape)
    lo = np.where(e, acc.std_recovery_edge[0], acc.std_recovery[0])
    hi = np.where(e, acc.std_recovery_edge[1], acc.std_recovery[1])
    return (r >= lo) & (r <= hi)


def control_passes(
    concentration, nominal, target_low=None, target_high=None, *, acceptance="research"
):
    """Whether control results pass: inside the declared range [low, high]
    (inclusive) where one is given, else recovery within the preset's
    ``control_recovery`` (inclusive)."""
    import numpy as np

    acc = get_acceptance(acceptance)
    c = np.asarray(concentration, float)
    nom = np.broadcast_to(np.asarray(nominal, float), c.shape)
    lo = np.broadcast_to(np.asarray(np.nan if target_low is None else target_low, float), c.shape)
    hi = np.broadcast_to(np.asarray(np.nan if target_high is None else target_high, float), c.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        rec = c / nom * 100
    has = np.isfinite(lo) & np.isfinite(hi)
    in_rng = (c >= lo) & (c <= hi)
    in_rec = (rec >= acc.control_recovery[0]) & (rec <= acc.control_recovery[1])
    return np.where(has, in_rng, in_rec)


def rule_checks(std_passed, control_passed, control_nominal, *, acceptance="research"):
    """Every run-acceptance rule of ``acceptance`` applied to one plate.

    Parameters
    ----------
    std_passed : array-like of bool
        One entry per non-zero standard level (anchor/zero levels excluded).
    control_passed, control_nominal : array-like
        One entry per control result; its nominal concentration defines its
        level.

    Returns
    -------
    list of dict
        One dict per rule, in the order they are judged: ``rule`` (what is
        judged), ``requirement`` (the preset's limit in words), ``observed``
        (what this plate gave), ``passed`` (bool) and ``reason`` (the failure
        in words, '' when the rule passes). Rules without anything to judge
        (no controls on the plate) are listed as passed with ``observed``
        saying so.

    Notes
    -----
    Fractions are compared inclusively: 6/8 = 75% of standards passes the
    75% rule, 2/3 of controls passes the 2/3 rule, 1/2 at a level passes the
    ICH M10 50% rule.
    """
    import numpy as np

    acc = get_acceptance(acceptance)
    std = np.asarray(std_passed, bool)
    ok = np.asarray(control_passed, bool)
    nom = np.asarray(control_nominal, float)
    eps = 1e-12
    checks = []

    def add(rule, requirement, observed, passed, reason):
        checks.append(
            {
                "rule": rule,
                "requirement": requirement,
                "observed": observed,
                "passed": bool(passed),
                "reason": "" if passed else reason,
            }
        )

    n_pass = int(std.sum())
    edge = f"{acc.std_recovery_edge[0]:g}-{acc.std_recovery_edge[1]:g}%"
    add(
        "standard levels within limits",
        f">= {acc.min_std_pass_fraction:.0%} of non-zero levels back-calculated within "
        f"{acc.std_recovery[0]:g}-{acc.std_recovery[1]:g}% of nominal ({edge} at the "
        "lowest and highest)",
        f"{n_pass}/{std.size}",
        std.size and n_pass / std.size >= acc.min_std_pass_fraction - eps,
        f"{n_pass}/{std.size} standard levels within limits (< {acc.min_std_pass_fraction:.0%})",
    )
    if acc.min_std_levels_passed:
        add(
            "passing standard levels",
            f">= {acc.min_std_levels_passed} levels",
            f"{n_pass}",
            n_pass >= acc.min_std_levels_passed,
            f"{n_pass} passing standard levels (< {acc.min_std_levels_passed} required "
            f"by the {acc.name} preset)",
        )
    ctl_req = (
        f">= {acc.min_control_pass_fraction:.0%} of controls within their declared range "
        f"(else {acc.control_recovery[0]:g}-{acc.control_recovery[1]:g}% of nominal)"
        if acc.min_control_pass_fraction < 1
        else "every control within its declared range (else "
        f"{acc.control_recovery[0]:g}-{acc.control_recovery[1]:g}% of nominal)"
    )
    if ok.size:
        add(
            "controls within range",
            ctl_req,
            f"{int(ok.sum())}/{ok.size}",
            ok.mean() >= acc.min_control_pass_fraction - eps,
            f"{int(ok.sum())}/{ok.size} controls within range",
        )
    else:
        add("controls within range", ctl_req, "no controls on the plate", True, "")
    if acc.min_control_level_pass_fraction > 0:
        # a level is a nominal concentration: QC1a/QC1b at 12 pmol/L are one level
        for level in np.unique(nom):
            at = ok[(nom == level) | (np.isnan(nom) & np.isnan(level))]
            add(
                f"controls at level {level:g}",
                f">= {acc.min_control_level_pass_fraction:.0%} within range",
                f"{int(at.sum())}/{at.size}",
                at.mean() >= acc.min_control_level_pass_fraction - eps,
                f"{int(at.sum())}/{at.size} controls within range at level "
                f"{level:g} (< {acc.min_control_level_pass_fraction:.0%})",
            )
    return checks


def run_verdict(std_passed, control_passed, control_nominal, *, acceptance="research"):
    """Why a plate fails ``acceptance`` (an empty list when it passes): the
    ``reason`` of each failed `rule_checks` rule, in order."""
    return [
        c["reason"]
        for c in rule_checks(std_passed, control_passed, control_nominal, acceptance=acceptance)
        if not c["passed"]
    ]
