terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Bootstrap root: its own state stays local (keep terraform.tfstate safe, or import later).
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project = var.project
      env     = "shared"
      owner   = var.owner
    }
  }
}
