terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Partial configuration: `ops env plan --env X` passes envs/X.backend.hcl (S3 with native locking).
  backend "s3" {}
}
