"""The API's rules, one module per area, as plain functions of their dependencies (stores, clients, a clock,
the settings): no HTTP here. `mobile_api.routes` parses a request, calls one of these and maps the result
(`mobile_api.views`) or the refusal (`services.errors`, mapped in `mobile_api.errors`) to the response."""
