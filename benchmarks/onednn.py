"""TensorFlow's oneDNN CPU kernels on and off: `GAN.fit` steps/s of each.

TensorFlow reads `TF_ENABLE_ONEDNN_OPTS` once, when it is imported, and
turns oneDNN on by itself only on x86 CPUs with AVX-512 VNNI/BF16 or AMX;
`import tfgan_edu` sets the default to on. One process cannot measure both,
so each measurement is a child process started with the variable set: the
settings take turns, `--rounds` times, so that load changes hit both alike,
and the table gives the median steps/s of each and their ratio. Each child
trains the workloads of `benchmarks/throughput.py` with `fit` (its `fit`
runner), XLA off and on, after an untimed warm-up, and reports what
TensorFlow says about oneDNN, so a setting that did not take shows.

Usage:
    python benchmarks/onednn.py [--workloads dcgan,ring] [--rounds 3] [--steps 20]

Writes `benchmarks/results/onednn_cpu.json`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETTINGS = ("0", "1")  # TF_ENABLE_ONEDNN_OPTS: off, on
WORKLOADS = ("dcgan", "ring")


def child(workloads, steps, dcgan_batch, ring_batch, base_filters):
    """Measures in this process (started with the variable set); prints JSON."""
    sys.path.insert(0, str(HERE))
    import throughput
    from _device import describe_machine, tensorflow_onednn

    defined = throughput.workloads(dcgan_batch, ring_batch, base_filters)
    rows = []
    for name in workloads:
        runners = {
            jit: throughput.FitRunner(defined[name], jit) for jit in (False, True)
        }
        for runner in runners.values():
            runner(1)  # trace and compile, untimed
        for jit, runner in runners.items():
            rows.append({"workload": name, "xla": jit, "steps_per_s": runner(steps)})
    print(
        json.dumps(
            {"onednn": tensorflow_onednn(), "machine": describe_machine(), "rows": rows}
        )
    )


def measure(workloads, rounds, steps, dcgan_batch, ring_batch, base_filters):
    """`[(setting, child result)]`, the settings taking turns for `rounds`."""
    results = []
    for _ in range(rounds):
        for setting in SETTINGS:
            env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=setting)
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                f"--workloads={','.join(workloads)}",
                f"--steps={steps}",
                f"--dcgan-batch-size={dcgan_batch}",
                f"--ring-batch-size={ring_batch}",
                f"--base-filters={base_filters}",
            ]
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(
                    f"The child with TF_ENABLE_ONEDNN_OPTS={setting} failed "
                    f"(exit {done.returncode}):\n{done.stderr[-3000:]}"
                )
            results.append((setting, json.loads(done.stdout.strip().splitlines()[-1])))
    return results


def summarize(results):
    """Rows `(workload, xla)` with each setting's median steps/s and on/off."""
    values = {}
    for setting, result in results:
        for row in result["rows"]:
            key = (row["workload"], row["xla"])
            values.setdefault(key, {s: [] for s in SETTINGS})[setting].append(
                row["steps_per_s"]
            )
    rows = []
    for (workload, xla), by_setting in values.items():
        off = statistics.median(by_setting["0"])
        on = statistics.median(by_setting["1"])
        rows.append(
            {
                "workload": workload,
                "xla": xla,
                "onednn_off": off,
                "onednn_on": on,
                "all_off": by_setting["0"],
                "all_on": by_setting["1"],
                "ratio_on_to_off": on / off,
            }
        )
    return rows


def main(argv=None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--dcgan-batch-size", type=int, default=64)
    parser.add_argument("--ring-batch-size", type=int, default=256)
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--out", type=Path, default=HERE / "results/onednn_cpu.json")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workloads = [w for w in args.workloads.split(",") if w]
    unknown = sorted(set(workloads) - set(WORKLOADS))
    if unknown or not workloads:
        parser.error(
            f"--workloads expects names from {','.join(WORKLOADS)}. "
            f"Received: {args.workloads!r}"
        )
    if args.rounds < 1 or args.steps < 1:
        parser.error(
            "--rounds and --steps expect positive integers. "
            f"Received: --rounds={args.rounds} --steps={args.steps}"
        )
    sizes = (args.dcgan_batch_size, args.ring_batch_size, args.base_filters)
    if args.child:
        child(workloads, args.steps, *sizes)
        return None
    results = measure(workloads, args.rounds, args.steps, *sizes)
    for setting, result in results:
        if result["onednn"] != (setting == "1"):
            raise RuntimeError(
                f"Expected oneDNN {'on' if setting == '1' else 'off'} in the child "
                f"started with TF_ENABLE_ONEDNN_OPTS={setting}. Received: "
                f"TensorFlow reports oneDNN {'on' if result['onednn'] else 'off'}"
            )
    rows = summarize(results)
    machine = results[0][1]["machine"].rsplit(", TensorFlow oneDNN", 1)[0]
    print(
        f"{machine}; `fit` steps/s, median of {args.rounds} rounds of "
        f"{args.steps} steps"
    )
    print("| workload | XLA | oneDNN off | oneDNN on | on / off |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['workload']} | {'on' if row['xla'] else 'off'} "
            f"| {row['onednn_off']:.2f} | {row['onednn_on']:.2f} "
            f"| {row['ratio_on_to_off']:.2f}x |"
        )
    payload = {
        "benchmark": "onednn",
        "date": datetime.date.today().isoformat(),
        "machine": machine,
        "settings": {
            "workloads": workloads,
            "rounds": args.rounds,
            "steps": args.steps,
            "batch_size": {
                "dcgan": args.dcgan_batch_size,
                "ring": args.ring_batch_size,
            },
            "base_filters": args.base_filters,
        },
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2))
    print(f"wrote {args.out}")
    return payload


if __name__ == "__main__":
    main()
