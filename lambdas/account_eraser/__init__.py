"""The account eraser: erases a deleted account's data in this region, and keeps it erased."""
