"""Writes the README's speed tables from the benchmarks' JSON, never by hand.

Reads `benchmarks/results/throughput_cpu.json` (`benchmarks/throughput.py`,
the latest run), then every kept `throughput_cpu_<machine>.json` (earlier
runs on other machines, renamed by hand so that a new run does not replace
them), `benchmarks/results/onednn_cpu.json` (`benchmarks/onednn.py`) and
`benchmarks/results/time_to_result.json` with the kept
`time_to_result_<machine>.json`
(`benchmarks/time_to_result.py`) and replaces what lies between the
README's `<!-- speed:begin -->` and `<!-- speed:end -->` markers.
`tests/test_readme_speed.py` fails when the README and the JSON disagree.

    python benchmarks/readme_speed.py [--check]

`--check` only compares, and exits 1 when the README is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
BEGIN = "<!-- speed:begin: written by benchmarks/readme_speed.py from benchmarks/results/*.json -->"
END = "<!-- speed:end -->"

WORKLOADS = {
    "dcgan": "DCGAN 32x32x1, base_filters {base_filters}, batch {batch}",
    "ring": "ring MLPs (128, 128), batch {batch}",
}
RUNNERS = {
    "fit": "`fit`",
    "hand_written": "hand-written TF step",
    "torch_eager": "PyTorch eager",
    "torch_compile": "PyTorch `torch.compile`",
}


def _ratio(value):
    return "-" if value is None else f"{value:.2f}x"


def _runner(row):
    """A row's setting in words: `fit`, XLA off, steps_per_execution 8."""
    name = row["runner"]
    torch = name.startswith("torch")
    parts = [
        RUNNERS["torch_eager" if name == "torch_eager_bf16" else name]
        if not name.startswith("fit")
        else RUNNERS["fit"]
    ]
    if not torch:
        parts.append("XLA on" if row.get("xla") else "XLA off")
    if row.get("steps_per_execution", 1) != 1:
        parts.append(f"steps_per_execution={row['steps_per_execution']}")
    if row.get("reuse_fakes"):
        parts.append("reuse_fakes=True")
    if row.get("precision", "float32") != "float32":
        parts.append(row["precision"])
    if row.get("fused_batch_norm"):
        parts.append("fused_batch_norm=True")
    return ", ".join(parts)


def throughput_section(payload):
    settings = payload.get("settings", {})
    onednn = payload.get("tensorflow_onednn")  # recorded since 2026-12-05
    onednn = "" if onednn is None else f" with oneDNN {'on' if onednn else 'off'}"
    lines = [
        f"`benchmarks/throughput.py`, {payload['date']}, {payload['device']} "
        f"(TensorFlow {payload['tensorflow']}{onednn}, Keras {payload['keras']}, PyTorch "
        f"{payload.get('torch') or '-'}); steady-state steps/s, median of "
        f"{settings.get('repeats', '?')} interleaved runs of {settings.get('steps', '?')} "
        "steps; ratios within the same run. Measured fp32 GEMM rate: "
        f"{payload['gemm_gflops']['float32']:.0f} GFLOP/s "
        f"(bf16: {payload['gemm_gflops']['bfloat16']:.0f}). The package's defaults "
        'are the rows `fit`, XLA off (Keras\' `"auto"` on a CPU), with '
        "steps_per_execution=8 on the ring.",
    ]
    for workload, title in WORKLOADS.items():
        rows = [r for r in payload["rows"] if r["workload"] == workload]
        if not rows:
            continue
        lines += [
            "",
            "**"
            + title.format(
                base_filters=settings.get("base_filters"),
                batch=settings.get("batch_size", {}).get(workload),
            )
            + "**",
            "",
            "| setting | steps/s | vs PyTorch eager | vs hand-written TF | GFLOP/s (of fp32 GEMM) |",
            "|---|---|---|---|---|",
        ]
        for row in sorted(rows, key=lambda r: -(r.get("steps_per_s") or 0)):
            if row.get("steps_per_s") is None:
                lines.append(
                    f"| {_runner(row)} | failed: {row.get('error', '?')} | | | |"
                )
                continue
            lines.append(
                f"| {_runner(row)} | {row['steps_per_s']:.2f} | "
                f"{_ratio(row.get('ratio_to_torch_eager'))} | "
                f"{_ratio(row.get('ratio_to_hand_written'))} | "
                f"{row['gflops']:.0f} ({100 * row['gemm_fraction']:.0f}%) |"
            )
    return lines


