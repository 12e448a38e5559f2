# Remote state for prod, created once per account by terraform/state-backend (see terraform/README.md).
bucket       = "mbt-tfstate-ACCOUNT_ID-us-east-1" # output `bucket` of terraform/state-backend
key          = "mbt/prod/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
use_lockfile = true
