"""The endpoint cleanup: when a device registration is removed, retire its push endpoint in this region."""
