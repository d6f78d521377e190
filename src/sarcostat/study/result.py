"""The result of a whole study: every table and figure of the report.

:class:`StudyResult` holds the full-precision tidy DataFrames of Tables 1-3
and Figures 1-2, the per-analysis result objects of the stats layer, the
warnings, and the context the Methods paragraph needs. Rendering (HTML,
DOCX, CSV, JSON, figures) lives in :mod:`sarcostat.report`; the ``to_*``
methods here are conveniences that call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sarcostat.study.censor import CensoringSummary
from sarcostat.study.plan import Plan

#: Report parts, in report order.
PARTS = ("table1", "fig1", "table2", "fig2", "table3")


@dataclass(frozen=True)
class StudyResult:
    """Tables 1-3 and Figures 1-2 of a biomarker-sarcopenia study.

    Attributes
    ----------
    plan : Plan
        The plan that was run.
    biomarker : str
        Biomarker column.
    biomarker_label, biomarker_unit : str
        Display name and unit of the biomarker.
    frames : dict of str to pandas.DataFrame
        Tidy full-precision tables keyed by part (``table1``, ``fig1``,
        ``table2``, ``fig2``, ``table3``); see the properties for columns.
    analyses : dict of str to object
        Every stats-layer result object, keyed ``"<part>/<row>/<model>"``.
    cohort : dict
        Cohort summary: ``n``, ``n_male``, ``pct_male``, ``age_mean``,
        ``age_sd``, ``n_group``, ``pct_group``, ``n_indeterminate``,
        ``definition``.
    censoring : CensoringSummary
    warnings : tuple of str
        Everything a reader must know (EPV, indeterminate classifications,
        censored values, excluded rows).
    source : str or None
        Input file, when analyzed from a path.
    synthetic : bool
        True for the bundled synthetic demo cohort (the report says so).
    data : pandas.DataFrame
        The analysis dataset: the cohort with the derived columns
        (``sarcopenia``, ``low_muscle_mass``, ``low_strength``,
        ``low_performance`` as 0/1 with NaN when indeterminate, ``sps``,
        ``sppb_total``, ``sex_male``) and censored biomarker values
        substituted as the plan says.
    """

    plan: Plan
    biomarker: str
    biomarker_label: str
    biomarker_unit: str
    frames: dict[str, pd.DataFrame]
    analyses: dict[str, Any]
    cohort: dict[str, Any]
    censoring: CensoringSummary
    warnings: tuple[str, ...] = ()
    source: str | None = None
    synthetic: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    data: pd.DataFrame | None = field(default=None, repr=False)

    # -- the five parts --------------------------------------------------------
    @property
    def table1(self) -> pd.DataFrame:
        """Baseline characteristics by group.

        Columns: ``variable``, ``level`` (category for n (%) rows, empty for
        continuous rows), ``kind``, ``mean_with``, ``sd_with``, ``n_with``,
        ``count_with``, ``pct_with`` and the same ``*_without``, ``test``,
        ``statistic``, ``df``, ``p_value``.
        """
        return self.frames["table1"].copy()

    @property
    def fig1(self) -> pd.DataFrame:
        """Biomarker LS means by status.

        Columns: ``status``, ``level`` (``with``/``without``), ``model``
        (``unadjusted``/``adjusted``), ``estimate``, ``se``, ``ci_lower``,
        ``ci_upper``, ``n``, ``mean``, ``sd`` (raw), ``p_value`` (difference
        of the two LS means, Type III F test).
        """
        return self.frames["fig1"].copy()

    @property
    def table2(self) -> pd.DataFrame:
        """Linear regression of each outcome on the biomarker.

        Columns: ``outcome``, ``model``, ``estimate`` (b per biomarker unit),
        ``se``, ``std_beta``, ``statistic``, ``df``, ``p_value``,
        ``ci_lower``, ``ci_upper``, ``n``.
        """
        return self.frames["table2"].copy()

    @property
    def fig2(self) -> pd.DataFrame:
        """Outcome LS means by biomarker quartile.

        Columns: ``outcome``, ``model``, ``quartile`` (1-4), ``estimate``,
        ``se``, ``ci_lower``, ``ci_upper``, ``n``, ``biomarker_min``,
        ``biomarker_max``, ``biomarker_median``, ``p_trend`` (P for trend of
        that model), ``p_overall`` (Type III F test of the quartile factor),
        ``p_q1_vs_q4`` (highest vs lowest quartile, post hoc adjusted).
        """
        return self.frames["fig2"].copy()

    @property
    def table3(self) -> pd.DataFrame:
        """Odds ratio per SD of the biomarker for each binary outcome.

        Columns: ``outcome``, ``model``, ``odds_ratio``, ``or_ci_lower``,
        ``or_ci_upper``, ``p_value``, ``estimate``, ``se``, ``n``,
        ``events``, ``epv``, ``sd``.
        """
        return self.frames["table3"].copy()

    # -- rendering (delegated to report/) ----------------------------------------
    def methods_text(self) -> str:
        """A Methods paragraph stating every analysis choice, ready to adapt."""
        from sarcostat.report.methods import methods_text

        return methods_text(self)

    def to_html(self) -> str:
        """The self-contained HTML report (inline CSS, embedded figures)."""
        from sarcostat.report.html import render_html

        return render_html(self)

    def to_docx(self, path: str | Path | None = None) -> Path | bytes:
        """Tables 1-3 as journal tables: written to ``path`` (returned), or the
        .docx file's bytes when no path is given."""
        from sarcostat.report.docx import build_docx, write_docx

        if path is not None:
            return write_docx(self, path)
        import io

        buf = io.BytesIO()
        build_docx(self).save(buf)
        return buf.getvalue()

    def to_json(self) -> dict:
        """Every number of the report at full precision, keyed by part and row."""
        from sarcostat.report.export import results_dict

        return results_dict(self)

    def write(
        self,
        outdir: str | Path,
        *,
        command: str | None = None,
        input_path: str | Path | None = None,
        progress=None,
        extra=None,
    ) -> Path:
        """Write the full report directory (atomically); returns its path.

        ``extra(tmpdir)``, if given, writes more files before the move.
        """
        from sarcostat.report.export import write_report

        return write_report(
            self, outdir, command=command, input_path=input_path, progress=progress, extra=extra
        )

    def summary(self) -> str:
        """Key findings in a few plain lines (the CLI's closing summary)."""
        from sarcostat.report.methods import key_findings

        return "\n".join(key_findings(self))

    def __repr__(self) -> str:
        return (
            f"StudyResult(biomarker={self.biomarker!r}, n={self.cohort.get('n')}, "
            f"parts={list(self.frames)}, warnings={len(self.warnings)})"
        )
