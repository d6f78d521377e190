"""Consistency check of a published results table (recompute every printed P).

Given the numbers a paper prints (group means, SDs and sizes; counts; odds
ratios with confidence intervals; standardized betas), each printed P value
is recomputed with every test the paper could have used, over the whole box
of inputs that round to the printed digits, and each printed P gets a
verdict: which tests it fits, or that it fits none, or only a one-sided one.
Means of integer scores are checked against n with the GRIM test.

The input is one JSON object (schema in ``docs/power.md``; worked example:
the bundled ``sarcostat/datasets/seed_tables.json``). Required: ``table1``
with ``groups`` (two group names with their sizes). Optional:
``table1.categorical.<row>`` (``{<group>: {<level>: n or [n, pct]}, "p"}``,
two or more levels), ``table1.continuous.<row>`` (``{<group>: [mean, sd]
or [mean, sd, n], "p", "integer": true}``), ``comparisons.<row>`` (same
form as a continuous row), ``figure1_unadjusted_sclerostin_by_sarcopenia``
(the seed's), ``table2_standardized_beta.<row>.unadj`` (``[beta, p]``,
n from the row's ``n`` or ``n_total``) and ``table3_or_per_sd.<row>.<model>``
(``[or, lower, upper, p]``). Printed values keep their printed form:
numbers as in the paper (``0.010``, not ``0.01``), ``"<0.001"`` as a string.
Keys starting with ``_`` are comments. A malformed entry is a
`DataError` naming its JSON path.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ReadError
from sarcostat.stats.result import StatResult

#: Table 1 rows whose values are integer scores (GRIM applies).
INTEGER_SCORES = ("sps", "sppb_total")

_CANDIDATE_COLUMNS = [
    "section",
    "item",
    "printed",
    "test",
    "sided",
    "p_value",
    "p_min",
    "p_max",
    "fits",
]  # + at_printed_inputs
_SUMMARY_COLUMNS = [
    "section",
    "item",
    "printed",
    "fits",
    "verdict",
    "explanation",
    "at_printed_inputs",
]


@dataclass(frozen=True, eq=False)
class CheckTableResult(StatResult):
    """Result of `check_published_tables`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (printed P, candidate test): ``section``, ``item``,
        ``printed`` (as printed; pass a file, or Decimals, to keep trailing
        zeros), ``test``, ``sided`` ("two-sided" or
        "one-sided"), ``p_value`` (at the printed inputs), ``p_min``,
        ``p_max`` (over every input that rounds to the printed digits),
        ``fits`` (the printed P's rounding interval meets [p_min, p_max])
        and ``at_printed_inputs`` ("rounds": ``p_value`` prints as the
        printed P; "truncates": only if the paper truncated; "no").
    summary : pandas.DataFrame
        One row per printed P: ``section``, ``item``, ``printed``, ``fits``
        (the tests it fits, comma-separated), ``verdict`` ("fits", "fits
        Welch only (not Student)", "fits only with fewer participants
        (missing values)", "fits only a one-sided test", "fits no test",
        "GRIM inconsistent"), ``explanation`` (in words: each fitting test's
        P at the printed inputs, how it rounds or truncates, its range over
        the inputs' rounding, and the tests that do not fit) and
        ``at_printed_inputs`` (the best of the fitting tests).
    grim : pandas.DataFrame
        One row per mean of an integer score: ``item``, ``group``, ``n``,
        ``printed_mean``, ``decimals``, ``nearest_sum`` (integer k with k/n
        closest to the mean), ``nearest_mean`` (k/n) and ``consistent``.
    """

    summary: pd.DataFrame = None  # type: ignore[assignment]
    grim: pd.DataFrame = None  # type: ignore[assignment]

    def flags(self) -> pd.DataFrame:
        """Printed values that fit no test, or only a one-sided one, and GRIM failures."""
        fine = [
            "fits",
            "fits Welch only (not Student)",
            "fits only with fewer participants (missing values)",
        ]
        bad = self.summary[~self.summary["verdict"].isin(fine)]
        return bad.reset_index(drop=True)


# ----------------------------------------------------------- printed values
def _decimals(x: Any) -> int:
    s = str(x)
    return len(s.split(".")[1]) if "." in s else 0


def _half(x: Any) -> float:
    return 0.5 * 10.0 ** (-_decimals(x))


def _p_interval(printed: Any) -> tuple[float, float]:
    """The P values that print as ``printed`` ("<0.001" -> [0, 0.001))."""
    if isinstance(printed, str):
        s = printed.strip().replace(" ", "")
        if s.startswith("<"):
            return 0.0, float(s[1:])
        if s.startswith(">"):
            return float(s[1:]), 1.0
        h = _half(s)  # from the text: "0.010" keeps its three decimals
        return max(float(s) - h, 0.0), min(float(s) + h, 1.0)
    h = _half(printed)
    return max(float(printed) - h, 0.0), min(float(printed) + h, 1.0)


def _fits(printed, p_min, p_max) -> bool:
    lo, hi = _p_interval(printed)
    return bool(p_min < hi and p_max >= lo)


def _box(values):
    """Every corner of the rounding box of the printed numbers."""
    ranges = [(float(v) - _half(v), float(v), float(v) + _half(v)) for v in values]
    return itertools.product(*ranges)


# ------------------------------------------------------------- candidates
def _ttests(section, item, printed, a, b, n1, n2, rows):
    # scipy's summary-statistics t test, vectorised over the 81 points of the
    # rounding box (R: 2 * pt(-abs(t), df), as in tests/check_table/reference.R).
    from scipy.stats import ttest_ind_from_stats

    pts = np.array(
        [c for c in _box([a[0], a[1], b[0], b[1]]) if c[1] > 0 and c[3] > 0]
        + [[float(v) for v in (a[0], a[1], b[0], b[1])]]
    )
    for name, equal_var in (("Student t", True), ("Welch t", False)):
        p = ttest_ind_from_stats(
            pts[:, 0], pts[:, 1], n1, pts[:, 2], pts[:, 3], n2, equal_var=equal_var
        ).pvalue
        center, lo, hi = float(p[-1]), float(np.min(p)), float(np.max(p))
        rows.append(
            (section, item, printed, name, "two-sided", center, lo, hi, _fits(printed, lo, hi))
        )


def _count_tests(section, item, printed, table, rows):
    """Tests of a levels x groups table of counts (Yates and one-sided Fisher need 2 x 2)."""
    from sarcostat.stats.compare import chi2_from_counts, fisher_exact_2x2

    two_by_two = len(table) == 2
    cands = [("Pearson chi-square", "two-sided", chi2_from_counts(table, correction=False))]
    if two_by_two:
        cands.append(("Yates chi-square", "two-sided", chi2_from_counts(table, correction=True)))
    cands.append(("Fisher exact", "two-sided", fisher_exact_2x2(table, alternative="two-sided")))
    if two_by_two:
        cands += [
            ("Fisher exact (less)", "one-sided", fisher_exact_2x2(table, alternative="less")),
            ("Fisher exact (greater)", "one-sided", fisher_exact_2x2(table, alternative="greater")),
        ]
    for name, sided, res in cands:
        p = float(res.table["p_value"].iloc[0])
        rows.append((section, item, printed, name, sided, p, p, p, _fits(printed, p, p)))


def _wald_p(or_, lower, upper, z_crit):
    from scipy.stats import norm

    se = (math.log(upper) - math.log(lower)) / (2 * z_crit)
    return float(2 * norm.sf(abs(math.log(or_) / se)))


def _wald(section, item, printed, values, rows, confidence=0.95):
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    center = _wald_p(*[float(v) for v in values], z)
    corners = [
        _wald_p(o, lo, up, z) for o, lo, up in _box(values) if min(o, lo, up) > 0 and up > lo
    ]
    lo, hi = min(corners + [center]), max(corners + [center])
    rows.append(
        (
            section,
            item,
            printed,
            "Wald z from OR and CI",
            "two-sided",
            center,
            lo,
            hi,
            _fits(printed, lo, hi),
        )
    )


def _beta_p(section, item, printed, beta, n, rows):
    from scipy.stats import t as tdist

    def p(r):
        r = min(max(r, -0.999999), 0.999999)
        return float(2 * tdist.sf(abs(r) * math.sqrt((n - 2) / (1 - r * r)), n - 2))

    def add(test):
        corners = [p(float(beta) - _half(beta)), p(float(beta) + _half(beta))]
        center = p(float(beta))
        lo, hi = min(corners + [center]), max(corners + [center])
        rows.append(
            (section, item, printed, test, "two-sided", center, lo, hi, _fits(printed, lo, hi))
        )

    add("t test of a simple regression beta (df = n - 2)")
    # A variable with missing values (e.g. 'unable' chair stands) has fewer
    # participants than the table's n; up to 5 missing are tried.
    n_all = n
    for k in range(1, 6):
        n = n_all - k
        add(f"t test of beta with n = {n} (missing values)")


def grim_check(mean: float, n: int) -> dict[str, Any]:
    """GRIM test: can ``n`` integers have a mean that prints as ``mean``?

    Parameters
    ----------
    mean : float
        The printed mean (its printed decimals set the rounding window).
    n : int
        Number of values.

    Returns
    -------
    dict
        ``nearest_sum`` (integer k whose k/n is closest to ``mean``),
        ``nearest_mean`` (k/n), ``decimals`` and ``consistent`` (some k/n
        lies in [mean - h, mean + h], h = half the last printed digit).

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects
    numerous anomalies in the reporting of results in psychology. Soc
    Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
    """
    h = _half(mean)
    k = round(float(mean) * n)
    cands = [kk for kk in (k - 1, k, k + 1) if abs(kk / n - float(mean)) <= h + 1e-12]
    best = min((k - 1, k, k + 1), key=lambda kk: abs(kk / n - float(mean)))
    return {
        "nearest_sum": int(best),
        "nearest_mean": best / n,
        "decimals": _decimals(mean),
        "consistent": bool(cands),
    }


# --------------------------------------------------------------- verdicts
def _show(p: float, decimals: int) -> str:
    """A recomputed P with one digit more than printed (2 significant digits when tiny)."""
    if not np.isfinite(p):
        return "nan"
    if p < 10.0**-decimals:
        return f"{p:.2g}"
    return f"{p:.{decimals + 1}f}"


def _round_to(p: float, decimals: int) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(p)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _truncate_to(p: float, decimals: int) -> str:
    from decimal import ROUND_DOWN, Decimal

    return str(Decimal(repr(p)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN))


def _describe(c, printed: str) -> str:
    """One fitting (or not) candidate in words, e.g. for height's Welch t:
    'Welch t 0.0038 at the printed inputs (rounds to 0.004; truncated: 0.003);
    0.0029-0.0049 within the inputs' rounding'."""
    if printed.startswith(("<", ">")):
        return f"{c.test} {_show(c.p_value, _decimals(printed[1:]))}"
    d = _decimals(printed)
    text = f"{c.test} {_show(c.p_value, d)}"
    if c.p_min == c.p_max:  # counts: nothing to round
        return text
    rounded = _round_to(c.p_value, d)
    if rounded == printed:
        return text + f" at the printed inputs (rounds to the printed {printed})"
    how = f"rounds to {rounded}"
    if _truncate_to(c.p_value, d) == printed:
        how += f"; truncated to {d} decimals it gives the printed {printed}"
    return (
        text + f" at the printed inputs ({how}); {_show(c.p_min, d)}-{_show(c.p_max, d)} "
        "within the printed inputs' rounding"
    )


def _at_printed(printed: str, p: float) -> str:
    """Does the P at the printed inputs print as ``printed``: 'rounds', 'truncates' or 'no'."""
    lo, hi = _p_interval(printed)
    if lo <= p < hi:
        return "rounds"
    if not printed.startswith(("<", ">")) and _truncate_to(p, _decimals(printed)) == printed:
        return "truncates"
    return "no"


def _verdict(cands: pd.DataFrame) -> tuple[str, str, str]:
    """(tests that fit, verdict category, explanation in words) of one printed P."""
    printed = str(cands["printed"].iloc[0])
    fit = cands[cands["fits"]]
    missing = cands["test"].str.endswith("(missing values)")
    fit_missing = fit[missing[fit.index]]
    parts = list(fit.loc[~missing[fit.index], "test"])
    words = [_describe(c, printed) for c in fit[~missing[fit.index]].itertuples()]
    if not fit_missing.empty:
        ns = sorted(int(t.split("n = ")[1].split(" ")[0]) for t in fit_missing["test"])
        span = f"{ns[0]}" if len(ns) == 1 else f"{ns[0]}-{ns[-1]}"
        parts.append(f"t test of beta with n = {span} (missing values)")
        d = _decimals(printed) if not printed.startswith("<") else 3
        words.append(
            f"t test of beta with n = {span} (missing values) "
            f"{_show(fit_missing['p_value'].min(), d)}-{_show(fit_missing['p_value'].max(), d)}"
        )
    others = cands[~cands["fits"] & ~missing]
    names = ", ".join(parts)
    if fit.empty:
        verdict = "fits no test"
    elif (fit["sided"] == "one-sided").all():
        verdict = "fits only a one-sided test"
    elif fit_missing.shape[0] == fit.shape[0]:
        verdict = "fits only with fewer participants (missing values)"
    elif set(fit["test"]) == {"Welch t"}:
        verdict = "fits Welch only (not Student)"
    else:
        verdict = "fits"
    explanation = "; ".join(words) if words else "no candidate test gives it"
    if not others.empty:
        d = _decimals(printed) if not printed.startswith(("<", ">")) else 3
        explanation += ". Does not fit: " + ", ".join(
            f"{c.test} {_show(c.p_value, d)}" for c in others.itertuples()
        )
    return names, verdict, explanation


def load_published(path, *, encoding: str | None = None) -> dict[str, Any]:
    """Read a published-tables JSON file (format of ``seed_tables.json``).

    Numbers are read as `decimal.Decimal` so that printed trailing
    zeros survive: ``0.010`` keeps three decimals (P in [0.0095, 0.0105)),
    where a float would become 0.01 (P in [0.005, 0.015)).
    """
    from decimal import Decimal

    from sarcostat.io.readers import read_text_file

    p = Path(path)
    text = read_text_file(p, what="published-tables file", encoding=encoding)
    try:
        return json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise ReadError(f"{p}: nested too deeply to be a published-tables file.") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"{p}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    except ValueError:  # an integer literal of thousands of digits
        raise ReadError(
            f"{p}: not a valid published-tables file (a number has thousands of digits)."
        ) from None


def _fail(where: str, expected: str, got) -> DataError:
    return DataError(f"published tables: '{where}' must be {expected}; got {got!r}.")


def _need(obj, key: str, prefix: str, kind):
    if not isinstance(obj, dict) or key not in obj:
        raise DataError(f"published tables: missing entry '{prefix}{key}'.")
    val = obj[key]
    if kind is not object and not isinstance(val, kind):
        expected = {dict: "an object {...}", list: "a list [...]"}[kind]
        raise _fail(prefix + key, expected, val)
    return val


def _section(obj, key: str, prefix: str) -> dict:
    """An optional section: ``{item: {...}}``; keys starting with '_' are comments."""
    val = obj.get(key, {})
    if not isinstance(val, dict):
        raise _fail(prefix + key, "an object {item: {...}}", val)
    out = {}
    for item, spec in val.items():
        if item.startswith("_"):
            continue
        if not isinstance(spec, dict):
            raise _fail(f"{prefix}{key}.{item}", "an object {...}", spec)
        out[item] = spec
    return out


def _is_number(x) -> bool:
    from decimal import Decimal

    if not isinstance(x, (int, float, Decimal)) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:  # an integer too large for a float is no printed number
        return False


def _count(x, where: str) -> int:
    if not _is_number(x) or float(x) != int(x) or int(x) < 0:
        raise _fail(where, "a whole number >= 0", x)
    return int(x)


def _printed_p(x, where: str):
    if isinstance(x, str):
        s = x.strip().replace(" ", "")
        body = s[1:] if s[:1] in "<>" else s
        try:
            ok = 0 <= float(body) <= 1
        except ValueError:
            ok = False
        if ok:
            return s
    elif _is_number(x) and 0 <= float(x) <= 1:
        return x
    raise _fail(where, 'a P value as printed: a number in [0, 1] or a string like "<0.001"', x)


def _numbers(vals, where: str, names: list[str], *, p_last: bool = False):
    if not isinstance(vals, list) or len(vals) != len(names):
        raise _fail(where, "[" + ", ".join(names) + "]", vals)
    out = list(vals)
    for i, (v, name) in enumerate(zip(vals, names)):
        if p_last and i == len(names) - 1:
            out[i] = _printed_p(v, f"{where}[{i}] ({name})")
        elif not _is_number(v):
            raise _fail(f"{where}[{i}] ({name})", "a number", v)
    return out


def _mean_sd(vals, where: str, n_group: int):
    """[mean, sd] or [mean, sd, n] (n when the row has fewer participants than the group)."""
    if not isinstance(vals, list) or len(vals) not in (2, 3):
        raise _fail(where, "[mean, sd] or [mean, sd, n]", vals)
    mean, sd = _numbers(vals[:2], where, ["mean", "sd"])
    if float(sd) < 0:
        raise _fail(f"{where}[1] (sd)", "a number >= 0", sd)
    n = _count(vals[2], f"{where}[2] (n)") if len(vals) == 3 else n_group
    if n < 2:
        raise _fail(f"{where}[2] (n)", "at least 2", n)
    return [mean, sd], n


def check_published_tables(
    published: dict[str, Any] | str | Path,
    *,
    confidence: float = 0.95,
    encoding: str | None = None,
) -> CheckTableResult:
    """Recompute every printed P of a published results table.

    Parameters
    ----------
    published : dict or path
        The printed numbers, in the format of
        ``sarcostat/datasets/seed_tables.json`` (module docstring).
    confidence : float, default 0.95
        Confidence level of the printed odds-ratio intervals.
    encoding : str, optional
        Tried when the file is not UTF-8 (JSON is UTF-8 by definition).

    Returns
    -------
    CheckTableResult
        ``table`` (every candidate test of every printed P), ``summary``
        (one verdict per printed P), ``grim`` (means of integer scores)
        and ``notes``.

    Raises
    ------
    DataError
        A required entry is missing or malformed (named by its JSON path).
    ReadError
        The file cannot be read.

    See Also
    --------
    sarcostat.stats.compare.ttest_from_summary, sarcostat.stats.compare.chi2_from_counts,
    sarcostat.stats.compare.fisher_exact_2x2, grim_check

    Notes
    -----
    Continuous rows: Student's and Welch's two-sample t tests from the
    printed means, SDs and group sizes (scipy ``ttest_ind_from_stats``; R:
    ``tsum.test``; SPSS prints both lines of "Independent Samples Test").
    Count rows with two levels: Pearson chi-square, Yates-corrected
    chi-square, Fisher's exact test two-sided and one-sided in both
    directions (R: ``chisq.test(x, correct = FALSE/TRUE)``,
    ``fisher.test(x, alternative = ...)``); with more levels: Pearson and
    the r x 2 Fisher test. Odds ratios: the Wald P implied
    by the printed interval,

    .. math::

        SE = \\frac{\\ln U - \\ln L}{2 z_{0.975}}, \\qquad z = \\ln(OR)/SE,
        \\qquad P = 2\\,(1 - \\Phi(|z|)).

    Standardized betas of one-predictor models (unadjusted): the t test of
    r with n - 2 df, with the table's n and with 1-5 fewer participants (a
    variable with missing values); a P that fits only the latter gets the
    verdict "fits only with fewer participants (missing values)". Each P is evaluated at every corner of the box of
    inputs that round to the printed digits (± half the last digit), and a
    test *fits* when that range meets the interval of P values that print
    as the printed P (e.g. 0.003 -> [0.0025, 0.0035); "<0.001" -> [0,
    0.001)). A printed P fitting only Welch means the paper's "t test" was
    Welch's (SPSS's "equal variances not assumed" line) for that row.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci
    2017;8(4):363-369. doi:10.1177/1948550616673876

    Altman DG, Bland JM. How to obtain the P value from a confidence
    interval. BMJ 2011;343:d2304. doi:10.1136/bmj.d2304

    Examples
    --------
    >>> from sarcostat.datasets import seed_tables_path
    >>> res = check_published_tables(seed_tables_path())
    >>> res.summary.set_index("item").loc["sex", "verdict"]
    'fits only a one-sided test'
    """
    doc = (
        load_published(published, encoding=encoding)
        if not isinstance(published, dict)
        else published
    )
    if not isinstance(doc, dict):
        raise DataError(
            "published tables: the file must hold one JSON object (keys 'table1', ...); "
            f"got {type(doc).__name__}."
        )
    rows: list[tuple] = []
    grim_rows: list[dict[str, Any]] = []
    (g1, n1), (g2, n2) = _table1_rows(doc, rows, grim_rows)
    _comparison_rows(doc, ((g1, n1), (g2, n2)), rows)
    _table2_rows(doc, _count(doc.get("n_total", n1 + n2), "n_total"), rows)
    _table3_rows(doc, confidence, rows)
    cand = _candidates(rows)
    summary = _summarise(cand)
    grim = _grim_table(grim_rows)
    for line in _grim_lines(grim):
        summary.loc[len(summary)] = line
    return CheckTableResult(
        table=cand,
        summary=summary,
        grim=grim,
        notes=_notes(summary),
        meta={"n_groups": (n1, n2), "groups": (g1, g2), "confidence": confidence},
    )


def _table1_rows(
    doc: dict, rows: list[tuple], grim_rows: list[dict[str, Any]]
) -> tuple[tuple[str, int], tuple[str, int]]:
    """Candidate tests of Table 1 (counts and means); GRIM rows of integer
    scores. Returns the two groups with their sizes."""
    t1 = _need(doc, "table1", "", dict)
    groups = _need(t1, "groups", "table1.", dict)
    names = list(groups)
    if len(names) != 2:
        raise DataError(
            f"published tables: 'table1.groups' must name two groups with their sizes; got {names}."
        )
    g1, g2 = names
    n1, n2 = (_count(groups[g], f"table1.groups.{g}") for g in names)
    for item, spec in _section(t1, "categorical", "table1.").items():
        where = f"table1.categorical.{item}"
        p = _printed_p(_need(spec, "p", where + ".", object), where + ".p")
        cols = []
        for g in names:
            levels = _need(spec, g, where + ".", dict)
            cols.append(
                {
                    lv: _count(v[0] if isinstance(v, list) and v else v, f"{where}.{g}.{lv}")
                    for lv, v in levels.items()
                }
            )
        if list(cols[0]) != list(cols[1]) or len(cols[0]) < 2:
            raise DataError(
                f"published tables: '{where}' needs the same two or more levels in "
                f"'{g1}' and '{g2}'; got {list(cols[0])} and {list(cols[1])}."
            )
        table = [[cols[0][lv], cols[1][lv]] for lv in cols[0]]  # levels x groups
        _count_tests("Table 1", item, p, table, rows)
    for item, spec in _section(t1, "continuous", "table1.").items():
        where = f"table1.continuous.{item}"
        p = _printed_p(_need(spec, "p", where + ".", object), where + ".p")
        (a, na), (b, nb) = (
            _mean_sd(_need(spec, g, where + ".", list), f"{where}.{g}", n)
            for g, n in ((g1, n1), (g2, n2))
        )
        _ttests("Table 1", item, p, a, b, na, nb, rows)
        if item in INTEGER_SCORES or spec.get("integer") is True:
            for g, vals, n in ((g1, a, na), (g2, b, nb)):
                gr = grim_check(vals[0], n)
                grim_rows.append({"item": item, "group": g, "n": n, "printed_mean": vals[0], **gr})
    return (g1, n1), (g2, n2)


def _comparison_rows(doc: dict, groups, rows: list[tuple]) -> None:
    """t tests of Figure 1's printed means and of any other two-group comparison."""
    (g1, n1), (g2, n2) = groups
    extra = {}
    if "figure1_unadjusted_sclerostin_by_sarcopenia" in doc:
        extra[("Figure 1", "sclerostin", "figure1_unadjusted_sclerostin_by_sarcopenia")] = _need(
            doc, "figure1_unadjusted_sclerostin_by_sarcopenia", "", dict
        )
    for item, spec in _section(doc, "comparisons", "").items():
        extra[("Other comparisons", item, f"comparisons.{item}")] = spec
    for (section, item, where), spec in extra.items():
        p = _printed_p(_need(spec, "p", where + ".", object), where + ".p")
        (a, na), (b, nb) = (
            _mean_sd(_need(spec, g, where + ".", list), f"{where}.{g}", n)
            for g, n in ((g1, n1), (g2, n2))
        )
        _ttests(section, item, p, a, b, na, nb, rows)


