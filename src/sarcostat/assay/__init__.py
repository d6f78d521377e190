"""Immunoassay layer: ELISA plates to concentrations.

A plate is data (layout + readings); a standard curve is a frozen fitted
result (:class:`StandardCurve`); QC rules are data tables with their source
(:mod:`sarcostat.assay.qc_rules`).
"""

from sarcostat.assay.curves import StandardCurve, fit_curve

__all__ = ["StandardCurve", "fit_curve"]
