"""Steps per second of `tge.GAN.fit` on each Keras backend: TensorFlow, JAX, PyTorch.

Keras fixes its backend when it is imported, so each backend is measured in
a process of its own (this file run with `--worker` and `KERAS_BACKEND` set);
this parent process imports neither Keras nor TensorFlow and only starts the
workers, one at a time, so they never share the cores.

Models, each trained by `GAN.fit` with Keras' default `jit_compile="auto"`
and the non-saturating loss:

- `ring`: `tge.networks.mlp_generator` / `mlp_discriminator` (256, 256) on
  the 2-D ring (`tge.data.toy2d.sample("ring", ...)`), latent 16, batch 256;
- `dcgan`: `tge.networks.dcgan_generator` / `dcgan_discriminator` (64 base
  filters, latent 64) on the embedded `mnist_5k` digits, 28x28 (or 64x64
  with `--image-size 64`, resized by `tge.data.load`), batch 64.

Each model is measured with its data reaching `fit` two ways (`--data`):
`numpy`, in-memory arrays (Keras' own array adapter on each backend), and
`tf.data`, the `tf.data.Dataset` that `tge.data` gives (which Keras turns
into NumPy/torch batches on JAX and PyTorch): the input path can cost as
much as the step.

Timing: one untimed `fit` call of `--warmup` steps traces and compiles the
step; then `--repeats` calls of `--steps + 1` steps each, timed from the
end of each call's first step to the end of its last (a callback that is
not async-safe, so Keras converts every step's logs to Python floats and
each timestamp follows a finished step, on every backend). `--rounds`
repeats the whole set of workers, rotating their order, so load changes
from other jobs hit every backend alike; the median over all repeats of all
rounds is reported, with its ratio to TensorFlow's from the same run.

PyTorch's CPU thread pool follows `OMP_NUM_THREADS`, which the workers
inherit (recorded in the JSON): on a CPU shared with other jobs, its
default pool can slow a step many times over (see README.md); set
`OMP_NUM_THREADS=1` there, as `make test` does.

Without TensorFlow (a JAX/PyTorch GPU machine) the TensorFlow backend is
skipped, and so are the others, since `import tfgan_edu` needs TensorFlow:
the table and the JSON say why instead of failing.

    python benchmarks/backends.py [--backends tensorflow,jax,torch]
        [--models ring,dcgan] [--image-size 28|64] [--data numpy,tf.data]
        [--steps 30] [--repeats 3] [--rounds 2] [--warmup 5] [--quick]
        [--out FILE]

Prints a table and writes JSON (default:
benchmarks/results/backends_<cpu|gpu>[_64px][_quick].json) with the machine
(CPU model, cores, `uptime` load before and after each worker, GPU name)
and the library versions.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BACKENDS = ("tensorflow", "jax", "torch")
MODELS = ("ring", "dcgan")
DATA = ("numpy", "tf.data")
RESULT_PREFIX = "BACKENDS_RESULT "
MODEL_LABELS = {"ring": "ring MLPs", "dcgan": "DCGAN"}
TF_MISSING = (
    "TensorFlow is missing: tfgan_edu needs it for its tf.data pipelines "
    "(tfgan_edu.data), fit's data checks (tfgan_edu.models), metrics, "
    "callbacks and augmentation, all imported by `import tfgan_edu`; skipping"
)
QUICK = dict(steps=3, repeats=2, rounds=1, warmup=2)
DEFAULTS = dict(steps=30, repeats=3, rounds=2, warmup=5)


# --------------------------------------------------------------- the worker


def _worker_device(backend):
    """The device the backend computes on, e.g. `"gpu: NVIDIA H200"` or `"cpu"`."""
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "cpu" if device.platform == "cpu" else f"gpu: {device.device_kind}"
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return f"gpu: {torch.cuda.get_device_name(0)}"
        return "cpu"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"gpu: {details.get('device_name', 'GPU')}"
    return "cpu"


def _build(name, image_size, data, seed=0):
    """`(gan, dataset or array, batch_size, description)` of one model."""
    import keras

    import tfgan_edu as tge

    keras.utils.set_random_seed(seed)
    if name == "ring":
        latent_dim, batch_size, rate = 16, 256, 1e-3
        generator = tge.networks.mlp_generator(latent_dim, 2)
        discriminator = tge.networks.mlp_discriminator(2)
        points = tge.data.toy2d.sample("ring", 25_000, seed=seed)
        source = (
            points
            if data == "numpy"
            else tge.data.from_numpy(points, batch_size=batch_size, seed=seed)
        )
        description = "2-D ring, mlp_generator/mlp_discriminator (256, 256), latent 16"
    else:
        latent_dim, batch_size, rate = 64, 64, 2e-4
        shape = (image_size, image_size, 1)
        generator = tge.networks.dcgan_generator(latent_dim, shape, base_filters=64)
        discriminator = tge.networks.dcgan_discriminator(shape, base_filters=64)
        size = None if image_size == 28 else image_size
        if data == "numpy":
            # All 4,000 training digits as one array, scaled to [-1, 1].
            everything = tge.data.load(
                "mnist_5k", batch_size=4000, shuffle=False, image_size=size
            )
            source = next(iter(everything)).numpy()
        else:
            source = tge.data.load(
                "mnist_5k", batch_size=batch_size, seed=seed, image_size=size
            )
        description = (
            f"mnist_5k {image_size}x{image_size}x1, dcgan_generator/"
            "dcgan_discriminator, base_filters 64, latent 64"
        )
    if data != "numpy":
        source = source.repeat()
    gan = tge.GAN(generator, discriminator, latent_dim=latent_dim, seed=seed)
    gan.compile(
        keras.optimizers.Adam(rate, beta_1=0.5),
        keras.optimizers.Adam(rate, beta_1=0.5),
        loss="non_saturating",
    )
    return gan, source, batch_size, description


def _fit_rate(gan, source, batch_size, steps):
    """Steps/s of one `fit` call over its last `steps` steps, and its wall time."""
    import keras

    class BatchClock(keras.callbacks.Callback):
        # Not async-safe: Keras pythonifies each step's logs before calling
        # it, so every timestamp follows a finished step.
        def on_train_begin(self, logs=None):
            self.times = []

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter())

    clock = BatchClock()
    kwargs = dict(epochs=1, steps_per_epoch=steps + 1, verbose=0, callbacks=[clock])
    if not hasattr(source, "element_spec"):  # arrays, not a tf.data.Dataset
        kwargs.update(batch_size=batch_size, shuffle=True)
    start = time.perf_counter()
    gan.fit(source, **kwargs)
    wall = time.perf_counter() - start
    return steps / (clock.times[-1] - clock.times[0]), wall


def run_worker(config):
    """Measures the configured models on this process's backend.

    Returns:
        A dict: `status` (`"ok"` or `"skipped"`), `device`, `reason` when
        skipped, and per model the steps/s of every timed repeat.
    """
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    try:
        import keras
    except ImportError as exc:
        package = "TensorFlow" if backend == "tensorflow" else backend
        return {
            "status": "skipped",
            "reason": f"{package} is missing ({exc}); skipping the {backend} backend",
        }
    if keras.backend.backend() != backend:
        raise RuntimeError(
            f"Expected Keras on the {backend!r} backend. Received: "
            f"keras.backend.backend()={keras.backend.backend()!r}"
        )
    result = {
        "status": "ok",
        "device": _worker_device(backend),
        "versions": {"keras": keras.__version__},
        "models": {},
    }
    if backend == "torch":
        result["torch_threads"] = sys.modules["torch"].get_num_threads()
    try:
        import tfgan_edu  # noqa: F401
    except ImportError as exc:
        try:
            import tensorflow  # noqa: F401
        except ImportError:
            result.update(
                status="skipped",
                reason=f"{TF_MISSING} the {backend} backend ({exc})",
            )
            return result
        raise
    for module in ("tensorflow", "jax", "torch"):
        if module in sys.modules:  # what this process actually runs on
            result["versions"][module] = sys.modules[module].__version__
    for name, data in _cases(config["models"], config["data"]):
        gan, source, batch_size, description = _build(name, config["image_size"], data)
        start = time.perf_counter()
        _fit_rate(gan, source, batch_size, config["warmup"])
        warmup_s = time.perf_counter() - start
        rates, walls = [], []
        for _ in range(config["repeats"]):
            rate, wall = _fit_rate(gan, source, batch_size, config["steps"])
            rates.append(rate)
            walls.append(wall)
        result["models"][f"{name}/{data}"] = {
            "model": name,
            "data": data,
            "description": description,
            "batch_size": batch_size,
            "parameters": gan.generator.count_params()
            + gan.discriminator.count_params(),
            # What Keras resolved `jit_compile="auto"` to on this backend.
            "jit_compile": bool(gan.jit_compile),
            "warmup_s": warmup_s,
            "steps_per_s": rates,
            "fit_call_s": walls,
        }
    return result


# --------------------------------------------------------------- the parent


def _uptime():
    """The `uptime` line (load averages), or `os.getloadavg()` without it."""
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _nvidia_gpus():
    """GPU names from `nvidia-smi`, or `[]` where there is none."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


