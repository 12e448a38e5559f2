"""Onboarding: Cognito's post-confirmation trigger puts every new user, password or federated, in `consumers`."""
