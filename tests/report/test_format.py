"""The one formatting configuration: P style, decimals, signs."""

import math

import pytest

from sarcostat.report.format import DEFAULT_FORMAT as F
from sarcostat.report.format import covariate_phrase


@pytest.mark.parametrize(
    "p, text",
    [
        (0.0, "<0.001"),
        (0.000999, "<0.001"),
        (0.001, "0.001"),
        (0.0014, "0.001"),
        (0.0246, "0.025"),
        (0.245, "0.245"),
        (0.9994, "0.999"),
        (0.99951, ">0.999"),
        (1.0, "1.000"),
        (math.nan, ""),
    ],
)
def test_p_values_are_printed_like_the_seed(p, text):
    assert F.p(p) == text


def test_p_inline():
    assert F.p_inline(0.0001) == "P<0.001"
    assert F.p_inline(0.026) == "P=0.026"
    assert F.p_inline(math.nan) == "P not estimable"


def test_means_use_the_decimals_of_the_variable_and_a_typographic_minus():
    assert F.mean_sd(72.44, 5.71, "age_yr") == "72.4\u00b15.7"
    assert F.mean_sd(0.8649, 0.2712, "gait_speed_m_s") == "0.86\u00b10.27"
    assert F.mean_sd(2.05, 0.6863, "sps") == "2.05\u00b10.69"
    assert F.beta(-0.0681) == "\u20130.068"
    # A value that rounds to zero carries no sign.
    assert F.beta(-0.0002) == "0.000"


def test_odds_ratio_with_ci_and_counts():
    assert F.or_ci(0.2712, 0.1391, 0.5287) == "0.27 (0.14\u20130.53)"
    assert F.count_pct(8, 40.0) == "8 (40.0)"


def test_covariate_phrase():
    assert covariate_phrase(["age_yr", "sex", "bmi"]) == "age, sex, and body mass index"
    assert covariate_phrase(["age_yr"]) == "age"
    assert covariate_phrase(["age_yr", "sex_male"]) == "age and sex"


@pytest.mark.parametrize(
    ("style", "value", "text"),
    [
        ("apa", 0.0004, "<.001"),
        ("apa", 0.001, ".001"),
        ("apa", 0.0264, ".026"),
        ("apa", 0.9996, ">.999"),
        ("apa", 1.0, "1.000"),
        ("nejm", 0.0009, "<0.001"),
        ("nejm", 0.0042, "0.004"),
        ("nejm", 0.0101, "0.01"),
        ("nejm", 0.264, "0.26"),
        ("nejm", 0.996, ">0.99"),
        ("exact", 4.1666e-06, "4.17e-06"),
        ("exact", 0.026449, "0.0264"),
        ("exact", 0.5, "0.5"),
        (None, 0.0004, "<0.001"),
        (None, 0.0264, "0.026"),
    ],
)
def test_p_styles(style, value, text):
    from sarcostat.report.format import FormatConfig

    fmt = FormatConfig(p_style=style)
    assert fmt.p(value) == text
    assert fmt.p(float("nan")) == ""
    assert fmt.p_inline(value) == ("P" + text if text[0] in "<>" else "P=" + text)


def test_report_options_parsing():
    from sarcostat.exceptions import ParameterError
    from sarcostat.report import options

    assert options.parse_figure_formats("TIFF, pdf,tif") == ("tiff", "pdf")
    assert options.parse_figure_formats("png,svg,pdf,tiff,eps") == options.FIGURE_FORMATS
    assert options.parse_dpi("1200") == 1200
    assert options.parse_figure_width("single") == 85
    assert options.parse_figure_width("double") == 180
    assert options.parse_figure_width("120mm") == 120
    for bad in ("", "gif", "png,jpeg"):
        with pytest.raises(ParameterError, match="--figure-format"):
            options.parse_figure_formats(bad)
    for bad in ("1201", "71", "3.5e2x"):
        with pytest.raises(ParameterError, match="--dpi"):
            options.parse_dpi(bad)
    for bad in ("wide", "10", "500"):
        with pytest.raises(ParameterError, match="--figure-width"):
            options.parse_figure_width(bad)


def test_counts_have_a_comma_between_thousands_from_1000():
    from sarcostat.report.format import DEFAULT_FORMAT, count_text

    assert [count_text(v) for v in (0, 129, 999, 1000, 201317, 1_000_000)] == [
        "0",
        "129",
        "999",
        "1,000",
        "201,317",
        "1,000,000",
    ]
    assert count_text(12.0) == "12" and count_text(None) == "" and count_text(float("nan")) == ""
    assert DEFAULT_FORMAT.count_pct(201317, 20.13) == "201,317 (20.1)"
    assert DEFAULT_FORMAT.count_pct(58, 45.0) == "58 (45.0)"  # the seed's counts unchanged