def _table2_rows(doc: dict, n_total: int, rows: list[tuple]) -> None:
    """The t test of r behind each unadjusted standardized beta."""
    for item, spec in _section(doc, "table2_standardized_beta", "").items():
        where = f"table2_standardized_beta.{item}"
        beta, p = _numbers(
            _need(spec, "unadj", where + ".", list), where + ".unadj", ["beta", "P"], p_last=True
        )
        n = _count(spec.get("n", n_total), where + ".n")
        _beta_p("Table 2 (unadjusted)", item, p, beta, n, rows)


def _table3_rows(doc: dict, confidence: float, rows: list[tuple]) -> None:
    """The Wald P implied by each printed odds ratio and its interval."""
    for item, spec in _section(doc, "table3_or_per_sd", "").items():
        where = f"table3_or_per_sd.{item}"
        models = {k: v for k, v in spec.items() if not k.startswith("_")}
        if not models:
            raise DataError(
                f"published tables: '{where}' needs at least one model, e.g. "
                "'unadj': [or, lower, upper, P]."
            )
        for model, vals in models.items():
            o, lo, up, p = _numbers(
                vals, f"{where}.{model}", ["OR", "lower", "upper", "P"], p_last=True
            )
            if not 0 < float(lo) <= float(o) <= float(up):
                raise DataError(
                    f"published tables: '{where}.{model}' must be [or, lower, upper, P] with "
                    f"0 < lower <= or <= upper; got {vals}."
                )
            label = {"unadj": "unadjusted", "adj": "adjusted"}.get(model, model)
            _wald(f"Table 3 ({label})", item, p, [o, lo, up], rows, confidence)


