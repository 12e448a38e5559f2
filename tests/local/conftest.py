"""The local stack's own tests run against the stack process over HTTP (see ops/local/testing.py).

`pytest_plugins` is only allowed in the top-level conftest (the lead adds
`pytest_plugins = ["ops.local.testing"]` there); until then the fixtures are imported here.
"""

from ops.local.testing import local_stack, local_stack_clean

__all__ = ["local_stack", "local_stack_clean"]
