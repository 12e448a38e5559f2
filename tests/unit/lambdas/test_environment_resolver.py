"""Each API resolver reads its own request's event, even while another resolver in the process resolves one
(the local stack runs a function's execution environments as threads of one process)."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from mobile_api.resolver import EnvironmentResolver


def http_event(path: str) -> dict:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {},
        "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"},
        "isBase64Encoded": False,
    }


def path_seen_after_a_nested_request(kind: type[APIGatewayHttpResolver]) -> str:
    """Resolver A's route lets resolver B resolve another request (as a concurrent thread would), then
    answers the path A's `current_event` holds."""
    a, b = kind(), kind()

    @b.get("/other")
    def other() -> dict:
        return {}

    @a.get("/mine")
    def mine() -> dict:
        b.resolve(http_event("/other"), {})
        return {"path": a.current_event.raw_event["rawPath"]}

    return a.resolve(http_event("/mine"), {})["body"]


def test_a_resolver_keeps_its_own_event_while_another_resolves():
    assert '"/mine"' in path_seen_after_a_nested_request(EnvironmentResolver)


def test_powertools_own_resolver_shares_the_event_across_resolvers():
    # Why EnvironmentResolver exists: should Powertools keep the event per resolver one day, this fails
    # and the subclass can go.
    assert '"/other"' in path_seen_after_a_nested_request(APIGatewayHttpResolver)
