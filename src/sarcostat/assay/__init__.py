"""Immunoassay layer: ELISA plates to concentrations.

A plate is data (layout + readings, `Plate`); a standard curve is a
frozen fitted result (`StandardCurve`); QC rules are data tables with
their source (`sarcostat.assay.qc_rules`).

Public API: `read_plates`, `read_layout`, `fit_curve`,
`quantify` (-> `AssayResult`), `convert_units`. The HTML
QC report is rendered by `sarcostat.report.qc_report` (the report layer).
"""

from sarcostat.assay.curves import StandardCurve, fit_curve
from sarcostat.assay.plates import Plate, read_layout, read_plates
from sarcostat.assay.qc_rules import PRESETS, Acceptance, acceptance_table
from sarcostat.assay.quantify import AssayResult, quantify
from sarcostat.assay.units import convert_units

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
]
