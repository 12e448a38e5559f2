"""`ops users list-applications` in a narrow terminal keeps each user id whole (operators paste it)."""

from __future__ import annotations

import uuid

from rich.console import Console

from backend_core.provider_application_store import ProviderApplication
from ops.users.cli import applications_table


def test_user_ids_are_whole_in_an_80_column_terminal() -> None:
    found = [
        ProviderApplication(
            user_id=str(uuid.uuid4()),
            email=f"someone.with.a.long.address{n}@example.com",
            business_name="A business with a rather long trading name",
            about=None,
            status="rejected",
            requested_at="2026-12-01T10:00:00Z",
            decided_at="2026-12-01T11:00:00Z",
            reason="we need a trade licence and proof of insurance before we can approve",
        )
        for n in range(2)
    ]
    console = Console(width=80, record=True, color_system=None)
    console.print(applications_table(found, "rejected provider applications (dev): 2"))
    shown = console.export_text()
    for application in found:
        assert application.user_id in shown
