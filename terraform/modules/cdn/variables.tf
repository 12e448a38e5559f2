variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "primary_origin" {
  description = "Primary media bucket: name and regional domain name."
  type = object({
    bucket      = string
    domain_name = string
  })
}

variable "failover_origin" {
  description = "DR media bucket (replication target): name and regional domain name."
  type = object({
    bucket      = string
    domain_name = string
  })
}

variable "log_bucket_arn" {
  description = "ARN of the bucket receiving CloudFront access logs (standard logging v2)."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "custom_domain" {
  description = "Optional media domain: aliases and an ACM certificate in us-east-1. Without it the *.cloudfront.net certificate is used."
  type = object({
    aliases             = list(string)
    acm_certificate_arn = string
  })
  default = null
}

variable "failover_status_codes" {
  description = "Origin responses that make CloudFront retry on the DR bucket."
  type        = list(number)
  default     = [403, 404, 500, 502, 503, 504]
}