def describe_machine():
    """CPU model, core counts, GPUs and Python of this machine."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "gpus_nvidia_smi": _nvidia_gpus(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def library_versions():
    """Installed versions (without importing them); `None` for a missing one."""
    versions = {}
    for name, distributions in (
        ("tfgan_edu", ("tfgan-edu",)),
        ("keras", ("keras",)),
        ("numpy", ("numpy",)),
        ("tensorflow", ("tensorflow", "tensorflow-cpu", "tf-nightly")),
        ("jax", ("jax",)),
        ("jaxlib", ("jaxlib",)),
        ("torch", ("torch",)),
    ):
        versions[name] = None
        for distribution in distributions:
            try:
                versions[name] = importlib.metadata.version(distribution)
                break
            except importlib.metadata.PackageNotFoundError:
                pass
    return versions


def _run_one(backend, config, timeout):
    """Runs the worker of `backend`; returns its result dict with timings and load."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    load_before, start = _uptime(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    run = {
        "load_before": load_before,
        "load_after": _uptime(),
        "wall_s": time.perf_counter() - start,
    }
    lines = [
        line[len(RESULT_PREFIX) :]
        for line in proc.stdout.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]
    if proc.returncode != 0 or not lines:
        result = {
            "status": "failed",
            "reason": f"worker exited with {proc.returncode}: "
            + (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1],
            "stderr_tail": proc.stderr[-4000:],
        }
    else:
        result = json.loads(lines[-1])
    return {**result, "run": run}


