"""Cognito post-confirmation trigger -> the new user joins `consumers`; answers the event unchanged, as Cognito
requires of this trigger."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from backend_core import aws
from backend_core.entrypoint import Handler, lazy_lambda_handler
from onboarding.onboarding import onboard
from onboarding.settings import Settings

logger = Logger(service="onboarding")
metrics = Metrics(namespace="MobileBackend", service="onboarding")


def create_handler(settings: Settings) -> Handler:
    cognito = aws.client("cognito-idp", settings)

    def handler(event: dict, context: object) -> dict:
        group = onboard(cognito, event)
        if group is not None:
            metrics.add_metric(name="UsersOnboarded", unit=MetricUnit.Count, value=1)
            logger.info("new user onboarded", extra={"group": group, "trigger": event["triggerSource"]})
        return event

    return handler


lambda_handler = lazy_lambda_handler(
    "onboarding",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
