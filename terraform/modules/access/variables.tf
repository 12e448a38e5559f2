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
  description = "Branch whose workflows may deploy."
  type        = string
  default     = "main"
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
