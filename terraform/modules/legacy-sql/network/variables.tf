variable "name_prefix" {
  description = "Prefix for every name."
  type        = string
}

variable "cidr_block" {
  description = "CIDR of the private VPC (no internet gateway)."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR such as 10.40.0.0/16."
  }
}

variable "az_suffixes" {
  description = "Availability zone letters for the two database subnets."
  type        = list(string)
  default     = ["a", "b"]

  validation {
    condition     = length(var.az_suffixes) >= 2
    error_message = "Aurora needs subnets in at least two availability zones."
  }
}

variable "client_cidr_blocks" {
  description = "Networks allowed to reach MySQL (3306) through the proxy and the cluster."
  type        = list(string)
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the flow log group."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Retention of VPC flow logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a value CloudWatch Logs accepts."
  }
}
