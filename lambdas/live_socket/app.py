"""WebSocket API events -> the live channel's routes (live_socket/routes.py); one function serves the $connect
authorizer (an event with `type: REQUEST`) and the $connect, $disconnect and $default routes."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import ClientError

from backend_core import aws
from backend_core.entrypoint import Handler, lazy_lambda_handler
from backend_core.live_connections import LiveConnectionStore
from live_socket.routes import LiveRoutes
from live_socket.settings import Settings
from live_socket.signing_keys import SigningKeyStore
from live_socket.tokens import TokenVerifier, TrustedIssuers

logger = Logger(service="live-socket")
metrics = Metrics(namespace="MobileBackend", service="live-socket")


def create_handler(settings: Settings) -> Handler:
    built: list[TokenVerifier] = []
    dynamodb = aws.client("dynamodb", settings)

    def verifier() -> TokenVerifier:
        """The trusted issuers from the SSM parameter, read once per execution environment. A missing or broken
        parameter is a deployment error: raised (API Gateway answers 500), never taken as "trust nobody"."""
        if not built:
            name = settings.live_auth_parameter
            if not name:
                raise RuntimeError("LIVE_AUTH_PARAMETER is not set: modules/live writes the trusted issuers")
            try:
                text = aws.client("ssm", settings).get_parameter(Name=name)["Parameter"]["Value"]
            except ClientError as exc:
                raise RuntimeError(f"cannot read SSM parameter {name}: {exc}") from exc
            built.append(
                TokenVerifier(
                    TrustedIssuers.from_json(text),
                    store=SigningKeyStore(dynamodb, settings.table_name),
                    log=lambda message, extra: logger.warning(message, extra=extra),
                )
            )
        return built[0]

    routes = LiveRoutes(
        verifier=verifier,
        connections=LiveConnectionStore(dynamodb, settings.table_name),
        region=settings.region,
        log=lambda message, extra: logger.info(message, extra=extra),
    )

    def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
        if event.get("type") == "REQUEST":
            return routes.authorize(event)
        answer = routes.route(event)
        kind = (event.get("requestContext") or {}).get("eventType")
        if kind == "CONNECT" and answer.get("statusCode") == 200:
            metrics.add_metric(name="LiveConnections", unit=MetricUnit.Count, value=1)
        return answer

    return handler


lambda_handler = lazy_lambda_handler(
    "live-socket",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