def onednn_section(payload):
    settings = payload["settings"]
    lines = [
        f"`benchmarks/onednn.py`, {payload['date']}, {payload['machine']}: `fit` "
        "steps/s with TensorFlow's oneDNN CPU kernels off and on "
        "(`TF_ENABLE_ONEDNN_OPTS`, one process each, median of "
        f"{settings['rounds']} rounds of {settings['steps']} steps taking turns).",
        "",
        "| workload | XLA | oneDNN off | oneDNN on | on / off |",
        "|---|---|---|---|---|",
    ]
    for row in payload["rows"]:
        lines.append(
            f"| {row['workload']} | {'on' if row['xla'] else 'off'} | "
            f"{row['onednn_off']:.2f} | {row['onednn_on']:.2f} | "
            f"{row['ratio_on_to_off']:.2f}x |"
        )
    return lines


def time_to_result_section(payload):
    lines = [
        f"`benchmarks/time_to_result.py`, {payload['date']}, {payload['machine']} "
        f"(seeds {', '.join(str(s) for s in payload['seeds'])}): seconds of `fit` "
        "until the result passes, tracing and compiling included, scoring excluded.",
        "",
        "| target | setting | passed | median s | slowest s | median steps | runs that did not pass |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in payload["results"]:
        failed = [r for r in row["runs"] if r["seconds"] is None]
        best = "-"
        if failed:
            scores = [s for r in failed for s in r["scores"]]
            ran = max(r["scores"][-1]["seconds"] for r in failed)
            epochs = max(r["scores"][-1]["epoch"] for r in failed)
            if row["target"] == "mnist_5k":
                top = max(scores, key=lambda s: s["relative_confidence"])
                best = (
                    f"relative confidence {top['relative_confidence']:.3f} (bar 0.75), "
                    f"rarest class {top['min_class_fraction']:.3f} (bar 0.05)"
                )
            else:
                top = max(scores, key=lambda s: (s["modes"], s["high_quality"]))
                best = f"{top['modes']} modes, {top['high_quality']:.2f} high quality"
            best = f"{epochs} epochs in up to {ran:.0f} s; best: {best}"
        seconds = (
            "-" if row["median_seconds"] is None else f"{row['median_seconds']:.1f}"
        )
        slowest = "-" if row["max_seconds"] is None else f"{row['max_seconds']:.1f}"
        steps = "-" if row["median_steps"] is None else f"{row['median_steps']:.0f}"
        setting = row["config"]
        if row["settings"]:
            setting += (
                " (" + ", ".join(f"{k}={v}" for k, v in row["settings"].items()) + ")"
            )
        lines.append(
            f"| {row['target']} | {setting} | {row['passed']}/{row['seeds']} | "
            f"{seconds} | {slowest} | {steps} | {best} |"
        )
    return lines


def throughput_files(results=RESULTS):
    """The latest throughput run first, then the kept runs of other machines."""
    latest = Path(results) / "throughput_cpu.json"
    kept = sorted(Path(results).glob("throughput_cpu_*.json"))
    return [latest, *kept]


def time_to_result_files(results=RESULTS):
    """The latest time-to-result run first, then the kept runs of other machines."""
    latest = Path(results) / "time_to_result.json"
    return [latest, *sorted(Path(results).glob("time_to_result_*.json"))]


def render(results=RESULTS):
    """The README's speed block, markers included."""
    lines = [BEGIN, ""]
    for path in throughput_files(results):
        lines += throughput_section(json.loads(path.read_text()))
        lines += [""]
    onednn = Path(results) / "onednn_cpu.json"
    if onednn.is_file():
        lines += onednn_section(json.loads(onednn.read_text())) + [""]
    for index, path in enumerate(time_to_result_files(results)):
        lines += [""] if index else []
        lines += time_to_result_section(json.loads(path.read_text()))
    lines += ["", END]
    return "\n".join(lines)


def replace_block(text, block):
    """`text` with its speed block replaced by `block`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(
            f"Expected the markers {BEGIN!r} and {END!r} in the README. "
            "Received: a README without them"
        )
    return text[:start] + block + text[end + len(END) :]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = README.read_text()
    updated = replace_block(text, render())
    if args.check:
        if updated != text:
            print(
                "README.md's speed section differs from benchmarks/results/: "
                "run python benchmarks/readme_speed.py"
            )
            return 1
        print("README.md's speed section matches benchmarks/results/")
        return 0
    README.write_text(updated)
    print(f"wrote the speed section of {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