def measure(backends, config, rounds, timeout=1800):
    """Runs every backend's worker `rounds` times, rotating their order.

    Returns:
        `{backend: {"status", "device", "reason", "runs", "models"}}`, where
        each model holds the steps/s of all repeats of all rounds.
    """
    out = {
        b: {
            "status": None,
            "device": None,
            "versions": None,
            "reason": None,
            "runs": [],
            "models": {},
        }
        for b in backends
    }
    for r in range(rounds):
        shift = r % len(backends)
        for backend in backends[shift:] + backends[:shift]:
            entry = out[backend]
            if entry["status"] in ("skipped", "failed"):
                continue
            result = _run_one(backend, config, timeout)
            run = result.pop("run")
            print(
                f"round {r + 1}/{rounds}, {backend}: {result['status']} "
                f"in {run['wall_s']:.0f} s",
                flush=True,
            )
            entry["runs"].append({"round": r, **run})
            entry["status"] = result["status"]
            entry["reason"] = result.get("reason")
            entry["device"] = result.get("device", entry["device"])
            entry["versions"] = result.get("versions")
            if result["status"] == "failed":
                entry["stderr_tail"] = result["stderr_tail"]
            if result["status"] != "ok":
                print(f"{backend}: {entry['reason']}", file=sys.stderr)
                continue
            for name, model in result["models"].items():
                merged = entry["models"].setdefault(
                    name, {**model, "steps_per_s": [], "fit_call_s": [], "warmup_s": []}
                )
                merged["steps_per_s"] += model["steps_per_s"]
                merged["fit_call_s"] += model["fit_call_s"]
                merged["warmup_s"].append(model["warmup_s"])
    for entry in out.values():
        for model in entry["models"].values():
            model["median_steps_per_s"] = statistics.median(model["steps_per_s"])
    return out


def _cases(models, data):
    """`(model, data)` pairs in the order they are measured and reported."""
    return [(name, source) for name in models for source in data]


def summarize(measured, models, data):
    """One row per (model, data, backend): median steps/s, ratio to TensorFlow."""
    rows = []
    for name, source in _cases(models, data):
        key = f"{name}/{source}"
        tf_entry = measured.get("tensorflow", {}).get("models", {}).get(key)
        reference = tf_entry["median_steps_per_s"] if tf_entry else None
        for backend, entry in measured.items():
            model = entry["models"].get(key)
            row = {
                "model": name,
                "data": source,
                "backend": backend,
                "status": entry["status"],
                "device": entry["device"],
                "jit_compile": None,
                "steps_per_s": None,
                "min": None,
                "max": None,
                "ratio_to_tensorflow": None,
                "reason": entry["reason"],
            }
            if model:
                rates = model["steps_per_s"]
                row.update(
                    jit_compile=model["jit_compile"],
                    steps_per_s=model["median_steps_per_s"],
                    min=min(rates),
                    max=max(rates),
                    ratio_to_tensorflow=(
                        model["median_steps_per_s"] / reference if reference else None
                    ),
                )
            rows.append(row)
    return rows


