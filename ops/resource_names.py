"""The resource naming scheme, defined once: what the blueprint names each resource and what the local stack
names its stand-in, from `<project>-<env>` (the `name_prefix` of every Terraform module) and the account.

Terraform spells these names in its modules (`"${var.name_prefix}-main"`...); a test plans the blueprint and
checks every name below against the plan (tests/terraform/test_plan_resource_names.py), and the local stack
builds its names from this class (ops/local/config.py `Names`), so the two name things alike. Buckets carry
region and account, as S3 bucket names are global.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

TABLE_SUFFIX = "-main"


class ResourceNames(BaseModel):
    model_config = ConfigDict(frozen=True)
    project: str = Field(
        pattern=r"^[a-z][a-z0-9]{1,11}$", description="Project short name (tfvars `project`, same rule)."
    )
    env: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,15}$", description="Environment name: dev, staging, prod, local."
    )
    account_id: str = Field(pattern=r"^\d{12}$", description="AWS account id (moto's for the local stack).")

    @property
    def prefix(self) -> str:
        """`<project>-<env>`: every name starts with it (alarms, functions and FIS templates are found by it)."""
        return f"{self.project}-{self.env}"

    @property
    def table(self) -> str:
        return f"{self.prefix}{TABLE_SUFFIX}"

    def media_bucket(self, region: str) -> str:
        return f"{self.prefix}-media-{region}-{self.account_id}"

    def analytics_bucket(self, region: str) -> str:
        return f"{self.prefix}-analytics-{region}-{self.account_id}"

    @property
    def notify_queue(self) -> str:
        return f"{self.prefix}-notify"

    @property
    def notify_dlq(self) -> str:
        return f"{self.prefix}-notify-dlq"

    @property
    def usage_stream(self) -> str:
        return f"{self.prefix}-usage-events"

    @property
    def glue_database(self) -> str:
        return f"{self.prefix}_analytics".replace("-", "_")

    @property
    def workgroup(self) -> str:
        return f"{self.prefix}-analytics"

    @property
    def user_pool(self) -> str:
        return f"{self.prefix}-users"

    @property
    def identity_pool(self) -> str:
        return f"{self.prefix}_identities".replace("-", "_")

    @property
    def alerts_topic(self) -> str:
        return f"{self.prefix}-alerts"

    def function(self, name: str) -> str:
        """A Lambda function's name from its package name (mobile_api -> <prefix>-mobile-api)."""
        return f"{self.prefix}-{name.replace('_', '-')}"


def prefix_of_table(table_name: str) -> str:
    """`<project>-<env>` from the table's name (the stack outputs carry the table, every name shares the prefix).
    ValueError for a name the scheme did not make."""
    if not table_name.endswith(TABLE_SUFFIX):
        raise ValueError(f"table {table_name!r} is not named <project>-<env>{TABLE_SUFFIX}")
    return table_name.removesuffix(TABLE_SUFFIX)
