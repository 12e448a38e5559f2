variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "kms_key_arn" {
  description = "Key encrypting the primary cluster, its managed master secret and logs."
  type        = string
}

variable "dr_kms_key_arn" {
  description = "Key encrypting the secondary (DR) cluster."
  type        = string
}

variable "cidr_blocks" {
  description = "VPC CIDR per site."
  type = object({
    primary = string
    dr      = string
  })
  default = {
    primary = "10.40.0.0/16"
    dr      = "10.41.0.0/16"
  }
}

variable "client_cidr_blocks" {
  description = "Networks allowed to reach MySQL (e.g. the legacy app's VPC, peered)."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "Aurora MySQL version (8.0 family, Serverless v2 capable)."
  type        = string
  default     = "8.0.mysql_aurora.3.08.0"
}

variable "capacity" {
  description = "Serverless v2 capacity range in ACUs."
  type = object({
    min = number
    max = number
  })
  default = { min = 0.5, max = 8 }

  validation {
    condition     = var.capacity.min >= 0 && var.capacity.max <= 256 && var.capacity.min <= var.capacity.max
    error_message = "capacity must satisfy 0 <= min <= max <= 256."
  }
}

variable "backup_retention_days" {
  description = "Automated backup retention."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 7-35."
  }
}


variable "logs_kms_key_arn" {
  description = "Key encrypting the primary VPC's flow log group."
  type        = string
}

variable "dr_logs_kms_key_arn" {
  description = "Key encrypting the DR VPC's flow log group."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's IAM roles (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
