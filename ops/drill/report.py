"""The drill's report on disk: report.json, report.md for a person, a PNG timeline; history.jsonl and the
RTO/RPO trend across runs.

Layout: `<report dir>/<env>/<run id>/{report.json, report.md, timeline.png}`,
`<report dir>/<env>/history.jsonl` (one line per run: the headline numbers) and `<report dir>/<env>/trend.png`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HISTORY_KEYS = (
    "run_id",
    "env",
    "mode",
    "inject",
    "started_at",
    "wall_seconds",
    "rto_seconds",
    "rpo_seconds",
    "lost_writes",
    "canary_lag_seconds",
    "targets",
    "passed",
    "exit_code",
)


def write(report: dict[str, Any], report_dir: Path) -> Path:
    """Write the run's files and append to the env's history; the run's directory."""
    env_dir = report_dir / report["env"]
    run_dir = env_dir / report["run_id"]
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (run_dir / "report.md").write_text(markdown(report), encoding="utf-8")
    timeline_chart(report, run_dir / "timeline.png")
    with (env_dir / "history.jsonl").open("a", encoding="utf-8") as history:
        history.write(json.dumps({k: report.get(k) for k in HISTORY_KEYS}) + "\n")
    trend_chart(read_history(env_dir / "history.jsonl"), env_dir / "trend.png")
    return run_dir


