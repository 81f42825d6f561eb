"""Inspections, compliance flags, sweeps and warnings: added by the compliance and inspection issues."""
