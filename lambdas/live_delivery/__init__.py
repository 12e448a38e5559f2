"""Live delivery: each region's table stream -> live events -> the recipients' connections held in this region."""
