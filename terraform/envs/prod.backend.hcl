# Remote state for prod, created once per account by terraform/state-backend (see terraform/README.md).
bucket       = "mbt-tfstate-ACCOUNT_ID-us-east-1" # output `bucket` of terraform/state-backend
key          = "mbt/prod/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
kms_key_id   = "arn:aws:kms:us-east-1:ACCOUNT_ID:alias/mbt-tfstate" # output `kms_key_alias_arn` of terraform/state-backend; its bucket refuses writes with any other key
use_lockfile = true
