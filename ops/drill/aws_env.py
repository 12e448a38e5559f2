"""The drill against a cloud env (dev, staging, prod), with the operator's or CI's AWS credentials.

- The cut: the blueprint's Route 53 health check of the primary API is inverted (`UpdateHealthCheck
  Inverted=true`): Route 53 then treats the primary as unhealthy and the failover record answers with the
  DR API, exactly as in an outage of the primary's API. Where the env's stack outputs name an ARC routing
  control (`dr.routing_control`: {"arn", "cluster_endpoints": [{"url", "region"}]}), it is set Off instead.
  Detection is the health check's own status (most Route 53 checkers reporting failure).
- Faults: `replication-pause` starts the FIS experiment template the blueprint tags
  `mbt:drill-fault=replication-pause` (DynamoDB global table and S3 replication pause actions) and stops it
  to undo; `dr-api-down` throttles the DR API's `$default` stage to zero (every request answers 429) and
  puts the recorded throttling back; `user-pool-replica-missing` sets the DR user pool replica INACTIVE
  (Cognito then refuses end-user calls there) and ACTIVE again.
- Identity: Cognito multi-Region replication shares the pool and app client ids, so DR sign-in is the same
  pool id and client id against the DR region's endpoint.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from backend_core import item_keys
from drill.report import Check
from ops.drill import targets
from ops.drill.data import arn_region, endpoint_arns, partition_items
from ops.drill.envs import DrIdentity, DrillEnv, state_path
from ops.env import cognito_replica
from ops.env.credentials import require_credentials
from ops.env.deployed_outputs import deployed_outputs
from ops.env.envs import resolve
from ops.errors import OpsError
from ops.resource_names import prefix_of_table
from ops.stack_outputs import StackOutputs

FAULT_TAG = "mbt:drill-fault"
_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"mode": "standard", "max_attempts": 5})


class AwsEnv(DrillEnv):
    def __init__(self, name: str, outputs: StackOutputs, session: Any | None = None) -> None:
        self.name = name
        self.outputs = outputs
        self.targets = targets.cloud(name)
        self.state_path: Path = state_path(name)
        self.session = session or boto3.session.Session()
        self.name_prefix = prefix_of_table(outputs.table.name)  # <project>-<env>, as every resource

    @classmethod
    def from_terraform(cls, env: str) -> AwsEnv:
        cloud_env = resolve(env)
        require_credentials(cloud_env.name)
        return cls(env, deployed_outputs(cloud_env))

    def client(self, service: str, side: str = "primary") -> Any:
        return self.session.client(service, region_name=self.region(side), config=_CONFIG)

    # ---- routing -------------------------------------------------------------------------------------
    @property
    def routing_control(self) -> dict[str, Any] | None:
        dr = self.outputs.dr.model_dump()
        control = dr.get("routing_control")
        return control if isinstance(control, dict) and control.get("arn") else None

    def describe_cut(self) -> str:
        if self.routing_control:
            return f"ARC routing control {self.routing_control['arn']} set Off"
        return f"Route 53 health check {self.outputs.dr.health_check_id} of the primary API inverted"

    def _health_check_id(self) -> str:
        check = self.outputs.dr.health_check_id
        if not check:
            raise OpsError(
                f"env {self.name} has no primary health check in its stack outputs (dr.health_check_id)"
            )
        return check

    def refusal(self) -> str | None:
        route53 = self.client("route53")
        config = route53.get_health_check(HealthCheckId=self._health_check_id())["HealthCheck"]
        if config["HealthCheckConfig"].get("Inverted"):
            return f"already failed over: health check {config['Id']} is inverted (`ops drill recover --env {self.name}`)"
        if self.primary_down_detected():
            return f"the primary's health check {config['Id']} reports unhealthy: the env is failing over already"
        control = self.routing_control
        if control and self._routing_state(control) == "Off":
            return f"already failed over: routing control {control['arn']} is Off"
        alarming = []
        for side in ("primary", "dr"):
            paginator = self.client("cloudwatch", side).get_paginator("describe_alarms")
            for page in paginator.paginate(StateValue="ALARM", AlarmNamePrefix=self.name_prefix):
                alarming += [
                    a["AlarmName"] for a in page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
                ]
        if alarming:
            return f"alarms in ALARM: {', '.join(sorted(alarming))}"
        return None

    def plan_cut(self) -> dict[str, Any]:
        if self.routing_control:
            return {"kind": "cut-primary", "how": "arc", "routing_control_arn": self.routing_control["arn"]}
        return {"kind": "cut-primary", "how": "route53-invert", "health_check_id": self._health_check_id()}

    def apply_cut(self, change: dict[str, Any]) -> None:
        if change["how"] == "arc":
            self._set_routing(change["routing_control_arn"], "Off")
        else:
            self.client("route53").update_health_check(HealthCheckId=change["health_check_id"], Inverted=True)

    def restore_primary(self, change: dict[str, Any]) -> None:
        if change["how"] == "arc":
            self._set_routing(change["routing_control_arn"], "On")
        else:
            self.client("route53").update_health_check(
                HealthCheckId=change["health_check_id"], Inverted=False
            )

    def _health_failing(self) -> bool | None:
        reports = self.client("route53").get_health_check_status(HealthCheckId=self._health_check_id())
        statuses = [
            r.get("StatusReport", {}).get("Status", "") for r in reports.get("HealthCheckObservations", [])
        ]
        if not statuses:
            return None
        failing = sum(s.startswith("Failure") for s in statuses)
        return failing * 2 > len(statuses)  # Route 53 calls an endpoint unhealthy when most checkers fail

    def primary_down_detected(self) -> bool:
        return bool(self._health_failing())

    def primary_up_detected(self) -> bool:
        return self._health_failing() is False

    def _routing_state(self, control: dict[str, Any]) -> str:
        last: Exception | None = None
        for endpoint in control.get("cluster_endpoints", []):  # any of the cluster's five regional endpoints
            client = self.session.client(
                "route53-recovery-cluster", region_name=endpoint["region"], endpoint_url=endpoint["url"]
            )
            try:
                return client.get_routing_control_state(RoutingControlArn=control["arn"])[
                    "RoutingControlState"
                ]
            except ClientError as exc:
                last = exc
        raise OpsError(f"no ARC cluster endpoint answered for {control['arn']}: {last}")

    def _set_routing(self, arn: str, state: str) -> None:
        control = self.routing_control or {}
        last: Exception | None = None
        for endpoint in control.get("cluster_endpoints", []):
            client = self.session.client(
                "route53-recovery-cluster", region_name=endpoint["region"], endpoint_url=endpoint["url"]
            )
            try:
                client.update_routing_control_state(RoutingControlArn=arn, RoutingControlState=state)
                return
            except ClientError as exc:
                last = exc
        raise OpsError(f"could not set routing control {arn} {state}: {last}")

    # ---- faults --------------------------------------------------------------------------------------
    def plan_fault(self, fault: str) -> dict[str, Any]:
        change: dict[str, Any] = {"kind": "fault", "fault": fault}
        if fault == "replication-pause":
            change["template_id"] = self._fis_template(fault)
            change["how"] = f"FIS experiment template {change['template_id']}"
        elif fault == "dr-api-down":
            api_id = _api_id(self.outputs.api.dr)
            stage = self.client("apigatewayv2", "dr").get_stage(ApiId=api_id, StageName="$default")
            settings = stage.get("DefaultRouteSettings") or {}
            change.update(
                api_id=api_id,
                how=f"DR API {api_id} $default stage throttled to 0",
                previous={k: settings.get(k) for k in ("ThrottlingBurstLimit", "ThrottlingRateLimit")},
            )
        else:
            change["how"] = f"user pool replica in {self.outputs.dr_region} set INACTIVE"
        return change

    def apply_fault(self, change: dict[str, Any]) -> None:
        fault = change["fault"]
        if fault == "replication-pause":
            experiment = self.client("fis").start_experiment(experimentTemplateId=change["template_id"])
            change["experiment_id"] = experiment["experiment"]["id"]
        elif fault == "dr-api-down":
            self.client("apigatewayv2", "dr").update_stage(
                ApiId=change["api_id"],
                StageName="$default",
                DefaultRouteSettings={"ThrottlingBurstLimit": 0, "ThrottlingRateLimit": 0.0},
            )
        else:
            self.client("cognito-idp").update_user_pool_replica(
                UserPoolId=self.outputs.auth.user_pool_id,
                RegionName=self.outputs.dr_region,
                Status="INACTIVE",
            )

    def undo_fault(self, change: dict[str, Any]) -> None:
        fault = change["fault"]
        if fault == "replication-pause":
            fis = self.client("fis")
            ids = (
                [change["experiment_id"]]
                if change.get("experiment_id")
                else self._running_experiments(change)
            )
            for experiment_id in ids:
                try:
                    fis.stop_experiment(id=experiment_id)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                        raise
        elif fault == "dr-api-down":
            previous = {k: v for k, v in (change.get("previous") or {}).items() if v is not None}
            self.client("apigatewayv2", "dr").update_stage(
                ApiId=change["api_id"], StageName="$default", DefaultRouteSettings=previous
            )
        else:
            self.client("cognito-idp").update_user_pool_replica(
                UserPoolId=self.outputs.auth.user_pool_id, RegionName=self.outputs.dr_region, Status="ACTIVE"
            )

    def _fis_template(self, fault: str) -> str:
        fis = self.client("fis")
        for page in fis.get_paginator("list_experiment_templates").paginate():
            for template in page.get("experimentTemplates", []):
                tags = template.get("tags") or {}
                if tags.get(FAULT_TAG) == fault and tags.get("Name", "").startswith(f"{self.name_prefix}-"):
                    return template["id"]
        raise OpsError(
            f"env {self.name} has no FIS experiment template tagged {FAULT_TAG}={fault} named {self.name_prefix}-* "
            f"(terraform/modules/dr provides it: make apply ENV={self.name})"
        )

    def _running_experiments(self, change: dict[str, Any]) -> list[str]:
        fis = self.client("fis")
        running = []
        for page in fis.get_paginator("list_experiments").paginate():
            for experiment in page.get("experiments", []):
                if experiment.get("experimentTemplateId") == change.get("template_id") and experiment.get(
                    "state", {}
                ).get("status") in ("pending", "initiating", "running"):
                    running.append(experiment["id"])
        return running

    # ---- identity, services, pushes ------------------------------------------------------------------
    def dr_identity(self) -> DrIdentity:
        auth = self.outputs.auth
        return DrIdentity(self.outputs.dr_region, auth.user_pool_id, auth.client_id, "replica")

    def identity_preflight(self) -> Check:
        idp = self.client("cognito-idp")
        region = self.outputs.dr_region
        try:
            replicas = idp.list_user_pool_replicas(UserPoolId=self.outputs.auth.user_pool_id).get(
                "UserPoolReplicas", []
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            return Check(
                "user_pool_replica", False, f"cannot list replicas ({code}); {cognito_replica.FALLBACK}"
            )
        replica = next((r for r in replicas if r.get("RegionName") == region), None)
        if replica is None:
            return Check("user_pool_replica", False, f"no replica in {region}; {cognito_replica.FALLBACK}")
        status = replica.get("Status", "UNKNOWN")
        return Check("user_pool_replica", status == "ACTIVE", f"user pool replica in {region} is {status}")

    def dr_services_preflight(self) -> list[Check]:
        region = self.outputs.dr_region
        sns = self.client("sns", "dr")
        platforms = set()
        for page in sns.get_paginator("list_platform_applications").paginate():
            for app in page.get("PlatformApplications", []):
                name = app["PlatformApplicationArn"].rsplit("/", 1)[-1]
                if (
                    name.startswith(self.name_prefix)
                    and app.get("Attributes", {}).get("Enabled", "true") == "true"
                ):
                    platforms.add(app["PlatformApplicationArn"].split("/")[1])
        push = Check(
            "dr_push_platforms",
            bool(platforms),
            f"enabled platform applications in {region}: {', '.join(sorted(platforms)) or 'none'}",
        )
        lam = self.client("lambda", "dr")
        problems, functions = [], 0
        for page in lam.get_paginator("list_functions").paginate():
            for fn in page.get("Functions", []):
                if not fn["FunctionName"].startswith(f"{self.name_prefix}-"):
                    continue
                functions += 1
                config = lam.get_function_configuration(FunctionName=fn["FunctionName"])
                if config.get("State") != "Active" or config.get("LastUpdateStatus") not in (
                    None,
                    "Successful",
                ):
                    problems.append(
                        f"{fn['FunctionName']} {config.get('State')}/{config.get('LastUpdateStatus')}"
                    )
                for mapping_page in lam.get_paginator("list_event_source_mappings").paginate(
                    FunctionName=fn["FunctionName"]
                ):
                    for mapping in mapping_page.get("EventSourceMappings", []):
                        if mapping.get("State") != "Enabled" or "PROBLEM" in str(
                            mapping.get("LastProcessingResult")
                        ):
                            problems.append(
                                f"mapping {mapping['UUID']} of {fn['FunctionName']}: {mapping.get('State')} "
                                f"{mapping.get('LastProcessingResult', '')}".strip()
                            )
        services = Check(
            "dr_functions",
            functions > 0 and not problems,
            f"{functions} functions in {region}"
            + (f"; problems: {'; '.join(problems)}" if problems else ", all Active, mappings Enabled"),
        )
        return [push, services]

    def push_reached_dr(self, user_id: str, token: str, marker: str) -> tuple[bool | None, str]:
        """AWS keeps no record of a push it handed to FCM/APNs that the drill could read, so the evidence is:
        the recipient's inbox entry says `sent` to at least one device, and the device's endpoints (read from
        the DR table) include one in the DR region, the only one the DR worker may publish through."""
        ddb = self.client("dynamodb", "dr")
        items = partition_items(ddb, self.outputs.table.name, item_keys.user_pk(user_id))
        inbox = [
            i
            for i in items
            if item_keys.is_inbox_entry(i["SK"]["S"]) and i.get("body", {}).get("S") == marker
        ]
        sent = [
            i
            for i in inbox
            if i.get("status", {}).get("S") == "sent"
            and int(i.get("delivered_devices", {}).get("N", "0")) > 0
        ]
        regions = sorted(
            {
                arn_region(a) or "?"
                for a in endpoint_arns(i for i in items if item_keys.is_device(i["SK"]["S"]))
            }
        )
        ok = bool(sent) and self.outputs.dr_region in regions
        return (
            ok,
            f"inbox entries sent to a device: {len(sent)} of {len(inbox)}; device endpoints in {', '.join(regions) or 'none'}",
        )


def _api_id(url: str) -> str:
    match = re.match(r"^https://([a-z0-9]+)\.execute-api\.", url)
    if not match:
        raise OpsError(f"cannot tell the HTTP API id from {url}")
    return match.group(1)
