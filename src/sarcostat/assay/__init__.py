"""assay layer."""
