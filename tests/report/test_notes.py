"""Warnings grouped by kind (report/notes.py): one note per kind, every item kept."""

from sarcostat.report.notes import console_lines, group_warnings

TAIL = "is below 10; estimates may be biased and unstable."
WARNINGS = [
    f"Table 3, sarcopenia (adjusted): 5.0 events per variable (min(20, 109) / 4) {TAIL}",
    f"Table 3, low muscle mass (adjusted): 6.5 events per variable (min(26, 103) / 4) {TAIL}",
    "Supplementary definitions, EWGSOP1: not estimable: or_per_sd: the outcome is constant.",
    f"Supplementary sex interaction, sarcopenia (male): 2.7 events per variable "
    f"(min(8, 56) / 3) {TAIL}",
    "Supplementary spline, smi: fewer than 5 distinct values; not estimated.",
    "Supplementary spline, grip: fewer than 5 distinct values; not estimated.",
    "Table 1: one odd note.",
]


def test_one_group_per_kind_with_counts_analyses_and_every_item():
    groups = group_warnings(WARNINGS)
    assert [g.kind for g in groups] == ["low_epv", "not_estimable", "shared", "single"]
    epv = groups[0]
    assert epv.headline.startswith("3 logistic models with fewer than 10 events per variable")
    assert "(2.7 to 6.5;" in epv.headline
    assert "By analysis: Table 3 (2); Supplementary sex interaction (1)." in epv.headline
    # Each model keeps its own numbers.
    assert epv.items == [
        "Table 3, sarcopenia (adjusted): 5.0 events per variable (min(20, 109) / 4)",
        "Table 3, low muscle mass (adjusted): 6.5 events per variable (min(26, 103) / 4)",
        "Supplementary sex interaction, sarcopenia (male): 2.7 events per variable "
        "(min(8, 56) / 3)",
    ]
    assert groups[1].headline.startswith("1 model not estimable")
    assert groups[1].items == [
        "Supplementary definitions, EWGSOP1: or_per_sd: the outcome is constant."
    ]
    assert groups[2].headline.startswith("2 models: fewer than 5 distinct values")
    assert len(groups[2].items) == 2
    assert groups[3].headline == "Table 1: one odd note." and groups[3].items == []
    assert sum(max(1, len(g.items)) for g in groups) == len(WARNINGS)


def test_console_prints_one_line_per_kind():
    lines = console_lines(WARNINGS)
    assert lines[0] == "7 warnings in 4 notes (every item in the report and manifest.json):"
    assert len(lines) == 5 and all(line.startswith("- ") for line in lines[1:])
    assert console_lines([]) == []
    capped = console_lines(WARNINGS, limit=2)
    assert capped[-1] == "- and 2 more note(s); see the report."
