"""`tge.GAN` under `tf.distribute.MultiWorkerMirroredStrategy`: two worker processes.

Each worker is `tests/multiworker_worker.py` in its own process, on CPU, with
a `TF_CONFIG` naming two gRPC ports on 127.0.0.1. Every subprocess wait has a
timeout taken from the test's own deadline, so a hung collective fails the
test instead of blocking CI, and every process a test starts is killed when
it ends.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("backends")]

ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("multiworker_worker.py")
EPOCHS = 4
KILL_EPOCH = 2  # worker 1 is killed in the middle of this (0-based) epoch
TEST_TIMEOUT = 900  # seconds, each test, all its processes together
SURVIVOR_TIMEOUT = 90  # how long the other worker may take to give up


class _Processes:
    """Starts the test's processes; waits on them within one deadline; kills leftovers."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.deadline = time.monotonic() + TEST_TIMEOUT
        self.started = []

    def left(self):
        return self.deadline - time.monotonic()

    def start(self, name, args, tf_config=None):
        env = dict(
            os.environ,
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            CUDA_VISIBLE_DEVICES="",
            PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        )
        env.pop("TF_CONFIG", None)
        if tf_config is not None:
            env["TF_CONFIG"] = json.dumps(tf_config)
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.name, proc.log = name, log
        self.started.append(proc)
        return proc

    def start_workers(self, name, args):
        """Two workers of one cluster on fresh localhost ports."""
        ports = _free_ports(2)
        cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
        return [
            self.start(
                f"{name}-{index}",
                [*args, "--out", str(self.tmp_path / f"{name}-{index}.json")],
                {"cluster": cluster, "task": {"type": "worker", "index": index}},
            )
            for index in range(2)
        ]

    def wait(self, proc, timeout=None):
        """`proc`'s exit code; fails the test if it runs past `timeout` or the deadline."""
        limit = self.left() if timeout is None else min(timeout, self.left())
        try:
            return proc.wait(timeout=max(limit, 1))
        except subprocess.TimeoutExpired:
            self.kill_all()
            pytest.fail(
                f"{proc.name} still ran after {limit:.0f} s:\n{self.tail(proc)}"
            )

    def finish(self, procs):
        """Waits for `procs`; fails with their logs unless all exit with 0."""
        for proc in procs:
            if self.wait(proc) != 0:
                self.kill_all()
                pytest.fail(
                    f"{proc.name} exited with {proc.returncode}:\n{self.tail(proc)}"
                )
        return [
            json.loads((self.tmp_path / f"{p.name}.json").read_text()) for p in procs
        ]

    def tail(self, proc, chars=4000):
        proc.log.flush()
        return (self.tmp_path / f"{proc.name}.log").read_text()[-chars:]

    def kill_all(self):
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)

    def close(self):
        self.kill_all()
        for proc in self.started:
            proc.log.close()


@pytest.fixture
def processes(tmp_path):
    """The test's processes, under one deadline of `TEST_TIMEOUT` seconds."""
    procs = _Processes(tmp_path)
    yield procs
    procs.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two workers trained `EPOCHS` epochs without a stop, and the references.

    `{"workers": [worker 0, worker 1], "one_device": ..., "mirrored": ...}`:
    the one-process references (see `multiworker_worker.py`) run beside the
    workers, to save a start-up of TensorFlow.
    """
    procs = _Processes(tmp_path_factory.mktemp("uninterrupted"))
    try:
        reference = procs.start(
            "reference",
            [
                "--mode",
                "reference",
                "--epochs",
                str(EPOCHS),
                "--out",
                str(procs.tmp_path / "reference.json"),
            ],
        )
        workers = procs.start_workers(
            "uninterrupted", ["--mode", "workers", "--epochs", str(EPOCHS)]
        )
        w0, w1, ref = procs.finish([*workers, reference])
        return {"workers": [w0["workers"], w1["workers"]], **ref}
    finally:
        procs.close()


def _free_ports(n):
    """`n` ports that were free a moment ago (bound to port 0 and released)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _arrays(weights):
    return [np.array(w, dtype=np.float32) for w in weights]


def _assert_bitwise_equal(a, b, what):
    a, b = _arrays(a), _arrays(b)
    assert len(a) == len(b), what
    for i, (x, y) in enumerate(zip(a, b)):
        assert x.shape == y.shape, (what, i)
        np.testing.assert_array_equal(x, y, err_msg=f"{what}: weight {i}")


