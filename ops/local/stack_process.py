"""Entry point of the background stack process: `python -m ops.local.stack_process --state-dir DIR`.

Started detached by `ops local up` (and by the pytest fixtures). Writes DIR/state.json once
every component is healthy, DIR/startup-error.txt (one line) if it cannot start, and stops
cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from ops.local.config import Ports, StackConfig
from ops.local.moto_janitor import return_freed_memory


def parse_args(argv: list[str] | None = None) -> StackConfig:
    parser = argparse.ArgumentParser(prog="ops.local.stack_process")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--env", default="local")
    parser.add_argument(
        "--functions-dir", type=Path, default=StackConfig.model_fields["functions_dir"].default
    )
    for name, default in Ports().model_dump().items():
        parser.add_argument(f"--{name}-port", type=int, default=default)
    args = parser.parse_args(argv)
    ports = Ports(**{name: getattr(args, f"{name}_port") for name in Ports.model_fields})
    return StackConfig(env=args.env, ports=ports, state_dir=args.state_dir, functions_dir=args.functions_dir)


def write_json_atomically(path: Path, document: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2))
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    config.log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("werkzeug", "botocore", "urllib3"):  # moto logs every request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    error_file = config.state_dir / "startup-error.txt"
    error_file.unlink(missing_ok=True)

    from ops.local.stack import LocalStack, StartupError  # heavy imports after logging is set up

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stack = LocalStack(config)
    try:
        stack.start()
    except StartupError as exc:
        error_file.write_text(f"{exc}\n")
        logging.getLogger("ops.local").error("startup failed: %s", exc)
        return _exit(stack, 3)
    except Exception as exc:
        error_file.write_text(f"{type(exc).__name__}: {exc}\n")
        logging.getLogger("ops.local").exception("startup failed")
        return _exit(stack, 3)
    write_json_atomically(config.state_file, stack.state_document())
    return_freed_memory()
    # What startup built (service models, moto backends, the functions' modules) lives as long as the
    # process: out of the collector's sight, each later collection (the janitor's, and Python's own) walks
    # only what came after, instead of the whole heap (~0.3-0.4 s of CPU each).
    gc.freeze()
    stopping.wait()
    logging.getLogger("ops.local").info("stopping")
    config.state_file.unlink(missing_ok=True)
    return _exit(stack, 0)


def _exit(stack: object, code: int) -> int:
    started = time.monotonic()
    stack.stop()  # type: ignore[attr-defined]
    logging.getLogger("ops.local").info("stopped in %.2f s", time.monotonic() - started)
    logging.shutdown()
    os._exit(code)  # skip interpreter teardown of moto's many modules: nothing is left to flush


if __name__ == "__main__":
    sys.exit(main())
