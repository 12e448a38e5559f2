"""The TTL archiver: items DynamoDB's TTL removes are written to S3 before they are gone (R11)."""
