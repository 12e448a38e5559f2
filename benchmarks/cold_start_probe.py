"""One cold start of the API function, as Lambda runs it: import the handler module (the init phase), then the
first invoke (settings from the environment, boto3 clients, the Tracer, one GET /health), then a second.
Prints JSON {"import_ms", "import_cpu_ms", "first_request_ms", "first_request_cpu_ms", "second_request_ms"}
(CPU time is steadier than wall time on a shared machine). Run in a fresh interpreter by benchmarks/api_bench.py;
GET /health makes no AWS call, so no endpoint is needed.

`--baseline`: the same for the smallest Powertools function of the same shape, the baseline of the cold-import
ratio: import boto3 + the Powertools pieces the API uses (Logger, Tracer, Metrics, APIGatewayHttpResolver); on
the first invoke, a resolver without validation and one GET /health route, a DynamoDB client, the Tracer and
Metrics wrappers, as the API builds them on its first invoke.
"""

from __future__ import annotations

import json
import os
import sys
import time

sys.path[:0] = ["lambdas"]
os.environ.update(
    {
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "ENV_NAME": "bench",
        "TABLE_NAME": "bench",
        "MEDIA_BUCKET": "bench",
        "NOTIFY_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
        "USAGE_STREAM_NAME": "bench-usage-events",
        "REGIONS": "us-east-1,us-west-2",
        "POWERTOOLS_SERVICE_NAME": "mobile_api",
        "POWERTOOLS_METRICS_NAMESPACE": "bench",
    }
)
EVENT = {
    "version": "2.0",
    "routeKey": "GET /health",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {},
    "requestContext": {
        "http": {"method": "GET", "path": "/health"},
        "requestId": "cold",
        "stage": "$default",
    },
    "isBase64Encoded": False,
}


class Context:
    function_name = "bench-mobile-api"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-mobile-api"
    aws_request_id = "cold"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def baseline_handler() -> object:
    """The baseline function's handler, built as the API builds its own on the first invoke."""
    import boto3
    from aws_lambda_powertools import Logger, Metrics, Tracer
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    logger = Logger(service="baseline")
    app = APIGatewayHttpResolver()
    client = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "region": client.meta.region_name}

    def handler(event: dict, context: object) -> dict:
        logger.append_keys(request_id=event["requestContext"]["requestId"])
        return app.resolve(event, context)

    return Tracer(service="baseline").capture_lambda_handler(Metrics().log_metrics(handler))


if __name__ == "__main__":
    baseline = "--baseline" in sys.argv[1:]
    started, started_cpu = time.perf_counter(), time.process_time()
    if baseline:
        import boto3  # noqa: F401
        from aws_lambda_powertools import Logger, Metrics, Tracer  # noqa: F401
        from aws_lambda_powertools.event_handler import APIGatewayHttpResolver  # noqa: F401

        handlers: list = []

        def lambda_handler(event: dict, context: object) -> dict:
            if not handlers:
                handlers.append(baseline_handler())
            return handlers[0](event, context)
    else:
        from mobile_api.app import lambda_handler

    imported, import_cpu = time.perf_counter(), time.process_time() - started_cpu
    # The usage line (written to descriptor 1) and the metrics go to the log pipe in Lambda: here, the null device.
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    cpu = time.process_time()
    first = lambda_handler(EVENT, Context())
    answered = time.perf_counter()
    first_cpu = time.process_time() - cpu
    lambda_handler(EVENT, Context())
    again = time.perf_counter()
    sys.stdout.flush()
    os.dup2(saved, 1)
    assert first["statusCode"] == 200, first
    print(
        json.dumps(
            {
                "import_ms": (imported - started) * 1000,
                "import_cpu_ms": import_cpu * 1000,
                "first_request_ms": (answered - imported) * 1000,
                "first_request_cpu_ms": first_cpu * 1000,
                "second_request_ms": (again - answered) * 1000,
            }
        )
    )
