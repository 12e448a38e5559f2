"""The named stand-ins: AWS behaviours moto lacks, supplied by the local stack, each failing the way AWS fails
(never more kindly). ops/local/README.md ("The stand-ins") says what each does and where it differs from AWS.

- `replicator`: S3 replication and DynamoDB global tables (both directions, last writer wins)
- `event_sources`: Lambda's event source mappings (SQS with partial batch responses, table streams)
- `ttl_sweeper`: DynamoDB TTL (expiry with the service's identity on the REMOVE records)
- `user_pool_replica`: Cognito's multi-Region replica of the user pool in the DR region
- `log_subscription`: CloudWatch Logs and a subscription filter shipping the API's usage-event lines to Firehose
- `firehose_conversion`: Firehose's processors (decompression, CloudWatch Logs message extraction), Parquet
  conversion and `!{timestamp:...}` prefixes
- `archive_tiers`, `s3_inventory`: S3 Intelligent-Tiering's archive tiers and restores, S3 Inventory reports
- `cognito_srp`, `cognito_mail`, `cognito_tokens`: Cognito as apps meet it (SRP, sign-up codes, tokens)
- `cognito_triggers`: Cognito's post-confirmation Lambda trigger (the onboarding function)
"""
