# dev: cheapest useful copy of production; MFA optional, disposable buckets, small limits.
env            = "dev"
owner          = "platform-team"
primary_region = "us-east-1"
dr_region      = "us-west-2"

# Torn down with everything in it by `make destroy ENV=dev`: buckets and the Athena workgroup go with their contents.
# How envs map to AWS accounts (the same in every env): "per-env" (recommended: one account per env; each
# env creates its account's GitHub OIDC provider and CloudTrail trail) or "shared" (all envs in one account:
# `make bootstrap` creates the OIDC provider once for the account, every env looks it up, prod owns the trail).
# Either way any env can be deployed first: docs/first-deploy.md.
account_layout = "per-env"

disposable = true

identity = {
  mfa_configuration      = "OPTIONAL"
  advanced_security_mode = "OFF"
  access_token_minutes   = 60
  refresh_token_days     = 30
  # Managed login for federated sign-in: the app's URL scheme (change it to your app's); the Cognito domain is
  # <project>-<env>-<account id> unless domain_prefix is set.
  hosted_login = {
    callback_urls = ["mbtapp://signin", "http://localhost:3000/"]
    logout_urls   = ["mbtapp://signout", "http://localhost:3000/"]
  }
  # Sign in with Apple, Google, ...: modules/identity/README.md, step by step. Secrets stay in Secrets Manager.
  # providers = {
  #   Google = { type = "Google", client_id = "....apps.googleusercontent.com", secret_arn = "arn:aws:secretsmanager:us-east-1:<account>:secret:mbt-dev/google-client-secret-AbCdEf" }
  # }
}

# No reserved concurrency in dev: it would need a raised Lambda concurrency quota (staging >= 160, prod >= 350 per region).
api = {
  rate_limit         = 50
  burst_limit        = 100
  log_retention_days = 14
  # Web clients (browsers) allowed by CORS: the app's own origins; mobile apps need none.
  cors_allowed_origins = ["http://localhost:3000", "https://app.dev.example.com"]
  functions = {
    mobile_api    = { memory_mb = 512, timeout_seconds = 10 }
    notify_worker = { memory_mb = 256, timeout_seconds = 30 }
  }
}

data_protection = {
  deletion_protection       = false
  pitr_recovery_period_days = 7
}

storage = {
  access_log_retention_days = 30
}

analytics = {
  bytes_scanned_cutoff = 1073741824 # 1 GiB per query
  buffering_interval_s = 300
  event_retention_days = 90
}

alerts = {
  emails                 = ["dev-alerts@example.com"]
  api_5xx_rate_percent   = 5
  api_latency_p99_ms     = 2000
  lambda_errors          = 20
  replication_latency_ms = 300000
  dlq_depth              = 10
  monthly_spend_usd      = 50
}

# Route 53 zone of the env (replace with yours): api.<domain> fails over, media.<domain> serves the CDN.
dns = {
  zone_id = "Z00000000000000DEVZONE"
  domain  = "dev.example.com"
}

dr = {
  rto_minutes    = 120
  rpo_minutes    = 30
  drill_schedule = "rate(7 days)"
}

access = {
  github_repository    = "example-org/mobile-backend-toolkit"
  github_branch        = "main"
  trail_retention_days = 90
  # CI: the branch's pushes (plan) and this GitHub deployment environment only (exact names, no wildcards).
  github_environments = ["dev"]
}

cdn = {
  price_class = "PriceClass_100"
}
