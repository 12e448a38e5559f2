"""One cold start of the API function, as Lambda runs it: import the handler module (the init phase), then the
first invoke (settings from the environment, boto3 clients, the Tracer, one GET /health), then a second.
Prints JSON {"import_ms", "first_request_ms", "second_request_ms", "first_request_cpu_ms"} (the last is the
first request's CPU time, steadier than wall time on a shared machine). Run in a fresh interpreter by
benchmarks/api_bench.py; GET /health makes no AWS call, so no endpoint is needed."""

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


if __name__ == "__main__":
    started = time.perf_counter()
    from mobile_api.app import lambda_handler

    imported = time.perf_counter()
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
                "first_request_ms": (answered - imported) * 1000,
                "second_request_ms": (again - answered) * 1000,
                "first_request_cpu_ms": first_cpu * 1000,
            }
        )
    )
