"""One numbering of tables and figures (report.parts.number_parts), as the
HTML report and tables.docx show it."""

from sarcostat.report.parts import Part, number_parts
from sarcostat.report.tables import DisplayTable


def _part(name, heading, *, tables=1, figure=False, supplementary=False, **kw):
    return Part(
        name=name,
        heading=heading,
        template="",
        frame=None,
        tables=[DisplayTable(title=f"{name} title", header=[], rows=[]) for _ in range(tables)],
        figure="png" if figure else None,
        supplementary=supplementary,
        **kw,
    )


def test_main_and_supplementary_series_in_report_order_without_gaps():
    parts = number_parts(
        [
            _part("table1", "Table 1"),
            _part("fig1", "Figure 1", figure=True, in_docx=False),
            _part("table2", "Table 2"),
            _part("table1_full", "Supplementary: Baseline", supplementary=True),
            _part("table2_ci", "Supplementary: CIs", supplementary=True, skipped="lacks x"),
            _part("roc", "Supplementary: ROC", figure=True, supplementary=True, tables=2),
            _part("flow", "Supplementary: Flow", figure=True, supplementary=True),
            _part("extra", "My analysis"),
        ]
    )
    labels = [(p.name, [t.label for t in p.tables], p.figure_label) for p in parts]
    assert labels == [
        ("table1", ["Table 1"], ""),
        # The values under Figure 1 are not in tables.docx: unnumbered.
        ("fig1", [""], "Figure 1"),
        ("table2", ["Table 2"], ""),
        ("table1_full", ["Table S1"], ""),
        # A skipped step takes no number.
        ("table2_ci", [""], ""),
        ("roc", ["Table S2", "Table S3"], "Figure S1"),
        ("flow", ["Table S4"], "Figure S2"),
        ("extra", ["Table 3"], ""),
    ]
    assert parts[3].tables[0].caption == "Table S1. table1_full title"
    assert parts[1].tables[0].caption == "fig1 title"


def test_a_numbered_heading_follows_the_numbering():
    parts = number_parts([_part("table2", "Table 2"), _part("fig2", "Figure 2", figure=True)])
    assert [p.heading for p in parts] == ["Table 1", "Figure 1"]
    assert parts[1].figure_label == "Figure 1" and parts[1].tables[0].label == "Table 2"
