output "bucket" {
  description = "State bucket name: put it in terraform/envs/<env>.backend.hcl."
  value       = module.bucket.id
}

output "kms_key_alias_arn" {
  description = "Alias ARN of the state key: kms_key_id in every envs/<env>.backend.hcl."
  value       = aws_kms_alias.state.arn
}

output "kms_key_arn" {
  description = "Key encrypting the state bucket."
  value       = aws_kms_key.state.arn
}

output "backend_config" {
  description = "The lines every envs/<env>.backend.hcl needs (plus its own key)."
  value       = <<-EOT
    bucket       = "${module.bucket.id}"
    region       = "${var.region}"
    encrypt      = true
    kms_key_id   = "${aws_kms_alias.state.arn}"
    use_lockfile = true
  EOT
}

output "github_oidc_provider_arn" {
  description = "The account's GitHub OIDC provider (account_layout shared; null with per-env, where each env creates its own)."
  value       = one(aws_iam_openid_connect_provider.github[*].arn)
}