def format_table(rows, settings):
    """The rows as a Markdown table (skipped backends say why)."""
    lines = [
        "| model | data | backend | device | jit | steps/s (median) | min-max "
        "| vs TensorFlow |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        label = MODEL_LABELS[row["model"]]
        if row["model"] == "dcgan":
            label += f" {settings['image_size']}x{settings['image_size']}"
        if row["steps_per_s"] is None:
            status = row["status"]
            if row["reason"] and row["reason"].startswith("TensorFlow is missing"):
                status += " (TensorFlow is missing)"
            lines.append(
                f"| {label} | {row['data']} | {row['backend']} | "
                f"{row['device'] or '-'} | - | "
                f"{status}, see below | - | - |"
            )
            continue
        ratio = row["ratio_to_tensorflow"]
        ratio_text = (
            f"{ratio:.2f}x"
            if ratio is not None
            else "n/a (TensorFlow not measured in this run)"
        )
        lines.append(
            f"| {label} | {row['data']} | {row['backend']} | {row['device']} | "
            f"{'on' if row['jit_compile'] else 'off'} | {row['steps_per_s']:.2f} | {row['min']:.2f}-{row['max']:.2f} | "
            f"{ratio_text} |"
        )
    reasons = {row["backend"]: row["reason"] for row in rows if row["reason"]}
    lines += [""] + [f"{backend}: {reason}" for backend, reason in reasons.items()]
    return "\n".join(lines).rstrip()


def _csv(choices, arg):
    def parse(text):
        values = tuple(v.strip() for v in text.split(",") if v.strip())
        unknown = [v for v in values if v not in choices]
        if not values or unknown:
            raise argparse.ArgumentTypeError(
                f"Expected a comma-separated subset of {', '.join(choices)}. "
                f"Received: {arg}={text!r}"
            )
        return values

    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--backends",
        type=_csv(BACKENDS, "--backends"),
        default=BACKENDS,
        help="comma-separated, default: tensorflow,jax,torch",
    )
    parser.add_argument(
        "--models",
        type=_csv(MODELS, "--models"),
        default=MODELS,
        help="comma-separated, default: ring,dcgan",
    )
    parser.add_argument("--image-size", type=int, choices=(28, 64), default=28)
    parser.add_argument(
        "--data",
        type=_csv(DATA, "--data"),
        default=DATA,
        help="comma-separated, default: numpy,tf.data",
    )
    parser.add_argument("--steps", type=int, help="timed steps per fit call")
    parser.add_argument("--repeats", type=int, help="timed fit calls per worker")
    parser.add_argument("--rounds", type=int, help="runs of every backend's worker")
    parser.add_argument("--warmup", type=int, help="untimed steps first")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: defaults {QUICK} instead of {DEFAULTS}",
    )
    parser.add_argument("--out", default=None)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        result = run_worker(json.loads(args.worker))
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return result

    settings = dict(QUICK if args.quick else DEFAULTS)
    for key in settings:
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
        if settings[key] < 1:
            parser.error(f"Expected --{key} >= 1. Received: {settings[key]}")
    settings.update(image_size=args.image_size, data=list(args.data), quick=args.quick)
    # Thread settings the workers inherit (PyTorch's pool follows OpenMP's).
    settings["env"] = {
        k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    }
    config = {
        "models": list(args.models),
        "image_size": args.image_size,
        "data": list(args.data),
        "steps": settings["steps"],
        "repeats": settings["repeats"],
        "warmup": settings["warmup"],
    }
    machine = describe_machine()
    machine["load_start"] = _uptime()
    measured = measure(list(args.backends), config, settings["rounds"])
    machine["load_end"] = _uptime()
    rows = summarize(measured, args.models, args.data)

    devices = {e["device"] for e in measured.values() if e["device"]}
    kind = "gpu" if any(d.startswith("gpu") for d in devices) else "cpu"
    print(
        "\ntge.GAN.fit steps/s per Keras backend (jit_compile='auto'); "
        f"{settings['steps']} steps x {settings['repeats']} "
        f"repeats x {settings['rounds']} rounds (median), {settings['warmup']} "
        f"warm-up steps excluded, OMP_NUM_THREADS="
        f"{settings['env']['OMP_NUM_THREADS'] or 'unset'}\n"
        f"{machine['cpu']}, {machine['cores']} cores"
        + (
            f", {', '.join(machine['gpus_nvidia_smi'])}"
            if machine["gpus_nvidia_smi"]
            else ""
        )
        + f"\nload at start: {machine['load_start']}\nload at end:   {machine['load_end']}\n"
    )
    print(format_table(rows, settings))

    suffix = ("_64px" if args.image_size == 64 else "") + (
        "_quick" if args.quick else ""
    )
    out = Path(
        args.out or Path(__file__).parent / "results" / f"backends_{kind}{suffix}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "backends",
        "machine": machine,
        "versions": library_versions(),
        "settings": settings,
        "rows": rows,
        "backends": measured,
    }
    out.write_text(json.dumps(payload, indent=2))
    print(f"wrote {out}")
    return payload


if __name__ == "__main__":
    result = main()
    # A backend that failed (not one skipped for a missing package) is an error.
    statuses = [e["status"] for e in result.get("backends", {}).values()]
    sys.exit(1 if "failed" in statuses else 0)
