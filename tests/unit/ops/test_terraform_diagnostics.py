"""Terraform's human error output read as one line (ops/terraform/diagnostics.py)."""

from __future__ import annotations

from ops.terraform.diagnostics import first_error_line

# What `terraform plan` prints when a variable's validation rule refuses a tfvars value (Terraform 1.x layout).
VARIABLE_VALIDATION = """
╷
│ Error: Invalid value for variable
│
│   on envs/dev.tfvars line 12:
│   12: identity_providers = {
│   13:   google = {
│   14:     client_secret = "abc"
│   15:   }
│   16: }
│     ├────────────────
│     │ var.identity_providers is object with 1 attribute "google"
│
│ A client_secret in tfvars would sit in git and in the saved plan: store it in
│ Secrets Manager and give its ARN as secret_arn.
│
│ This was checked by the validation rule at variables.tf:40,3-13.
╵
"""


def test_a_validation_failure_reads_as_its_message_not_the_values_block() -> None:
    assert first_error_line(VARIABLE_VALIDATION) == (
        "Invalid value for variable: A client_secret in tfvars would sit in git and in the saved plan: store it in "
        "Secrets Manager and give its ARN as secret_arn."
    )


def test_an_error_without_a_values_block_keeps_its_detail() -> None:
    output = """
│ Error: Unsupported argument
│
│   on main.tf line 3, in resource "aws_s3_bucket" "b":
│    3:   colour = "blue"
│
│ An argument named "colour" is not expected here.
"""
    assert (
        first_error_line(output) == 'Unsupported argument: An argument named "colour" is not expected here.'
    )


def test_output_without_an_error_box_gives_its_last_line() -> None:
    assert first_error_line("Initializing...\nsomething went wrong\n\n") == "something went wrong"
    assert first_error_line("") == "no output"
