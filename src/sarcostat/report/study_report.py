"""A study result that renders itself: the report layer's face of a StudyResult.

`StudyReport` is a `StudyResult` with
the rendering methods (``to_html``, ``to_docx``, ``to_json``, ``write``,
``methods_text``, ``summary``). The study layer cannot render (it sits
below ``report``), so ``sarcostat.analyze`` runs the plan with
`sarcostat.study.run.analyze` and hands the result to `as_report`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sarcostat.study.result import StudyResult


@dataclasses.dataclass(frozen=True, repr=False)
class StudyReport(StudyResult):
    """A `StudyResult` with its renderers."""

    def methods_text(self) -> str:
        """A Methods paragraph stating every analysis choice, ready to adapt."""
        from sarcostat.report.methods import methods_text

        return methods_text(self)

    def to_html(self) -> str:
        """The self-contained HTML report (inline CSS, embedded figures)."""
        from sarcostat.report.html import render_html

        return render_html(self)

    def to_docx(self, path: str | Path | None = None) -> Path | bytes:
        """The tables as journal tables: written to ``path`` (returned), or the
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
        **options,
    ) -> Path:
        """Write the full report directory (atomically); returns its path.

        ``extra(out)``, if given, stages more files on the output folder;
        ``options`` (``overwrite``, ``output_command``, ``inputs``) go to
        `sarcostat.report.export.write_report`.
        """
        from sarcostat.report.export import write_report

        return write_report(
            self,
            outdir,
            command=command,
            input_path=input_path,
            progress=progress,
            extra=extra,
            **options,
        )

    def summary(self) -> str:
        """Key findings in a few plain lines (the CLI's closing summary)."""
        from sarcostat.report.methods import key_findings

        return "\n".join(key_findings(self))


def as_report(result: StudyResult) -> StudyReport:
    """``result`` as a `StudyReport` (the same fields; no copy of the data)."""
    if isinstance(result, StudyReport):
        return result
    return StudyReport(**{f.name: getattr(result, f.name) for f in dataclasses.fields(StudyResult)})


def analyze(cohort_or_path, plan=None, **kwargs) -> StudyReport:
    """Run the analysis plan on a cohort and return a `StudyReport`.

    This is ``sarcostat.analyze``: `sarcostat.study.run.analyze` (see
    it for every argument: ``plan``, ``biomarker``, ``mapping``, ``sheet``,
    ``synthetic``, ``progress``, ``threads``) with the rendering methods added.
    With more than one thread, the figures' drawing modules are imported
    while the cohort is assessed (``prepare``, `sarcostat.study.run._warm_up`).
    """
    from sarcostat.report.figures import load_drawing_modules
    from sarcostat.study.run import analyze as run_plan

    kwargs.setdefault("prepare", load_drawing_modules)
    return as_report(run_plan(cohort_or_path, plan, **kwargs))
