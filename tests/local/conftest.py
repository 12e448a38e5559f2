"""The local stack's own tests run against the stack process over HTTP (see ops/local/testing.py)."""

pytest_plugins = ["ops.local.testing"]
