"""Route groups; each module exposes `register(app, deps)` so every handler instance has its own deps."""
