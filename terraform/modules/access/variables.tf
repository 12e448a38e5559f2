variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the CI role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_branch" {
  description = "Branch whose push workflows may assume the CI role (plan on push)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+$", var.github_branch))
    error_message = "github_branch must be an exact branch name (no wildcards)."
  }
}

variable "logs_kms_key_arn" {
  description = "Key encrypting CloudTrail log files and its log group."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket receiving S3 server access logs of the trail bucket."
  type        = string
}

variable "trail_retention_days" {
  description = "Days CloudTrail log files are kept in S3."
  type        = number
  default     = 365

  validation {
    condition     = var.trail_retention_days >= 90
    error_message = "keep CloudTrail logs at least 90 days."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudTrail log group in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "analytics" {
  description = "What the analyst role may read: workgroup ARN, Glue database name, event bucket ARN, results bucket ARN, analytics key ARN."
  type = object({
    workgroup_arn      = string
    database           = string
    bucket_arn         = string
    results_bucket_arn = string
    kms_key_arn        = string
  })
}

variable "max_session_hours" {
  description = "Maximum session length of the human roles."
  type        = number
  default     = 4

  validation {
    condition     = var.max_session_hours >= 1 && var.max_session_hours <= 12
    error_message = "max_session_hours must be 1-12."
  }
}

variable "github_environments" {
  description = "GitHub deployment environments (exact names, e.g. [\"prod\"]) whose workflows may assume the CI role, besides github_branch."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.github_environments : can(regex("^[A-Za-z0-9_.-]+$", e))])
    error_message = "github_environments must be exact environment names (letters, digits, _ . -; no wildcards)."
  }
}

variable "account_singletons" {
  description = "Account-wide resources this env creates: the GitHub OIDC provider and the multi-region CloudTrail. Exactly one env per AWS account sets each to true; the others look the provider up and leave the trail to it."
  type = object({
    github_oidc_provider = bool
    cloudtrail           = bool
  })
  default = { github_oidc_provider = true, cloudtrail = true }
}

variable "job_function_tag" {
  description = "Principal tag (IAM user tag or IAM Identity Center session tag) naming a person's job function; each job role trusts only principals whose tag equals its function (admin, developer, read-only, analyst)."
  type        = string
  default     = "job-function"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}$", var.job_function_tag))
    error_message = "job_function_tag must be a valid IAM tag key."
  }
}

variable "force_destroy" {
  description = "Disposable envs: destroy the CloudTrail bucket (when this env creates it) with its logs."
  type        = bool
  default     = false
}
