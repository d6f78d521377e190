"""The result of a whole study: every table and figure of the report.

`StudyResult` holds the full-precision tidy DataFrames of the plan's
steps (Tables 1-3 and Figures 1-2 for the seed study), the per-analysis
result objects of the stats layer, the warnings, and the context the
Methods paragraph needs. It renders nothing: rendering (HTML, DOCX, CSV,
JSON, figures) is `sarcostat.report`, whose
`StudyReport` adds ``to_html()``, ``write()`` and
the other ``to_*`` methods (``sarcostat.analyze`` returns one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sarcostat.study.censor import CensoringSummary
from sarcostat.study.plan import Plan

#: The seed study's report parts, in report order.
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
        Tidy full-precision tables keyed by plan step, in report order
        (the seed study: ``table1``, ``fig1``, ``table2``, ``fig2``,
        ``table3``; see the properties for columns). A skipped step has an
        empty frame.
    analyses : dict of str to object
        Every stats-layer result object, keyed ``"<part>/<row>/<model>"``.
    cohort : dict
        Cohort summary: ``n``, ``n_male``, ``pct_male``, ``age_mean``,
        ``age_sd``, ``n_group``, ``pct_group``, ``n_indeterminate``,
        ``definition``, ``tests_not_measured`` (alternative tests of the
        definition the cohort never measured, left out of the classification).
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
    skipped : dict of str to str
        Steps not run because the cohort lacks columns they need, with the
        note naming every missing column.
    imputations : pandas.DataFrame or None
        With ``[missing] method = "mice"``: the completed data sets in long
        format (``imputation`` 0 = the data as read, 1..m completed, then
        ``id`` and the canonical and derived columns), written as
        ``imputations.csv`` (participant-level data).
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
    #: Steps skipped because the cohort lacks their columns: name -> note.
    skipped: dict[str, str] = field(default_factory=dict)
    #: The completed data sets in long format (``imputation`` 0 = the data as
    #: read, 1..m completed), when the plan's ``[missing] method`` is "mice".
    imputations: pd.DataFrame | None = field(default=None, repr=False)

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

    @property
    def steps(self) -> list[str]:
        """Names of the plan steps that ran or were skipped, in report order."""
        return list(self.frames)

    def __repr__(self) -> str:
        return (
            f"StudyResult(biomarker={self.biomarker!r}, n={self.cohort.get('n')}, "
            f"parts={list(self.frames)}, warnings={len(self.warnings)})"
        )
