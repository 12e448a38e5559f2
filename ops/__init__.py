"""Operator toolkit: Terraform runner and offline checks, local stack, DR drills, archival audits."""
