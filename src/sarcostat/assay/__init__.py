"""Immunoassay layer: ELISA plates to concentrations.

A plate is data (layout + readings, `Plate`); a standard curve is a
frozen fitted result (`StandardCurve`); QC rules are data tables with
their source (`sarcostat.assay.qc_rules`).

Public API: `read_plates`, `read_layout`, `fit_curve`,
`quantify` (-> `AssayResult`), `convert_units`. The HTML
QC report is rendered by `sarcostat.report.qc_report` (the report layer).

The names are imported from their modules on first use (see
`sarcostat._lazy`); this package imports none of its modules itself.
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.assay.curves import StandardCurve, fit_curve
    from sarcostat.assay.plates import Plate, read_layout, read_plates
    from sarcostat.assay.qc_rules import PRESETS, Acceptance, acceptance_table
    from sarcostat.assay.quantify import AssayResult, quantify
    from sarcostat.assay.units import convert_units
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    # `quantify` is the function, as before; its module is
    # `import sarcostat.assay.quantify`.
    __getattr__, __dir__ = _lazy_package(
        __name__,
        {
            "curves": ["StandardCurve", "fit_curve"],
            "plates": ["Plate", "read_layout", "read_plates"],
            "qc_rules": ["PRESETS", "Acceptance", "acceptance_table"],
            "quantify": ["AssayResult", "quantify"],
            "units": ["convert_units"],
        },
    )

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
