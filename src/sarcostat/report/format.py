"""The one formatting configuration of the package: labels, decimals, P style.

Numbers are computed at full precision everywhere else; this module alone
turns them into text. A journal with other conventions needs a changed
`FormatConfig`, nothing else. The variable labels themselves are in
`sarcostat.study.labels.VARIABLES` (the study layer's warnings use
them too).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Labels, units and decimals of the variables: one table, shared with the
# study layer, which names analyses by these labels in its warnings.
from sarcostat.study.labels import VARIABLES

#: Post hoc adjustment of pairwise comparisons, as an adjective.
POSTHOC = {
    "bonferroni": "Bonferroni-adjusted",
    "sidak": "Sidak-adjusted",
    "lsd": "unadjusted (LSD)",
    "none": "unadjusted",
}

#: Category labels of categorical Table 1 rows.
LEVELS = {"male": "Men", "female": "Women", True: "Yes", False: "No"}


def significant(value, digits: int = 3) -> str:
    """``value`` rounded to ``digits`` significant digits, as text without an
    exponent between 1e-4 and 1e6 (``1234.5`` -> ``'1230'``, ``0.012345`` ->
    ``'0.0123'``, ``2.5`` -> ``'2.5'``); '' for a missing or non-finite value.

    The rule of every concentration in a table meant for reading (the ELISA
    QC report, ``samples.csv``, ``qc.csv``): 3 significant digits, rounded
    half to even on the binary value as Python's ``format`` does; the JSON
    files keep full precision.
    """
    if value is None:
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return ""
    if v == 0:
        return "0"
    r = float(f"{v:.{digits}g}")
    text = f"{r:.{digits}g}"
    if "e" in text and 1e-4 <= abs(r) < 1e6:
        # '1.23e+03' -> '1230': the digits beyond are zeros, not precision
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(r))))
        text = f"{r:.{decimals}f}"
    return text


def round_significant(value, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits as a float (NaN stays NaN)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return math.nan
    if not math.isfinite(v) or v == 0:
        return v
    return float(f"{v:.{digits}g}")


def count_text(value) -> str:
    """A count with a comma between thousands from 1,000 (``129``, ``201,317``);
    '' for missing, any other text as it is.

    Biobank cohorts print as journals print them: APA 7 (section 6.38), the
    AMA Manual of Style (section 18.1.2, used by NEJM and JAMA) and this
    seed paper's journal all use commas for numbers of 1,000 or more.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,}" if number == value else str(value)


