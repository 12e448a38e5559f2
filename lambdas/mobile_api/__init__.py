"""The mobile API function: HTTP API (payload v2) routes for identity, sync, media, devices, notifications."""
