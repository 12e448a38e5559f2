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

variable "domain" {
  description = "Media host name and the Route 53 zone that validates its us-east-1 certificate and holds its alias records."
  type = object({
    zone_id = string
    name    = string
  })

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain.name))
    error_message = "domain.name must be a DNS name such as media.example.com."
  }
}

variable "failover_status_codes" {
  description = "Origin responses that make CloudFront retry on the DR bucket."
  type        = list(number)
  default     = [403, 404, 500, 502, 503, 504]
}

variable "signing_public_key_pem" {
  description = "PEM (-----BEGIN PUBLIC KEY-----) of the RSA 2048 key pair that signs media URLs; null = no key yet, and the distribution stays disabled (fail closed: never serve media unsigned)."
  type        = string
  default     = null

  validation {
    condition     = var.signing_public_key_pem == null || can(regex("^-----BEGIN PUBLIC KEY-----\\n[A-Za-z0-9+/=\\n]+-----END PUBLIC KEY-----\\n?$", trimspace(var.signing_public_key_pem)))
    error_message = "signing_public_key_pem must be the PEM public key from `openssl rsa -pubout` (-----BEGIN PUBLIC KEY-----)."
  }
}

variable "signing_key_secret_kms" {
  description = "KMS keys of the signing-key secret: the primary region's key, and the DR region and its key for the secret's replica."
  type = object({
    primary   = string
    dr_region = string
    dr        = string
  })
}

variable "signing_key_secret_recovery_days" {
  description = "Days a deleted signing-key secret can be restored (7-30); 0 deletes it at once, so a disposable env can be destroyed and re-created under the same name."
  type        = number
  default     = 30

  validation {
    condition     = var.signing_key_secret_recovery_days == 0 || (var.signing_key_secret_recovery_days >= 7 && var.signing_key_secret_recovery_days <= 30)
    error_message = "signing_key_secret_recovery_days must be 0 or 7-30."
  }
}
