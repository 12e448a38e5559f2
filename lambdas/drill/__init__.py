"""The scheduled DR drill (non-destructive): preflight the DR site, measure RPO with canaries, report."""
