"""The notify worker: SQS batches of notification messages -> SNS mobile push + the consumer's inbox."""
