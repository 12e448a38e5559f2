# prod: MFA required, threat protection enforced, tight alarms, tight RTO/RPO, failover name.
env            = "prod"
owner          = "platform-team"
primary_region = "us-east-1"
dr_region      = "us-west-2"

# Not disposable: buckets and the Athena workgroup keep their contents; destroy stops at anything still holding data.
# How envs map to AWS accounts (the same in every env): "per-env" (recommended: one account per env; each
# env creates its account's GitHub OIDC provider and CloudTrail trail) or "shared" (all envs in one account:
# `make bootstrap` creates the OIDC provider once for the account, every env looks it up, prod owns the trail).
# Either way any env can be deployed first: docs/first-deploy.md.
account_layout = "per-env"

disposable = false

identity = {
  mfa_configuration      = "ON"
  advanced_security_mode = "ENFORCED"
  access_token_minutes   = 30
  refresh_token_days     = 30
  # Cognito's default sender is capped at 50 e-mails/day: send through a verified SES identity (replace with yours;
  # same region as the pool, or us-east-1/us-west-2/eu-west-1).
  email_sending = {
    source_arn         = "arn:aws:ses:us-east-1:000000000000:identity/example.com"
    from_email_address = "no-reply@example.com"
  }
}

# Reserved concurrency needs the account's Lambda concurrent-executions quota in BOTH regions to be at least
# 350 (200 + 50 reserved + 100 AWS keeps unreserved); raise it through Service Quotas before the first apply, or the function update fails.
api = {
  rate_limit         = 1000
  burst_limit        = 200 # at most mobile_api's reserved concurrency (blueprint validation)
  log_retention_days = 90
  # Web clients (browsers) allowed by CORS: the app's own origins; mobile apps need none.
  cors_allowed_origins = ["https://app.example.com"]
  functions = {
    mobile_api    = { memory_mb = 1024, timeout_seconds = 10, reserved_concurrency = 200 }
    notify_worker = { memory_mb = 512, timeout_seconds = 30, reserved_concurrency = 50 }
  }
}

data_protection = {
  deletion_protection       = true
  pitr_recovery_period_days = 35
}

storage = {
  access_log_retention_days = 365
}

analytics = {
  bytes_scanned_cutoff = 10737418240 # 10 GiB per query
  buffering_interval_s = 300
  event_retention_days = 730
}

alerts = {
  emails                 = ["oncall@example.com", "platform-team@example.com"]
  api_5xx_rate_percent   = 1
  api_latency_p99_ms     = 1000
  lambda_errors          = 5
  replication_latency_ms = 60000
  dlq_depth              = 1
  monthly_spend_usd      = 1000
}

# Route 53 zone of the env (replace with yours): api.<domain> fails over, media.<domain> serves the CDN.
dns = {
  zone_id = "Z000000000000PRODZONE"
  domain  = "example.com"
}

dr = {
  rto_minutes    = 15
  rpo_minutes    = 5
  drill_schedule = "rate(1 day)"
}

access = {
  github_repository    = "example-org/mobile-backend-toolkit"
  github_branch        = "main"
  trail_retention_days = 2555
  # CI: the branch's pushes (plan) and this GitHub deployment environment only (exact names, no wildcards).
  github_environments = ["prod"]
}

cdn = {
  price_class = "PriceClass_All"
}