def _candidates(rows: list[tuple]) -> pd.DataFrame:
    """Every candidate test as a table, with how its P at the printed inputs reads."""
    cand = pd.DataFrame(rows, columns=_CANDIDATE_COLUMNS)
    cand["printed"] = cand["printed"].astype(str)
    cand["at_printed_inputs"] = [
        _at_printed(pr, p) for pr, p in zip(cand["printed"], cand["p_value"])
    ]
    return cand


def _summarise(cand: pd.DataFrame) -> pd.DataFrame:
    """One verdict per printed P."""
    summary = []
    for (section, item, printed), c in cand.groupby(["section", "item", "printed"], sort=False):
        fit = set(c.loc[c["fits"], "at_printed_inputs"])
        exact = next((k for k in ("rounds", "truncates") if k in fit), "no" if fit else "")
        summary.append((section, item, printed, *_verdict(c), exact))
    return pd.DataFrame(summary, columns=_SUMMARY_COLUMNS)


def _grim_table(grim_rows: list[dict[str, Any]]) -> pd.DataFrame:
    grim = pd.DataFrame(
        grim_rows,
        columns=[
            "item",
            "group",
            "n",
            "printed_mean",
            "decimals",
            "nearest_sum",
            "nearest_mean",
            "consistent",
        ],
    )
    grim["printed_mean"] = grim["printed_mean"].astype(str)
    return grim


