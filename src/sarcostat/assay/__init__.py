"""Immunoassay layer: ELISA plates to concentrations.

A plate is data (layout + readings, :class:`Plate`); a standard curve is a
frozen fitted result (:class:`StandardCurve`); QC rules are data tables with
their source (:mod:`sarcostat.assay.qc_rules`).

Public API: :func:`read_plates`, :func:`read_layout`, :func:`fit_curve`,
:func:`quantify` (-> :class:`AssayResult`), :func:`convert_units`,
:func:`write_qc_report`.
"""

from sarcostat.assay.curves import StandardCurve, fit_curve
from sarcostat.assay.plates import Plate, read_layout, read_plates
from sarcostat.assay.qc_rules import PRESETS, Acceptance, acceptance_table
from sarcostat.assay.quantify import AssayResult, quantify
from sarcostat.assay.units import convert_units


def write_qc_report(result, path, **kwargs):
    """Write the HTML QC report (see :func:`sarcostat.assay.qc_report.write_qc_report`)."""
    # matplotlib/jinja2 are imported only when a report is written
    from sarcostat.assay.qc_report import write_qc_report as _write

    return _write(result, path, **kwargs)


__all__ = [
    "PRESETS",
    "Acceptance",
    "AssayResult",
    "Plate",
    "StandardCurve",
    "acceptance_table",
    "convert_units",
    "fit_curve",
    "quantify",
    "read_layout",
    "read_plates",
    "write_qc_report",
]
