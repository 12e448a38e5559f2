"""A schema-only stand-in for the hashicorp/aws provider, so the real Terraform engine runs offline.

It speaks go-plugin + tfplugin6 (protobuf modules from the `tf` package on PyPI) and serves the real
6.47.0 schema from ../shared/terraform/. With it Terraform can `init`, `validate`, run `terraform test`
with `mock_provider`, and `plan` (computed values unknown, data sources answered with placeholders).
It refuses to apply: nothing here ever talks to AWS. Where the real provider is reachable, it is used
instead and this package is not involved.
"""