@dataclass(frozen=True)
class FormatConfig:
    """Decimals and P-value style of every rendered number.

    Attributes
    ----------
    p_decimals : int
        Decimals of a P value (the seed: 3).
    p_threshold : float
        P values below it print as ``<threshold`` (``<0.001``).
    beta_decimals, or_decimals, pct_decimals, mean_decimals : int
        Standardized beta (3), odds ratios and their CI (2), percentages (1),
        and the fallback for means of variables without an entry in VARIABLES.
    biomarker_decimals : int
        Biomarker means / LS means (1).
    pm : str
        Separator of mean and SD (the seed: "±").
    minus : str
        Minus sign (typographic "–" as in the seed tables).
    p_style : str or None
        ``None``: the seed paper's style (above). ``"apa"``: 3 decimals
        without the leading zero, ``<.001``. ``"nejm"``: 2 decimals, 3 below
        0.01, ``<0.001``, ``>0.99``. ``"exact"``: 3 significant digits, never
        a bound (``4.17e-06``). Only the text changes: results.json keeps
        every P value at full precision.

    Rounding rule (one for every number): values are rounded half to even
    on their binary value by Python's ``format`` (so 0.0125 may print
    0.012), to the decimals above; nothing is rounded before a computation.
    """

    p_decimals: int = 3
    p_threshold: float = 0.001
    beta_decimals: int = 3
    or_decimals: int = 2
    pct_decimals: int = 1
    mean_decimals: int = 2
    biomarker_decimals: int = 1
    pm: str = "\u00b1"
    minus: str = "\u2013"
    p_style: str | None = None
    variables: dict = field(default_factory=lambda: VARIABLES)

    # -- numbers ---------------------------------------------------------------
    def number(self, value, decimals: int) -> str:
        """Fixed decimals with the typographic minus; '' for missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        text = f"{float(value):.{decimals}f}"
        if text.startswith("-"):
            # -0.000 is printed as 0.000, not with a sign.
            text = text[1:] if float(text) == 0 else self.minus + text[1:]
        return text

    def p(self, value) -> str:
        """P value as the seed prints it: 3 decimals, ``<0.001`` below 0.001."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if self.p_style is not None:
            return _styled_p(float(value), self.p_style)
        if value < self.p_threshold:
            return f"<{self.p_threshold:.{self.p_decimals}f}"
        text = f"{value:.{self.p_decimals}f}"
        if value < 1 and text == f"{1:.{self.p_decimals}f}":
            # Never print a P value that is not 1 as 1.000.
            text = f">{1 - 10**-self.p_decimals:.{self.p_decimals}f}"
        return text

    def p_inline(self, value) -> str:
        """P value inside a sentence: ``P<0.001`` or ``P=0.026``."""
        text = self.p(value)
        if not text:
            return "P not estimable"
        return f"P{text}" if text[0] in "<>" else f"P={text}"

    def decimals_of(self, variable: str) -> int:
        return self.variables.get(variable, {}).get("decimals", self.mean_decimals)

    def mean_sd(self, mean, sd, variable: str) -> str:
        d = self.decimals_of(variable)
        if mean is None or (isinstance(mean, float) and math.isnan(mean)):
            return "\u2013"
        return f"{self.number(mean, d)}{self.pm}{self.number(sd, d)}"

    def count(self, value) -> str:
        """A number of participants (or models): see `count_text`."""
        return count_text(value)

    def count_pct(self, count, pct) -> str:
        return f"{count_text(count)} ({self.number(pct, self.pct_decimals)})"

    def beta(self, value) -> str:
        return self.number(value, self.beta_decimals)

    def or_ci(self, odds, lower, upper) -> str:
        d = self.or_decimals
        return f"{self.number(odds, d)} ({self.number(lower, d)}\u2013{self.number(upper, d)})"

    # -- labels ----------------------------------------------------------------
    def label(self, variable: str) -> str:
        return self.variables.get(variable, {}).get("label", variable)

    def short(self, variable: str) -> str:
        return self.variables.get(variable, {}).get("short", variable)

    def in_words(self, text: str, *, starts: bool = True) -> str:
        """``text`` with every variable name in it (a whole word, such as
        ``asm_kg`` in "asm_kg (adjusted)" or "lacking smi") replaced by its
        short label ("ASM (adjusted)"), for text built from data: table
        cells, flow items, the tests a definition used. Not for prose.
        Within the text a label starts in lower case ("change in grip
        strength", "missing covariate (age, sex, BMI)") unless its first
        word is an acronym; ``starts=False``: ``text`` is itself set within
        a sentence, so a label at its start is in lower case too."""
        import re

        names = sorted(self.variables, key=len, reverse=True)
        if not names:
            return text
        pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, names)) + r")(?![\w])")

        def label(m: re.Match) -> str:
            short = self.short(m.group(1))
            first = short.split()[0] if short.split() else ""
            if (starts and m.start() == 0) or first.upper() == first:
                return short
            return short[:1].lower() + short[1:]

        return pattern.sub(label, text)

    def abbreviations(self, variables) -> list[tuple[str, str]]:
        """(abbreviation, meaning) pairs introduced by these variables, in order."""
        out = []
        for v in variables:
            ab = self.variables.get(v, {}).get("abbr")
            if ab and ab not in out:
                out.append(ab)
        return out


def _styled_p(value: float, style: str) -> str:
    """P value text in a named journal style (see FormatConfig.p_style)."""
    if style == "apa":
        if value < 0.001:
            return "<.001"
        text = f"{value:.3f}"
        if value < 1 and text == "1.000":
            return ">.999"
        return text[1:] if text.startswith("0") else text
    if style == "nejm":
        if value < 0.001:
            return "<0.001"
        if value < 0.01:
            return f"{value:.3f}"
        text = f"{value:.2f}"
        if value < 1 and text == "1.00":
            return ">0.99"
        return text
    if style == "exact":
        if value == 0:
            return "0"
        if value < 0.001:
            return f"{value:.2e}"
        return f"{value:.3g}"
    raise ValueError(f"unknown P style {style!r}")


#: The configuration used unless a caller passes another one.
DEFAULT_FORMAT = FormatConfig()


def capitalized(text: str) -> str:
    """First letter upper case, the rest as is ("sclerostin" -> "Sclerostin", "IL-6" kept)."""
    return text[:1].upper() + text[1:]


def covariate_phrase(covariates) -> str:
    """ "age, sex, and body mass index" from canonical covariate names."""
    names = {"age_yr": "age", "sex": "sex", "sex_male": "sex", "bmi": "body mass index"}
    words = [names.get(c, VARIABLES.get(c, {}).get("short", c)) for c in covariates]
    if not words:
        return "nothing"
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return f"{words[0]} and {words[1]}"
    return ", ".join(words[:-1]) + ", and " + words[-1]
