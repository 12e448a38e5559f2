"""The one exception type operators see: printed as a single line, never as a traceback."""


class OpsError(Exception):
    """An expected failure with a message for the operator (bad input, missing credentials, ...)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
