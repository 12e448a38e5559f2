"""One drill, start to finish: refuse or preflight, probe, cut, measure, check DR, fail back, clean up, report.

The order, and why:
1. Refusals (nothing changed yet): a state file from an earlier drill, an env already failed over,
   alarms in ALARM.
2. Preflight (read-only): every stateful store replicated, the DR site healthy. A failed preflight stops
   the drill before the cut: failing over onto a broken DR site is not a drill.
3. Setup: synthetic users (consumer + provider), a device, a subscription and a media object, all written
   through the API in the primary region before the cut, as real users' data would be.
4. Fault (when asked), then the probe and the RPO canaries (the scheduled drill's, reused).
5. The cut (failover mode), then detection, switch and first success through the public name (RTO), the
   acknowledged writes missing in DR (RPO), and the checks a user would notice in DR.
6. Failback, always (`finally`): restore the primary, undo the fault, check that DR's writes reached it,
   wait for the public name to serve from the primary again and stay steady, clean up. If that cannot be
   completed the state file stays, the command says so loudly and exits 3.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from backend_core import item_keys
from backend_core.identity import CONSUMERS, PROVIDERS
from backend_core.s3_layout import user_media_prefix
from drill import preflight
from drill.canary import Canary, measure, remove_all, rpo_check, s3_canary, table_canary
from drill.report import Check
from ops.drill import data, identity
from ops.drill.envs import DrillEnv
from ops.drill.model import (
    EXIT_ABORTED,
    EXIT_FAILED,
    EXIT_PASSED,
    Clock,
    DrillOptions,
    Step,
    Targets,
    utc_now,
)
from ops.drill.probe import COLLECTION, Probe
from ops.drill.state import StateFile

CHECK_COLLECTION = "drill-check"
PUSH_WAIT_SECONDS = 20.0


class DrillInterrupted(BaseException):
    """SIGTERM while a drill runs: unwind through the failback in `finally`."""


class FailbackIncomplete(Exception):
    """The env could not be put back: exit 3, the state file stays."""


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


class Drill:
    def __init__(
        self,
        env: DrillEnv,
        options: DrillOptions,
        targets: Targets,
        on_step: Callable[[Step], None] = lambda step: None,
        on_phase: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.env = env
        self.options = options
        self.targets = targets
        self.on_step = on_step
        self.on_phase = on_phase
        self.run_id = new_run_id()
        self.clock = Clock()
        self.steps: list[Step] = []
        self.state = StateFile(env.state_path)
        self.state_doc: dict[str, Any] = {}
        self.users: dict[str, identity.DrillUser] = {}
        self.probe: Probe | None = None
        self.canaries: list[Canary] = []
        self.timeline: dict[str, float | None] = {}
        self.measures: dict[str, Any] = {
            "rto_seconds": None,
            "rto": {"detection_seconds": None, "switch_seconds": None, "first_success_seconds": None},
            "rpo_seconds": None,
            "lost_writes": None,
            "lost_write_seqs": [],
            "canary_lag_seconds": {"table": None, "s3": None},
            "failback": {},
            "limitations": [],
        }
        self.push_token = f"drill-{uuid.uuid4().hex}"
        self.media_id: str | None = None
        self.media_bytes = b""
        self.exit_code = EXIT_PASSED
        self.aborted: str | None = None

    # ---- bookkeeping -------------------------------------------------------------------------------
    def step(self, name: str, phase: str, run: Callable[[], Check], critical: bool = True) -> Check:
        """Run one check or action; an exception becomes a failed step that says what broke."""
        started_at, started = utc_now(), time.monotonic()
        self.on_phase(f"{phase}: {name}")
        try:
            check = run()
        except DrillInterrupted:
            raise
        except Exception as exc:
            check = Check(name, False, identity.error_code(exc))
        step = Step(
            name,
            phase,
            check.ok,
            check.detail,
            started_at,
            utc_now(),
            round(time.monotonic() - started, 3),
            critical,
        )
        self.steps.append(step)
        self.on_step(step)
        return check

    def api(self, method: str, path: str, user: identity.DrillUser, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", max(5.0, self.options.request_timeout))
        url = f"{self.env.outputs.api.public}{path}"
        return requests.request(method, url, headers=user.auth, **kwargs)  # noqa: S113 (timeout set above)

    def _state_start(self) -> None:
        self.state_doc = {
            "env": self.env.name,
            "run_id": self.run_id,
            "pid": os.getpid(),
            "started_at": self.clock.started_at,
            "mode": self.options.mode,
            "inject": self.options.inject,
            "report_dir": str(self.report_path),
            "changes": [],
            "note": None,
        }
        self.state.write(self.state_doc)

    @property
    def report_path(self) -> Path:
        return self.options.report_dir / self.env.name / self.run_id

    # ---- the drill ---------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _raise_interrupted)
        try:
            self._state_start()
            self._run()
        except (DrillInterrupted, KeyboardInterrupt) as exc:
            self.aborted = f"interrupted ({'SIGTERM' if isinstance(exc, DrillInterrupted) else 'Ctrl-C'})"
        finally:
            try:
                self._failback_and_clean()
            finally:
                signal.signal(signal.SIGTERM, previous)
        return self.report()

    def _run(self) -> None:
        if not self._preflight():
            return
        self._setup()
        if not all(s.ok for s in self.steps if s.critical):
            return
        if self.options.inject:
            self._inject(self.options.inject)
        self._start_probe_and_canaries()
        if self.options.mode == "failover":
            self._failover()
        else:
            self.step("dr_sign_in", "checks", self._check_dr_sign_in_direct)

    # ---- 2. preflight ------------------------------------------------------------------------------
    def _preflight(self) -> bool:
        env, settings = self.env, self.env.lambda_settings()
        primary_ddb, dr_ddb = env.client("dynamodb", "primary"), env.client("dynamodb", "dr")
        self.step(
            "table_replica", "preflight", lambda: preflight.table_replica(primary_ddb, dr_ddb, settings)
        )
        self.step(
            "media_replication",
            "preflight",
            lambda: preflight.media_replication(env.client("s3", "primary"), settings),
        )
        self.step("user_pool_replica", "preflight", env.identity_preflight)
        self.step("dr_api_health", "preflight", lambda: preflight.dr_api_health(settings))
        try:
            extra = env.dr_services_preflight()
        except Exception as exc:
            extra = [Check("dr_services", False, identity.error_code(exc))]
        for check in extra:
            self.step(check.name, "preflight", lambda check=check: check)
        return all(s.ok for s in self.steps if s.phase == "preflight")

    # ---- 3. setup ----------------------------------------------------------------------------------
    def _setup(self) -> None:
        out = self.env.outputs
        idp = self.env.client("cognito-idp", "primary")
        emails = {
            "consumer": identity.new_email(self.run_id, "consumer"),
            "provider": identity.new_email(self.run_id, "provider"),
        }
        self.state.record(
            self.state_doc,
            {"kind": "users", "user_pool_id": out.auth.user_pool_id, "emails": emails, "subs": {}},
        )

        def users() -> Check:
            for role, group in (("consumer", CONSUMERS), ("provider", PROVIDERS)):
                user = identity.create_user(idp, out.auth.user_pool_id, emails[role], group, role)
                user.id_token = identity.sign_in(
                    idp, out.auth.user_pool_id, out.auth.client_id, user.email, user.password
                )
                self.users[role] = user
            self.state_doc["changes"][-1]["subs"] = {r: u.sub for r, u in self.users.items()}
            self.state.write(self.state_doc)
            # The drill's routes depend on the group claim: a token without it fails here, not as a 403 later.
            for role, group in (("consumer", CONSUMERS), ("provider", PROVIDERS)):
                if group not in (carried := identity.token_groups(self.users[role].id_token)):
                    return Check("synthetic_users", False, f"the {role}'s ID token carries groups {carried}")
            return Check("synthetic_users", True, "consumer and provider created and signed in (SRP)")

        if not self.step("synthetic_users", "setup", users).ok:
            return
        self.step("user_data", "setup", self._user_data)

    def _user_data(self) -> Check:
        """Profiles, a subscription, a device and a media object, written through the API before the cut."""
        consumer, provider = self.users["consumer"], self.users["provider"]
        for user in (consumer, provider):
            _expect(self.api("GET", "/me", user), 200, "GET /me")
        _expect(self.api("POST", f"/providers/{provider.sub}/subscribe", consumer), 200, "subscribe")
        _expect(
            self.api("POST", "/devices", consumer, json={"platform": "fcm", "token": self.push_token}),
            201,
            "POST /devices",
        )
        self.media_bytes = f"drill {self.run_id} media written before the cut".encode()
        grant = _expect(
            self.api(
                "POST",
                "/media/uploads",
                consumer,
                json={"content_type": "application/pdf", "size": len(self.media_bytes)},
            ),
            201,
            "POST /media/uploads",
        ).json()
        self.media_id = grant["id"]
        upload = grant["upload"]
        response = requests.post(
            upload["url"],
            data=upload.get("fields") or {},
            files={"file": ("drill.pdf", self.media_bytes, "application/pdf")},
            timeout=30,
        )
        if response.status_code not in (200, 201, 204):
            raise RuntimeError(f"media upload answered {response.status_code}: {response.text[:200]}")
        return Check("user_data", True, "profiles, subscription, device and a media object written")

    # ---- 4. fault, probe, canaries -----------------------------------------------------------------
    def _inject(self, fault: str) -> None:
        change = self.env.plan_fault(fault)
        self.state.record(self.state_doc, change)

        def apply() -> Check:
            self.env.apply_fault(change)
            return Check(f"inject_{fault}", True, f"injected {fault} ({change.get('how', '')})")

        self.step(f"inject_{fault}", "inject", apply)

    def _start_probe_and_canaries(self) -> None:
        consumer = self.users["consumer"]
        self.probe = Probe(
            self.env.outputs.api.public,
            lambda: consumer.id_token,
            self.clock,
            self.run_id,
            rate=self.options.probe_rate,
            timeout=self.options.request_timeout,
        ).start()
        self.timeline["probe_start"] = self.clock.t()
        warm_until = time.monotonic() + self.options.warmup_seconds
        self.step("rpo_canaries", "measure", self._canaries)
        for canary in self.canaries:
            self.measures["canary_lag_seconds"][canary.store] = canary.lag_seconds
            self.step(
                f"rpo_{canary.store}",
                "measure",
                lambda canary=canary: rpo_check(canary, self.targets.rpo_seconds, self.targets.rpo_seconds),
            )
        self.step("canary_cleanup", "measure", lambda: remove_all(self.canaries), critical=False)
        time.sleep(max(0.0, warm_until - time.monotonic()))
        probe = self.probe
        before = [s for s in probe.snapshot() if s.op == "write"]
        ok = sum(s.ok for s in before)
        self.step(
            "steady_state",
            "measure",
            lambda: Check(
                "steady_state",
                bool(before) and ok == len(before),
                f"{ok} of {len(before)} probe writes acknowledged before the cut "
                f"(served by {', '.join(sorted({s.region or '?' for s in before})) or 'nobody'})",
            ),
        )

    def _canaries(self) -> Check:
        settings = self.env.lambda_settings()
        env = self.env
        self.canaries = [
            table_canary(
                env.client("dynamodb", "primary"), env.client("dynamodb", "dr"), settings, self.run_id
            ),
            s3_canary(env.client("s3", "primary"), env.client("s3", "dr"), settings, self.run_id),
        ]
        wait = self.targets.rpo_seconds
        measure(self.canaries, wait, settings.poll_interval_seconds)
        return Check(
            "rpo_canaries", True, f"table and media canaries written and polled for up to {wait:g} s"
        )

    # ---- 5. failover -------------------------------------------------------------------------------
    def _failover(self) -> None:
        assert self.probe is not None
        probe, env, dr_region = self.probe, self.env, self.env.outputs.dr_region
        change = env.plan_cut()
        self.state.record(self.state_doc, change)

        def cut() -> Check:
            env.apply_cut(change)
            return Check("cut_primary", True, env.describe_cut())

        self.timeline["cut"] = cut_t = self.clock.t()
        if not self.step("cut_primary", "failover", cut).ok:
            return
        deadline = time.monotonic() + self.targets.rto_seconds
        detected = switched = first = None
        while time.monotonic() < deadline and first is None:
            if detected is None and env.primary_down_detected():
                detected = self.clock.t()
            switched = switched or probe.first_served_by(dr_region, cut_t)
            first = probe.first_success_after(cut_t, dr_region)
            if first is None:
                time.sleep(0.1)
        if detected is None and env.primary_down_detected():
            detected = self.clock.t()
        self.timeline.update(detected=detected, switched=switched, first_success=first)
        rto = self.measures["rto"]
        if detected is not None:
            rto["detection_seconds"] = round(detected - cut_t, 3)
        if switched is not None:
            rto["switch_seconds"] = round(
                max(0.0, switched - (detected if detected is not None else cut_t)), 3
            )
        if first is not None:
            self.measures["rto_seconds"] = round(first - cut_t, 3)
            rto["first_success_seconds"] = round(max(0.0, first - (switched or cut_t)), 3)
        target = self.targets.rto_seconds
        self.step("rto", "failover", lambda: self._rto_verdict(target))
        self.step("rpo", "failover", lambda: self._rpo(cut_t))
        if first is None:
            return
        self.step("dr_sign_in", "failed-over", self._check_dr_sign_in)
        self.step("dr_sign_up", "failed-over", self._check_dr_sign_up, critical=False)
        self.step("dr_write", "failed-over", self._check_dr_write)
        self.step("dr_media_download", "failed-over", self._check_dr_media)
        self.step("dr_push", "failed-over", self._check_dr_push)
        hold_until = first + self.options.hold_seconds
        while self.clock.t() < hold_until:
            time.sleep(0.05)

    def _rto_verdict(self, target: float) -> Check:
        rto = self.measures["rto_seconds"]
        if rto is None:
            return Check(
                "rto",
                False,
                f"no authenticated write+read succeeded through the public name within {target:g} s",
            )
        verdict = "within" if rto <= target else "over"
        split = self.measures["rto"]
        return Check(
            "rto",
            rto <= target,
            f"{rto:.3f} s ({verdict} RTO target {target:g} s): detection {split['detection_seconds']} s, "
            f"switch {split['switch_seconds']} s, first success {split['first_success_seconds']} s",
        )

    def _rpo(self, cut_t: float) -> Check:
        """Acknowledged writes from before the cut that the DR region does not hold."""
        assert self.probe is not None
        acked = self.probe.acked_between(0.0, cut_t)
        consumer = self.users["consumer"]
        present = self.env.present_sync_items(
            "dr", consumer.sub, COLLECTION, [self.probe.item_id(seq) for seq in acked]
        )
        lost = sorted(seq for seq in acked if self.probe.item_id(seq) not in present)
        window = round(cut_t - min(acked[seq].t for seq in lost), 3) if lost else 0.0
        lags = self.measures["canary_lag_seconds"]
        self.measures.update(rpo_seconds=window, lost_writes=len(lost), lost_write_seqs=lost)
        target = self.targets.rpo_seconds
        canaries_ok = all(lag is not None and lag <= target for lag in lags.values())
        ok = window <= target and canaries_ok
        lag_text = ", ".join(
            f"{k} {'not replicated' if v is None else f'{v:.3f} s'}" for k, v in lags.items()
        )
        return Check(
            "rpo",
            ok,
            f"{len(lost)} of {len(acked)} acknowledged writes missing in {self.env.outputs.dr_region} "
            f"(window {window:.3f} s; RPO target {target:g} s); canary lag: {lag_text}",
        )

    def _check_dr_sign_in(self) -> Check:
        """An existing user signs in against the DR user pool; the token works through the public name."""
        token, where = self._dr_sign_in()
        consumer = self.users["consumer"]
        response = requests.get(
            f"{self.env.outputs.api.public}/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        region = response.headers.get("x-served-region")
        ok = response.status_code == 200 and response.json().get("user_id") == consumer.sub
        return Check(
            "dr_sign_in",
            ok,
            f"signed in against {where}; GET /me with that token answered {response.status_code} from {region}",
        )

    def _check_dr_sign_in_direct(self) -> Check:
        """Non-destructive: sign-in against the DR user pool works (no failover needed to know that)."""
        _, where = self._dr_sign_in()
        return Check("dr_sign_in", True, f"signed in against {where}")

    def _dr_sign_in(self) -> tuple[str, str]:
        who = self.env.dr_identity()
        consumer = self.users["consumer"]
        idp = self.env.client("cognito-idp", "dr" if who.region == self.env.outputs.dr_region else "primary")
        token = identity.sign_in(idp, who.user_pool_id, who.client_id, consumer.email, consumer.password)
        return token, f"{who.kind} user pool {who.user_pool_id} in {who.region}"

    def _check_dr_sign_up(self) -> Check:
        """Reported, not judged: what the DR user pool does not do (Cognito replicas refuse sign-up)."""
        who = self.env.dr_identity()
        idp = self.env.client("cognito-idp", "dr")
        email = identity.new_email(self.run_id, "signup")
        results = []
        for operation, call in (
            (
                "sign-up",
                lambda: idp.sign_up(
                    ClientId=who.client_id,
                    Username=email,
                    Password=f"Drill-{uuid.uuid4().hex}-A1",
                    UserAttributes=[{"Name": "email", "Value": email}],
                ),
            ),
            ("password reset", lambda: idp.forgot_password(ClientId=who.client_id, Username=email)),
        ):
            try:
                call()
                results.append(f"{operation}: accepted")
            except Exception as exc:
                results.append(f"{operation}: refused ({identity.error_code(exc)})")
        if any(r.endswith("accepted") for r in results[:1]):  # do not leave the sign-up behind
            try:
                identity.delete_user(self.env.client("cognito-idp", "primary"), who.user_pool_id, email)
            except Exception as exc:  # the primary is dark: the replica stand-in drops it on its next sync
                results.append(f"cleanup deferred ({type(exc).__name__})")
        self.measures["limitations"] = [f"in DR, {r}" for r in results if not r.startswith("cleanup")]
        return Check("dr_sign_up", True, "; ".join(results))

    def _check_dr_write(self) -> Check:
        consumer = self.users["consumer"]
        response = self.api(
            "PUT", f"/sync/{CHECK_COLLECTION}/{self.run_id}-dr", consumer, json={"data": {"written_in": "dr"}}
        )
        region = response.headers.get("x-served-region")
        ok = response.status_code == 200 and region == self.env.outputs.dr_region
        return Check(
            "dr_write", ok, f"PUT through the public name answered {response.status_code} from {region}"
        )

    def _check_dr_media(self) -> Check:
        consumer = self.users["consumer"]
        if self.media_id is None:
            return Check("dr_media_download", False, "no media object was written before the cut")
        link = self.api("GET", f"/media/{self.media_id}", consumer)
        if link.status_code != 200:
            return Check(
                "dr_media_download", False, f"GET /media answered {link.status_code}: {link.text[:200]}"
            )
        got = requests.get(link.json()["url"], timeout=30)
        same = got.status_code == 200 and got.content == self.media_bytes
        return Check(
            "dr_media_download",
            same,
            f"object written before the cut: download answered {got.status_code}"
            + (" with the same bytes" if same else " (content differs)" if got.status_code == 200 else ""),
        )

    def _check_dr_push(self) -> Check:
        consumer, provider = self.users["consumer"], self.users["provider"]
        marker = f"drill-{self.run_id}-push"
        response = self.api(
            "POST", "/notifications", provider, json={"to": consumer.sub, "title": "DR drill", "body": marker}
        )
        if response.status_code != 202:
            return Check(
                "dr_push",
                False,
                f"POST /notifications answered {response.status_code}: {response.text[:200]}"
                f" (the provider's token carries groups {identity.token_groups(provider.id_token)})",
            )
        deadline = time.monotonic() + PUSH_WAIT_SECONDS
        while True:
            verdict, detail = self.env.push_reached_dr(consumer.sub, self.push_token, marker)
            if verdict is not None or time.monotonic() > deadline:
                waited = "" if verdict is not None else f" within {PUSH_WAIT_SECONDS:g} s"
                return Check(
                    "dr_push",
                    bool(verdict),
                    f"{detail}{waited} (through {self.env.outputs.dr_region} expected)",
                )
            time.sleep(0.25)

    # ---- 6. failback, cleanup ----------------------------------------------------------------------
    def _failback_and_clean(self) -> None:
        try:
            self._failback()
        except FailbackIncomplete as exc:
            self.aborted = str(exc)
        finally:
            if self.probe is not None and self.probe.running:
                self.probe.stop()
        if self.aborted and any(c["kind"] != "users" for c in self.state_doc.get("changes", [])):
            self.exit_code = EXIT_ABORTED
            self.state_doc["note"] = self.aborted
            self.state.write(self.state_doc)
            self._cleanup_canaries_only()
            return
        self.step("final_consistency", "failback", self._final_consistency)
        self.step("cleanup", "cleanup", lambda: cleanup(self.env, self.state_doc), critical=False)
        if not [c for c in self.state_doc.get("changes", []) if c["kind"] != "users"]:
            self.state.remove()

    def _failback(self) -> None:
        # The primary comes back before the faults are undone: undoing one can need the primary region
        # (a user pool's replicas are managed from its home region), as `ops drill recover` does too.
        changes = list(self.state_doc.get("changes", []))
        cut = next((c for c in changes if c["kind"] == "cut-primary"), None)
        restore_t = self.clock.t()
        if cut is not None:
            self.timeline["restore"] = restore_t
            self._undo(cut, "restore_primary", keep=True)
        for change in reversed([c for c in changes if c["kind"] == "fault"]):
            self._undo(change, f"undo_{change['fault']}")
        if cut is None:
            return
        deadline = time.monotonic() + self.options.failback_timeout
        while not self.env.primary_up_detected():
            if time.monotonic() > deadline:
                raise FailbackIncomplete("the primary's health check never reported healthy again")
            time.sleep(0.2)
        self.timeline["primary_healthy"] = self.clock.t()
        self.step("failback_dr_writes", "failback", lambda: self._dr_writes_in_primary(deadline))
        probe, primary_region = self.probe, self.env.outputs.primary_region
        if probe is not None:
            while True:
                since = probe.steady_since(primary_region, restore_t)
                if since is not None and self.clock.t() - since >= self.options.steady_seconds:
                    break
                if time.monotonic() > deadline:
                    raise FailbackIncomplete(
                        f"the public name did not serve steadily from {primary_region} within "
                        f"{self.options.failback_timeout:g} s of the restore"
                    )
                time.sleep(0.1)
            self.timeline["switched_back"] = probe.first_served_by(primary_region, restore_t)
            self.timeline["steady"] = self.clock.t()
            self.step(
                "switch_back",
                "failback",
                lambda: Check(
                    "switch_back",
                    True,
                    f"the public name serves from {primary_region} again, steady for "
                    f"{self.options.steady_seconds:g} s",
                ),
            )
            probe.stop()
        self.state.forget(self.state_doc, "cut-primary")

    def _undo(self, change: dict[str, Any], name: str, keep: bool = False) -> None:
        def undo() -> Check:
            self.env.undo(change)
            return Check(name, True, f"undid {change.get('fault') or change['kind']}")

        if not self.step(name, "failback", undo).ok:
            raise FailbackIncomplete(f"{name} failed: {self.steps[-1].detail}")
        if not keep:
            self.state_doc["changes"] = [
                c for c in self.state_doc["changes"] if c is not change and c != change
            ]
            self.state.write(self.state_doc)

    def _dr_writes_in_primary(self, deadline: float) -> Check:
        """Everything acknowledged by DR during the failover is in the primary (count, no loss)."""
        assert self.probe is not None
        cut_t = self.timeline.get("cut") or 0.0
        dr = self.env.outputs.dr_region
        written = {self.probe.item_id(seq): COLLECTION for seq in self.probe.acked_between(cut_t, 1e9, dr)}
        if any(s.name == "dr_write" and s.ok for s in self.steps):
            written[f"{self.run_id}-dr"] = CHECK_COLLECTION
        missing = self._missing_in("primary", written, deadline)
        self.measures["failback"] = {
            "dr_writes": len(written),
            "reached_primary": len(written) - len(missing),
            "missing": sorted(missing),
        }
        return Check(
            "failback_dr_writes",
            not missing,
            f"{len(written) - len(missing)} of {len(written)} writes acknowledged by {dr} during the failover "
            f"are in {self.env.outputs.primary_region}"
            + (f"; missing: {', '.join(sorted(missing)[:5])}" if missing else ""),
        )

    def _missing_in(self, side: str, items: dict[str, str], deadline: float) -> set[str]:
        consumer = self.users["consumer"]
        missing = set(items)
        while True:
            for collection in set(items.values()):
                wanted = [i for i in missing if items[i] == collection]
                missing -= self.env.present_sync_items(side, consumer.sub, collection, wanted)
            if not missing or time.monotonic() > deadline:
                return missing
            time.sleep(0.25)

    def _final_consistency(self) -> Check:
        """After failback: every acknowledged write of the whole drill is in both regions (nothing lost)."""
        if self.probe is None or "consumer" not in self.users:
            return Check("final_consistency", True, "no probe ran")
        items = {self.probe.item_id(seq): COLLECTION for seq in self.probe.acked_between(0.0, 1e9)}
        deadline = time.monotonic() + self.options.failback_timeout
        gaps = {side: self._missing_in(side, items, deadline) for side in ("primary", "dr")}
        self.measures["failback"]["acknowledged_writes"] = len(items)
        self.measures["failback"]["lost_after_failback"] = {k: len(v) for k, v in gaps.items()}
        lost = {k: len(v) for k, v in gaps.items() if v}
        return Check(
            "final_consistency",
            not lost,
            f"all {len(items)} acknowledged probe writes are in both regions"
            if not lost
            else f"acknowledged writes missing after failback: {lost}",
        )

    def _cleanup_canaries_only(self) -> None:
        if self.canaries:
            remove_all(self.canaries)

    # ---- 7. the report -----------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        failed = [s for s in self.steps if s.critical and not s.ok]
        passed = not failed and self.aborted is None and bool(self.steps)
        if self.exit_code != EXIT_ABORTED:
            self.exit_code = EXIT_PASSED if passed else EXIT_FAILED
        samples = self.probe.snapshot() if self.probe else []
        return {
            "run_id": self.run_id,
            "env": self.env.name,
            "mode": self.options.mode,
            "inject": self.options.inject,
            "started_at": self.clock.started_at,
            "finished_at": utc_now(),
            "wall_seconds": self.clock.t(),
            "targets": {
                "rto_seconds": self.targets.rto_seconds,
                "rpo_seconds": self.targets.rpo_seconds,
                "source": self.targets.source,
            },
            **self.measures,
            "timeline": self.timeline,
            "steps": [step.__dict__ for step in self.steps],
            "failed": [f"{s.name}: {s.detail}" for s in failed],
            "aborted": self.aborted,
            "probe": {
                "rate_per_second": self.options.probe_rate,
                "requests": len(samples),
                "writes_acknowledged": len(self.probe.acked) if self.probe else 0,
                "errors": sum(not s.ok for s in samples),
                "samples": [s.__dict__ for s in samples],
            },
            "passed": passed,
            "exit_code": self.exit_code,
        }


def cleanup(env: DrillEnv, state_doc: dict[str, Any]) -> Check:
    """Remove what the drill created: its users, their items in both regions, their push endpoints and
    media objects. Used at the end of a drill and by `ops drill recover`."""
    record = next((c for c in state_doc.get("changes", []) if c["kind"] == "users"), None)
    if record is None:
        return Check("cleanup", True, "nothing to clean up")
    out = env.outputs
    removed: list[str] = []
    subs = record.get("subs") or {}
    items_by_side = {}
    for side in ("primary", "dr"):
        ddb = env.client("dynamodb", side)
        items = []
        for role, sub in subs.items():
            items += data.partition_items(ddb, out.table.name, item_keys.user_pk(sub))
            for region in (out.primary_region, out.dr_region):  # the sync change logs, one per region
                items += data.partition_items(ddb, out.table.name, item_keys.sync_log_pk(sub, region))
            if role == "provider":
                items += data.partition_items(ddb, out.table.name, item_keys.provider_pk(sub))
        items_by_side[side] = items
    for arn in data.endpoint_arns(items_by_side["primary"] + items_by_side["dr"]):
        region = data.arn_region(arn)
        side = "dr" if region == out.dr_region else "primary"
        env.client("sns", side).delete_endpoint(EndpointArn=arn)
        removed.append(f"endpoint in {region}")
    count = data.delete_items(env.client("dynamodb", "primary"), out.table.name, items_by_side["primary"])
    removed.append(f"{count} items")
    for side, bucket in (("primary", out.media.bucket.primary), ("dr", out.media.bucket.dr)):
        for sub in subs.values():
            n = data.delete_prefix_versions(env.client("s3", side), bucket, user_media_prefix(sub))
            if n:
                removed.append(f"{n} object versions in {bucket}")
    idp = env.client("cognito-idp", "primary")
    for email in (record.get("emails") or {}).values():
        if identity.delete_user(idp, record["user_pool_id"], email):
            removed.append("1 user")
    state_doc["changes"] = [c for c in state_doc["changes"] if c["kind"] != "users"]
    return Check("cleanup", True, "removed " + ", ".join(removed))


def _expect(response: requests.Response, status: int, what: str) -> requests.Response:
    if response.status_code != status:
        raise RuntimeError(f"{what} answered {response.status_code}: {response.text[:200]}")
    return response


def _raise_interrupted(signum: int, frame: object) -> None:
    raise DrillInterrupted()
