"""`ops env ...`: plan, apply, destroy and read a cloud environment from the one Terraform blueprint."""
