"""The local stack: the whole backend on one machine, offline, in two regions (see README.md here).

moto serves AWS on loopback; what moto lacks is supplied by clearly named stand-ins:
`api_front` (API Gateway HTTP API + JWT authorizer), `replicator` (S3 replication and DynamoDB
global tables), `event_sources` (Lambda event source mappings).
"""
