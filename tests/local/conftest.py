"""The local stack's own tests run against the stack process over HTTP. Their fixtures
(`local_stack`, `local_stack_clean`) come from the ops.local.testing plugin, which pyproject's
pytest options load for the whole suite, so every test module shares one stack."""
