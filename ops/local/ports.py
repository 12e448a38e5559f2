"""Loopback port checks (the stack only ever binds 127.0.0.1)."""

from __future__ import annotations

import socket

from ops.local.config import HOST


def is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def taken(ports: dict[str, int]) -> list[str]:
    """'8080 (primary API front)' for every labelled port that is already in use (0 = any, never taken)."""
    return [f"{port} ({label})" for label, port in ports.items() if port and not is_free(port)]