def _grim_lines(grim: pd.DataFrame) -> list[tuple]:
    """The summary rows of the GRIM checks, in the summary's columns."""
    out = []
    for r in grim.itertuples():
        near = f"{r.nearest_sum}/{r.n} = {r.nearest_mean:.{r.decimals + 2}f}"
        words = (
            f"{near} rounds to the printed mean {r.printed_mean}"
            if r.consistent
            else f"no sum of {r.n} integers has a mean that rounds to {r.printed_mean} (nearest {near})"
        )
        if r.n >= 10**r.decimals:
            # Steps of 1/n are then no wider than the printed rounding window.
            words += f" (uninformative: with n = {r.n} every {r.decimals}-decimal mean is possible)"
        out.append(
            (
                "GRIM",
                f"{r.item} ({r.group})",
                str(r.printed_mean),
                near,
                "fits" if r.consistent else "GRIM inconsistent",
                words,
                "rounds" if r.consistent else "",
            )
        )
    return out


def _notes(summary: pd.DataFrame) -> tuple[str, ...]:
    """How to read the verdicts, and which fits need the printed inputs' rounding."""
    notes = [
        "P ranges cover every input that rounds to the printed digits.",
        "A test fits when its P range meets the interval of P values that print as the printed P.",
        "Fits only a one-sided test: the paper probably reported a one-sided P (e.g. SPSS's "
        "'Exact Sig. (1-sided)' column).",
    ]
    fitted = summary[(summary["section"] != "GRIM") & (summary["at_printed_inputs"] != "")]
    label = fitted["item"] + " (" + fitted["section"] + ")"
    trunc = label[fitted["at_printed_inputs"] == "truncates"].tolist()
    neither = label[fitted["at_printed_inputs"] == "no"].tolist()
    if trunc or neither:
        notes.append(
            f"At the printed inputs themselves, {len(fitted) - len(trunc) - len(neither)} of {len(fitted)} "
            "fitted P values round to the printed P; "
            + (f"{', '.join(trunc)} match only if truncated; " if trunc else "")
            + (f"{', '.join(neither)} match neither rounded nor truncated" if neither else "")
            + ". Their fit comes from the rounding of the printed inputs"
            + (" (truncation alone does not explain the table)." if trunc and neither else ".")
        )
    return tuple(notes)
