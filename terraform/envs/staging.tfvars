# staging: production-shaped (MFA required, threat protection audited, failover name) at lower limits.
env            = "staging"
owner          = "platform-team"
primary_region = "us-east-1"
dr_region      = "us-west-2"

identity = {
  mfa_configuration      = "ON"
  advanced_security_mode = "AUDIT"
  access_token_minutes   = 60
  refresh_token_days     = 30
}

api = {
  rate_limit         = 200
  burst_limit        = 400
  log_retention_days = 30
  functions = {
    mobile_api    = { memory_mb = 1024, timeout_seconds = 10, reserved_concurrency = 50 }
    notify_worker = { memory_mb = 512, timeout_seconds = 30, reserved_concurrency = 10 }
  }
}

data = {
  deletion_protection       = true
  pitr_recovery_period_days = 14
}

storage = {
  force_destroy             = false
  access_log_retention_days = 90
}

analytics = {
  bytes_scanned_cutoff = 5368709120 # 5 GiB per query
  buffering_interval_s = 300
  event_retention_days = 365
}

alerts = {
  emails                 = ["staging-alerts@example.com"]
  api_5xx_rate_percent   = 2
  api_latency_p99_ms     = 1500
  lambda_errors          = 10
  replication_latency_ms = 120000
  dlq_depth              = 5
  monthly_spend_usd      = 200
}

# Route 53 zone of the env (replace with yours): api.<domain> fails over, media.<domain> serves the CDN.
dns = {
  zone_id = "Z0000000000STAGINGZONE"
  domain  = "staging.example.com"
}

dr = {
  rto_minutes    = 60
  rpo_minutes    = 15
  drill_schedule = "rate(1 day)"
}

access = {
  github_repository    = "example-org/mobile-backend-toolkit"
  github_branch        = "main"
  trail_retention_days = 365
}

cdn = {
  price_class = "PriceClass_100"
}
