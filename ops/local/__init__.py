"""The local stack: the whole backend on one machine, offline, in two regions (see README.md here).

moto serves AWS on loopback behind `moto_gateway`; `api_front` stands in for API Gateway's HTTP API with its
JWT authorizer; what moto lacks is supplied by the named stand-ins of `stand_ins/`. The running parts share one
shape and one registry (`parts`); `control` is the client of the stack's control endpoint (`control_server`).
"""