def test_two_workers_take_the_steps_of_one_process(runs):
    # One process, two references: the same GAN on one device, and under a
    # MirroredStrategy over two logical CPUs (two replicas, as two workers).
    one, mirrored = runs["one_device"], runs["mirrored"]
    w0, w1 = runs["workers"]

    assert w0["replicas"] == w1["replicas"] == 2 and mirrored["replicas"] == 2
    assert one["replicas"] == 1
    assert w0["jit_compile"] is False  # a multi-replica strategy turns XLA off
    _assert_bitwise_equal(w0["initial_weights"], one["initial_weights"], "initial")
    # The workers hold one mirrored state, step after step.
    _assert_bitwise_equal(w0["weights"], w1["weights"], "worker 0 vs worker 1")
    assert w0["history"] == w1["history"]

    # Worker i gets replica i's slice of each global batch and of each global
    # noise draw, and the gradients of two replicas are summed the same way
    # in one process or across two: all 16 steps agree bit for bit.
    _assert_bitwise_equal(
        w0["first_step_weights"], mirrored["first_step_weights"], "step 1"
    )
    _assert_bitwise_equal(w0["weights"], mirrored["weights"], "after 16 steps")
    assert w0["history"] == mirrored["history"]

    # One device sums the whole batch in one reduction instead of two halves:
    # float32 round-off only (measured: 5.2e-8 after the first step, 8.9e-8
    # after 16, on weights of order 0.1-1).
    for key in ("first_step_weights", "weights"):
        for a, b in zip(_arrays(w0[key]), _arrays(one[key])):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=key)
    for key, values in one["history"].items():
        np.testing.assert_allclose(w0["history"][key], values, rtol=1e-5, err_msg=key)
    # The step moved the weights: equality above is not equality of nothing.
    moved = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(
            _arrays(w0["first_step_weights"]), _arrays(w0["initial_weights"])
        )
    )
    assert moved > 1e-3


@pytest.mark.parametrize("killed", [1, 0], ids=["worker", "chief"])
def test_a_killed_worker_resumes_through_backup_and_restore(processes, runs, killed):
    tmp = processes.tmp_path
    backup, mark = tmp / "backup", tmp / "mark"
    args = ["--mode", "workers", "--epochs", str(EPOCHS), "--backup", str(backup)]

    # 1. Both workers train, each backing up at the end of every epoch. After
    #    batch 1 of epoch KILL_EPOCH they leave a mark and sleep: worker
    #    `killed` is killed there, mid-epoch (both backups are of the first
    #    KILL_EPOCH epochs). Worker 0 also hosts TensorFlow's coordination
    #    service, so killing it ("chief") and killing worker 1 differ.
    first = processes.start_workers(
        "killed", [*args, "--pause", "0.3", "--mark", f"{KILL_EPOCH}:{mark}"]
    )
    while not mark.exists():
        for proc in first:
            if proc.poll() is not None:
                processes.kill_all()
                pytest.fail(
                    f"{proc.name} ended before the kill:\n{processes.tail(proc)}"
                )
        if processes.left() < 0:
            processes.kill_all()
            pytest.fail("no worker reached the kill point in time")
        time.sleep(0.05)
    killed_at = time.monotonic()
    os.kill(first[killed].pid, signal.SIGKILL)
    assert processes.wait(first[killed], timeout=30) == -signal.SIGKILL
    # The survivor's next collective has no peer. Measured: it fails on its
    # own ~10 s later (UnavailableError, "tasks are unhealthy (stopped sending
    # heartbeats)"); were it to hang, it is killed after SURVIVOR_TIMEOUT, as
    # a cluster manager would before restarting the job.
    survivor = first[1 - killed]
    try:
        survivor.wait(timeout=min(SURVIVOR_TIMEOUT, processes.left()))
        how = f"exited with {survivor.returncode}"
    except subprocess.TimeoutExpired:
        survivor.kill()
        survivor.wait(timeout=30)
        how = "hung, killed"
    print(f"survivor {how} {time.monotonic() - killed_at:.1f} s after the kill")
    assert survivor.returncode != 0, processes.tail(survivor)
    for index in range(2):
        metadata = json.loads(
            (backup / f"worker-{index}" / "training_metadata.json").read_text()
        )
        assert metadata["epoch"] == KILL_EPOCH, (index, metadata)

    # 2. Both restart (new ports) and resume from their backups.
    resumed = processes.finish(processes.start_workers("resumed", args))
    resumed = [r["workers"] for r in resumed]
    for r in resumed:
        assert r["epochs_run"] == list(range(KILL_EPOCH, EPOCHS))  # not from 0
        assert len(r["history"]["d_loss"]) == EPOCHS - KILL_EPOCH
    assert not any(backup.iterdir())  # each backup is deleted at the end of fit

    # 3. The finished run is the uninterrupted one, bit for bit: the weights
    #    (which two more epochs would pull apart had the optimizers' moments
    #    or the noise seed not been restored) and the resumed epochs' losses.
    uninterrupted = runs["workers"][0]
    for r in resumed:
        _assert_bitwise_equal(r["weights"], uninterrupted["weights"], "resumed")
        for key, values in uninterrupted["history"].items():
            assert r["history"][key] == values[KILL_EPOCH:], key
