"""`ops drill`: failover drills that prove the DR region can take over, measured as a user would see it."""