def read_history(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue  # a torn line (a killed writer) does not hide the others
    return runs


def _fmt(value: float | None, unit: str = " s") -> str:
    return "n/a" if value is None else f"{value:.3f}{unit}"


def markdown(report: dict[str, Any]) -> str:
    targets = report["targets"]
    verdict = "PASSED" if report["passed"] else ("ABORTED" if report.get("aborted") else "FAILED")
    rto, split = report.get("rto_seconds"), report.get("rto") or {}
    lags = report.get("canary_lag_seconds") or {}
    lines = [
        f"# DR drill {report['run_id']}: {verdict}",
        "",
        f"Env `{report['env']}`, mode `{report['mode']}`"
        + (f", injected fault `{report['inject']}`" if report.get("inject") else "")
        + f"; started {report['started_at']}, took {report['wall_seconds']:.1f} s.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| RTO (cut to first authenticated write+read through the public name) | {_fmt(rto)} | {targets['rto_seconds']:g} s |",
        f"| of which detection / switch / first success | {_fmt(split.get('detection_seconds'))} / "
        f"{_fmt(split.get('switch_seconds'))} / {_fmt(split.get('first_success_seconds'))} | |",
        f"| RPO (window of acknowledged writes missing in DR) | {_fmt(report.get('rpo_seconds'))} | {targets['rpo_seconds']:g} s |",
        f"| lost writes at failover | {report.get('lost_writes') if report.get('lost_writes') is not None else 'n/a'} | 0 ideally |",
        f"| canary lag, table / media | {_fmt(lags.get('table'))} / {_fmt(lags.get('s3'))} | {targets['rpo_seconds']:g} s |",
    ]
    failback = report.get("failback") or {}
    if "dr_writes" in failback:
        lines.append(
            f"| DR writes in the primary after failback | {failback['reached_primary']} of {failback['dr_writes']} | all |"
        )
    lines += ["", f"Targets from {targets['source']}.", ""]
    if report.get("aborted"):
        lines += [
            f"**ABORTED: {report['aborted']}. The env may still be failed over: run `ops drill recover "
            f"--env {report['env']}`.**",
            "",
        ]
    if report.get("failed"):
        lines += ["## What failed", ""] + [f"- {f}" for f in report["failed"]] + [""]
    if report.get("limitations"):
        lines += ["## Not available in DR (reported, not judged)", ""]
        lines += [f"- {item}" for item in report["limitations"]] + [""]
    lines += ["## Steps", "", "| phase | step | result | seconds | detail |", "|---|---|---|---|---|"]
    for step in report["steps"]:
        result = "ok" if step["ok"] else ("FAILED" if step["critical"] else "note")
        detail = step["detail"].replace("|", "\\|")
        lines.append(f"| {step['phase']} | {step['name']} | {result} | {step['seconds']:.3f} | {detail} |")
    probe = report.get("probe") or {}
    lines += [
        "",
        f"Probe: {probe.get('requests', 0)} requests at {probe.get('rate_per_second', 0):g} ticks/s, "
        f"{probe.get('writes_acknowledged', 0)} writes acknowledged, {probe.get('errors', 0)} errors. "
        "Timeline: `timeline.png`; every request is in `report.json` (`probe.samples`).",
        "",
    ]
    return "\n".join(lines)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def timeline_chart(report: dict[str, Any], path: Path) -> None:
    """Probe latency over time (green ok, red failed, by serving region), cut and failback marked."""
    plt = _pyplot()
    samples = (report.get("probe") or {}).get("samples") or []
    fig, (ax_latency, ax_ok) = plt.subplots(
        2, 1, figsize=(10, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    regions = sorted({s["region"] for s in samples if s["region"]})
    markers = dict(zip(regions, ("o", "s", "^"), strict=False))
    for region in [*regions, None]:
        for ok, colour in ((True, "tab:green"), (False, "tab:red")):
            points = [s for s in samples if s["region"] == region and (200 <= s["status"] < 300) == ok]
            if points:
                ax_latency.scatter(
                    [s["t"] for s in points],
                    [max(s["latency_ms"], 0.1) for s in points],
                    s=10,
                    c=colour,
                    marker=markers.get(region, "x"),
                    label=f"{region or 'no answer'} {'ok' if ok else 'failed'}",
                )
    ax_latency.set_yscale("log")
    ax_latency.set_ylabel("latency (ms)")
    ax_latency.set_title(f"DR drill {report['run_id']} ({report['env']}, {report['mode']})")
    if samples:
        ax_latency.legend(loc="lower left", fontsize="small")
    window: dict[int, list[bool]] = {}
    for s in samples:
        window.setdefault(int(s["t"]), []).append(200 <= s["status"] < 300)
    seconds = sorted(window)
    ax_ok.bar(
        seconds, [100 * sum(v) / len(v) for v in (window[k] for k in seconds)], width=0.9, color="tab:blue"
    )
    ax_ok.set_ylabel("ok %")
    ax_ok.set_ylim(0, 105)
    ax_ok.set_xlabel("seconds since the drill started")
    timeline = report.get("timeline") or {}
    for key, label, colour in (
        ("cut", "cut", "red"),
        ("first_success", "first success in DR", "green"),
        ("restore", "failback", "orange"),
        ("steady", "steady again", "blue"),
    ):
        t = timeline.get(key)
        if t is not None:
            for axis in (ax_latency, ax_ok):
                axis.axvline(t, color=colour, linestyle="--", linewidth=1)
            ax_latency.annotate(
                label, (t, 1), xycoords=("data", "axes fraction"), rotation=90, va="top", fontsize=8
            )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def trend_chart(runs: list[dict[str, Any]], path: Path) -> None:
    """RTO and RPO of each failover run against its targets, oldest first."""
    plt = _pyplot()
    runs = [r for r in runs if r.get("mode") == "failover"]
    fig, ax = plt.subplots(figsize=(10, 4))
    xs = list(range(len(runs)))
    for key, target_key, colour in (
        ("rto_seconds", "rto_seconds", "tab:blue"),
        ("rpo_seconds", "rpo_seconds", "tab:orange"),
    ):
        ys = [r.get(key) for r in runs]
        ax.plot(
            [x for x, y in zip(xs, ys, strict=True) if y is not None],
            [y for y in ys if y is not None],
            "o-",
            color=colour,
            label=key.replace("_seconds", "").upper(),
        )
        targets = [(r.get("targets") or {}).get(target_key) for r in runs]
        if any(t is not None for t in targets):
            ax.plot(
                xs,
                targets,
                "--",
                color=colour,
                alpha=0.5,
                label=f"{key.replace('_seconds', '').upper()} target",
            )
    for x, run in zip(xs, runs, strict=True):
        if not run.get("passed"):
            ax.axvline(x, color="red", alpha=0.15, linewidth=8)
    ax.set_xticks(xs, [r["run_id"][:15] for r in runs], rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("seconds")
    ax.set_title(f"RTO / RPO across failover drills ({runs[0]['env'] if runs else 'no runs'}); red = failed")
    if runs:
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
