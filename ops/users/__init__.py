"""`ops users`: operators' work on the env's users (provider applications)."""
