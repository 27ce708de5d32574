"""Grid-of-25 mode-coverage search for WGAN-GP and the non-saturating GAN, in JAX.

An independent re-implementation of `tge.experiments.demos.mlp_gan` on the
grid, used to search issue 3's grid claim over many seeds, schedules and
network sizes on a GPU: the GPU machine lent to this project has JAX but no
TensorFlow (and cannot fetch it), so the package itself cannot run there.
It needs JAX, which is not a dependency of tfgan_edu. Its findings are in
`benchmarks/results/grid25_jax_h100.md`; `benchmarks/grid_claim.py` measures
the chosen setting with the package itself. Random streams differ from
TensorFlow's, so only distributions over seeds compare, not single seeds.

    python benchmarks/jax_grid25_search.py --groups A_wgp_g2x128_b1024,... \
        --seeds 0,1,2 --steps 30000 --out results.json

Mirrors the tfgan_edu (Keras/TF) setting:
  data   25 Gaussians at {-4,-2,0,2,4}^2, std 0.05, equal weights, fresh batch per D step
  G      z~N(0,I_16) -> Dense(h, relu)*k -> Dense(2)
  D      x -> Dense(128, leaky .2) -> Dense(128, leaky .2) -> Dense(1)
  init   Glorot-uniform kernels, zero biases (Keras defaults)
  Adam   Keras 3 form: alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v)+eps), eps 1e-7
  WGAN-GP  D: mean D(f) - mean D(r) + w * mean((sqrt(|g|^2+1e-10)-1)^2); 5 D steps / G step;
           G: -mean D(G(z))
  NS GAN   D: mean softplus(-D(r)) + mean softplus(D(f)); G: mean softplus(-D(G(z))); 1:1
  metric   2500 samples; HQ if dist to nearest centre <= 0.15; mode captured if nearest
           centre of >=1 HQ sample.
Runs of one "group" share shapes (G widths, batch, algorithm) and are vmapped over
(config x seed); each group's training is jitted in chunks of `chunk` generator steps
(lax.scan); groups are advanced round-robin so all reach the same step count.
An EMA copy of G (decay per config, default 0.999) is evaluated next to the raw G.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

import jax
import jax.numpy as jnp
import numpy as np

CENTRES = np.array(
    [(x, y) for x in (-4.0, -2.0, 0.0, 2.0, 4.0) for y in (-4.0, -2.0, 0.0, 2.0, 4.0)],
    np.float32,
)
SIGMA = 0.05
HQ_RADIUS = 3 * SIGMA
LATENT = 16
N_EVAL = 2500
GP_NORM_EPS = 1e-10
ADAM_EPS = 1e-7

# ----------------------------------------------------------------------------- configs
# schedule: ("pw", lr0, t1, lr1, t2, lr2)  piecewise constant in generator steps
#           ("cos", lr0, T, lr_end)         cosine from lr0 to lr_end over T G steps, then lr_end
REF = ("pw", 1e-3, 6000, 1e-4, 10**9, 1e-4)
DROP2 = ("pw", 1e-3, 6000, 1e-4, 10000, 1e-5)
DROP2_FAST = ("pw", 1e-3, 3000, 1e-4, 6000, 1e-5)
COS10K = ("cos", 1e-3, 10000, 1e-5)
COS30K = ("cos", 1e-3, 30000, 1e-5)
CONST4 = ("pw", 1e-4, 10**9, 1e-4, 10**9, 1e-4)

W = dict(algo="wgangp", g_hidden=(128, 128), batch=1024)
GROUPS = {
    # name: (shape dict, {config name: dict(schedule, gp, b1, b2, ema)})
    "A_wgp_g2x128_b1024": (
        W,
        {
            "ref": dict(sched=REF),
            "drop2": dict(sched=DROP2),
            "drop2_fast": dict(sched=DROP2_FAST),
            "cos10k": dict(sched=COS10K),
            "cos30k": dict(sched=COS30K),
            "const1e-4": dict(sched=CONST4),
        },
    ),
    "F_ns_g2x128_b1024": (
        dict(algo="ns", g_hidden=(128, 128), batch=1024),
        {
            "ref": dict(sched=REF, b1=0.5, b2=0.999),
            "drop2": dict(sched=DROP2, b1=0.5, b2=0.999),
            "drop2_fast": dict(sched=DROP2_FAST, b1=0.5, b2=0.999),
        },
    ),
    "B_wgp_g3x256_b1024": (
        dict(W, g_hidden=(256, 256, 256)),
        {
            "ref": dict(sched=REF),
            "drop2": dict(sched=DROP2),
            "drop2_fast": dict(sched=DROP2_FAST),
            "cos10k": dict(sched=COS10K),
        },
    ),
    "D_wgp_g2x128_b256": (
        dict(W, batch=256),
        {
            "gul_gp10": dict(sched=CONST4, gp=10.0),
            "gul_gp0.1": dict(sched=CONST4, gp=0.1),
            "gul_gp10_b1.5": dict(sched=CONST4, gp=10.0, b1=0.5),
            "gul_gp0.1_b1.5": dict(sched=CONST4, gp=0.1, b1=0.5),
            "drop2": dict(sched=DROP2),
        },
    ),
    "C_wgp_g2x256_b1024": (
        dict(W, g_hidden=(256, 256)),
        {
            "ref": dict(sched=REF),
            "drop2": dict(sched=DROP2),
            "drop2_fast": dict(sched=DROP2_FAST),
        },
    ),
    "E_wgp_g2x128_b512": (
        dict(W, batch=512),
        {"ref": dict(sched=REF), "drop2": dict(sched=DROP2)},
    ),
    # ---- second device call: more seeds for the promising settings, and a few extensions
    "A2_wgp_g2x128_b1024_more": (
        W,
        {
            "ref": dict(sched=REF, seeds=list(range(3, 11))),
            "cos30k": dict(sched=COS30K, seeds=list(range(3, 11))),
        },
    ),
    "C2_wgp_g2x256_b1024_more": (
        dict(W, g_hidden=(256, 256)),
        {
            "ref": dict(
                sched=REF, seeds=list(range(0, 11))
            ),  # 0-2 repeat call 1 (replication check)
            "cos30k": dict(sched=COS30K, seeds=list(range(0, 11))),
        },
    ),
    "B2_wgp_g3x256_b1024_more": (
        dict(W, g_hidden=(256, 256, 256)),
        {"ref": dict(sched=REF, seeds=list(range(3, 11)))},
    ),
    "F2_ns_g2x128_b1024_more": (
        dict(algo="ns", g_hidden=(128, 128), batch=1024),
        {"ref": dict(sched=REF, b1=0.5, b2=0.999, seeds=list(range(3, 11)))},
    ),
    "G2_ns_g2x256_b1024": (
        dict(algo="ns", g_hidden=(256, 256), batch=1024),
        {"ref": dict(sched=REF, b1=0.5, b2=0.999, seeds=list(range(0, 11)))},
    ),
    "D2_wgp_g2x128_b256_long": (
        dict(W, batch=256),
        {
            "gul_gp10": dict(sched=CONST4, gp=10.0),
            "gul_gp10_b1.5": dict(sched=CONST4, gp=10.0, b1=0.5),
        },
    ),
}


def hp_vector(cfg):
    s = cfg["sched"]
    if s[0] == "pw":
        kind, lr0, t1, lr1, t2, lr2 = 0.0, s[1], s[2], s[3], s[4], s[5]
    else:
        kind, lr0, t1, lr1, t2, lr2 = 1.0, s[1], s[2], s[3], 0.0, 0.0
    return dict(
        kind=kind,
        lr0=lr0,
        t1=float(t1),
        lr1=lr1,
        t2=float(t2),
        lr2=lr2,
        gp=cfg.get("gp", 10.0),
        b1=cfg.get("b1", 0.0),
        b2=cfg.get("b2", 0.9),
        ema=cfg.get("ema", 0.999),
    )


def learning_rate(hp, t):
    """lr at generator step t (0-based index of the step being taken)."""
    t = t.astype(jnp.float32)
    pw = jnp.where(
        t >= hp["t2"], hp["lr2"], jnp.where(t >= hp["t1"], hp["lr1"], hp["lr0"])
    )
    T = jnp.maximum(hp["t1"], 1.0)
    frac = jnp.minimum(t, T) / T
    cos = hp["lr1"] + 0.5 * (hp["lr0"] - hp["lr1"]) * (1.0 + jnp.cos(jnp.pi * frac))
    return jnp.where(hp["kind"] > 0.5, cos, pw)


# ----------------------------------------------------------------------------- networks
def glorot_mlp(key, sizes):
    params = []
    for k, (a, b) in zip(
        jax.random.split(key, len(sizes) - 1), zip(sizes[:-1], sizes[1:])
    ):
        lim = math.sqrt(6.0 / (a + b))
        params.append(
            (
                jax.random.uniform(k, (a, b), jnp.float32, -lim, lim),
                jnp.zeros((b,), jnp.float32),
            )
        )
    return params


def gen_apply(p, z):
    h = z
    for w, b in p[:-1]:
        h = jax.nn.relu(h @ w + b)
    w, b = p[-1]
    return h @ w + b


def disc_apply(p, x):
    h = x
    for w, b in p[:-1]:
        h = jax.nn.leaky_relu(h @ w + b, 0.2)
    w, b = p[-1]
    return (h @ w + b)[:, 0]


def adam_init(p):
    z = jax.tree_util.tree_map(jnp.zeros_like, p)
    return dict(m=z, v=z, t=jnp.zeros((), jnp.int32))


def adam_update(p, g, st, lr, b1, b2):
    t = st["t"] + 1
    tf = t.astype(jnp.float32)
    alpha = lr * jnp.sqrt(1.0 - b2**tf) / (1.0 - b1**tf)
    m = jax.tree_util.tree_map(lambda m, g: m + (g - m) * (1.0 - b1), st["m"], g)
    v = jax.tree_util.tree_map(lambda v, g: v + (g * g - v) * (1.0 - b2), st["v"], g)
    p = jax.tree_util.tree_map(
        lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + ADAM_EPS), p, m, v
    )
    return p, dict(m=m, v=v, t=t)


def sample_real(key, n):
    k1, k2 = jax.random.split(key)
    idx = jax.random.randint(k1, (n,), 0, 25)
    return jnp.asarray(CENTRES)[idx] + SIGMA * jax.random.normal(
        k2, (n, 2), jnp.float32
    )


def coverage(x):
    d = jnp.sqrt(
        jnp.sum((x[:, None, :] - jnp.asarray(CENTRES)[None]) ** 2, -1)
    )  # (n,25)
    dmin = jnp.min(d, 1)
    nearest = jnp.argmin(d, 1)
    hq = dmin <= HQ_RADIUS
    counts = jnp.zeros((25,), jnp.int32).at[nearest].add(hq.astype(jnp.int32))
    return jnp.sum(counts > 0), jnp.mean(hq.astype(jnp.float32))


# ----------------------------------------------------------------------------- one run
def init_run(seed, g_hidden):
    kg, kd, kr = jax.random.split(jax.random.PRNGKey(seed), 3)
    gp = glorot_mlp(kg, (LATENT,) + tuple(g_hidden) + (2,))
    dp = glorot_mlp(kd, (2, 128, 128, 1))
    return dict(
        g=gp,
        d=dp,
        ema=gp,
        og=adam_init(gp),
        od=adam_init(dp),
        key=kr,
        step=jnp.zeros((), jnp.int32),
    )


def make_chunk(algo, batch, chunk, n_critic):
    def wgangp_d_step(s, key, hp, lr):
        kr, kz, ke = jax.random.split(key, 3)
        real = sample_real(kr, batch)
        fake = gen_apply(s["g"], jax.random.normal(kz, (batch, LATENT)))
        e = jax.random.uniform(ke, (batch, 1))
        xh = e * real + (1.0 - e) * fake

        def loss(dp):
            g = jax.grad(lambda x: jnp.sum(disc_apply(dp, x)))(xh)
            norm = jnp.sqrt(jnp.sum(g * g, 1) + GP_NORM_EPS)
            pen = jnp.mean((norm - 1.0) ** 2)
            return (
                jnp.mean(disc_apply(dp, fake))
                - jnp.mean(disc_apply(dp, real))
                + hp["gp"] * pen
            )

        gr = jax.grad(loss)(s["d"])
        d, od = adam_update(s["d"], gr, s["od"], lr, hp["b1"], hp["b2"])
        return dict(s, d=d, od=od)

    def ns_d_step(s, key, hp, lr):
        kr, kz = jax.random.split(key)
        real = sample_real(kr, batch)
        fake = gen_apply(s["g"], jax.random.normal(kz, (batch, LATENT)))

        def loss(dp):
            return jnp.mean(jax.nn.softplus(-disc_apply(dp, real))) + jnp.mean(
                jax.nn.softplus(disc_apply(dp, fake))
            )

        gr = jax.grad(loss)(s["d"])
        d, od = adam_update(s["d"], gr, s["od"], lr, hp["b1"], hp["b2"])
        return dict(s, d=d, od=od)

    d_step = wgangp_d_step if algo == "wgangp" else ns_d_step

    def g_loss(gp, dp, z):
        f = disc_apply(dp, gen_apply(gp, z))
        return -jnp.mean(f) if algo == "wgangp" else jnp.mean(jax.nn.softplus(-f))

    def one_step(s, hp):
        lr = learning_rate(hp, s["step"])
        key, *ks = jax.random.split(s["key"], n_critic + 2)
        s = dict(s, key=key)
        for i in range(n_critic):  # unrolled
            s = d_step(s, ks[i], hp, lr)
        z = jax.random.normal(ks[-1], (batch, LATENT))
        gr = jax.grad(g_loss)(s["g"], s["d"], z)
        g, og = adam_update(s["g"], gr, s["og"], lr, hp["b1"], hp["b2"])
        dec = hp["ema"]
        ema = jax.tree_util.tree_map(
            lambda e, p: dec * e + (1.0 - dec) * p, s["ema"], g
        )
        return dict(s, g=g, og=og, ema=ema, step=s["step"] + 1)

    def run_chunk(s, hp):
        s, _ = jax.lax.scan(lambda c, _: (one_step(c, hp), None), s, None, length=chunk)
        key, ke = jax.random.split(s["key"])
        s = dict(s, key=key)
        z = jax.random.normal(ke, (N_EVAL, LATENT))
        m_raw, hq_raw = coverage(gen_apply(s["g"], z))
        m_ema, hq_ema = coverage(gen_apply(s["ema"], z))
        finite = jnp.all(jnp.isfinite(gen_apply(s["g"], z)))
        return s, jnp.stack(
            [
                m_raw.astype(jnp.float32),
                hq_raw,
                m_ema.astype(jnp.float32),
                hq_ema,
                finite.astype(jnp.float32),
            ]
        )

    return jax.jit(jax.vmap(run_chunk), donate_argnums=0)


# ----------------------------------------------------------------------------- driver
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--groups",
        default="A_wgp_g2x128_b1024,F_ns_g2x128_b1024,B_wgp_g3x256_b1024;"
        "D_wgp_g2x128_b256,C_wgp_g2x256_b1024,E_wgp_g2x128_b512",
        help="groups, ',' within a phase, ';' between phases",
    )
    ap.add_argument("--configs", default="", help="only these config names (tests)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--steps", type=int, default=30000)
    ap.add_argument("--steps-override", default="", help="group=steps,...")
    ap.add_argument("--chunk", type=int, default=1000)
    ap.add_argument(
        "--budget", type=float, default=480.0, help="wall seconds from start"
    )
    ap.add_argument("--precision", default="highest")
    ap.add_argument(
        "--out", default=os.path.join(os.environ.get("OUT", "."), "results.json")
    )
    ap.add_argument(
        "--scale", type=float, default=1.0, help="divide schedule step times (tests)"
    )
    args = ap.parse_args()
    jax.config.update("jax_default_matmul_precision", args.precision)
    seeds = [int(s) for s in args.seeds.split(",")]
    overrides = dict(kv.split("=") for kv in args.steps_override.split(",") if kv)
    t_start = time.time()
    info = dict(
        jax=jax.__version__,
        devices=[str(d) for d in jax.devices()],
        scale=args.scale,
        precision=args.precision,
        chunk=args.chunk,
        seeds=seeds,
        groups={},
    )
    print(info, flush=True)

    phases = [[g for g in ph.split(",") if g] for ph in args.groups.split(";")]
    only = set(args.configs.split(",")) if args.configs else None
    groups = []

    def build(gname):
        """State, hyperparameters and the lowered (not yet compiled) chunk function."""
        shape, cfgs = GROUPS[gname]
        names = [n for n in cfgs if only is None or n in only]
        runs, hps = [], []  # runs: (config name, seed), one per vmapped lane
        for n in names:
            hp = hp_vector(cfgs[n])
            if args.scale != 1.0:
                for k in ("t1", "t2"):
                    hp[k] = hp[k] / args.scale
            for sd in cfgs[n].get("seeds", seeds):
                runs.append((n, sd))
                hps.append(hp)
        hp = {k: jnp.asarray([h[k] for h in hps], jnp.float32) for k in hps[0]}
        state = jax.vmap(lambda s: init_run(s, shape["g_hidden"]))(
            jnp.asarray([r[1] for r in runs])
        )
        state = jax.tree_util.tree_map(
            lambda x: jnp.array(x, copy=True), state
        )  # no aliasing (donation)
        fn = make_chunk(
            shape["algo"],
            shape["batch"],
            args.chunk,
            5 if shape["algo"] == "wgangp" else 1,
        )
        steps = int(overrides.get(gname, args.steps))
        g = dict(
            name=gname,
            shape=shape,
            names=names,
            runs=runs,
            hp=hp,
            state=state,
            lowered=fn.lower(state, hp),
            steps=steps,
            done=0,
            curves=[],
            run_s=0.0,
        )
        info["groups"][gname] = dict(
            shape=dict(shape, g_hidden=list(shape["g_hidden"])),
            width=len(runs),
            configs={n: dict(cfgs[n], sched=list(cfgs[n]["sched"])) for n in names},
            steps_planned=steps,
        )
        return g

    def compile_group(g):
        t0 = time.time()
        g["fn"] = g["lowered"].compile()
        g["compile_s"] = time.time() - t0
        info["groups"][g["name"]]["compile_s"] = round(g["compile_s"], 2)
        print(
            f"[{time.time() - t_start:6.1f}s] compiled {g['name']} width {len(g['runs'])} "
            f"in {g['compile_s']:.1f}s",
            flush=True,
        )

    def build_phase(phase):
        pg = [build(n) for n in phase]
        t0 = time.time()
        try:  # XLA compiles outside the GIL: compile the phase's groups concurrently
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(pg)) as ex:
                list(ex.map(compile_group, pg))
        except Exception as e:  # noqa: BLE001
            print(
                f"threaded compile failed ({e!r}); compiling sequentially", flush=True
            )
            for g in pg:
                if "fn" not in g:
                    compile_group(g)
        print(
            f"[{time.time() - t_start:6.1f}s] phase compiled in {time.time() - t0:.1f}s",
            flush=True,
        )
        groups.extend(pg)
        return pg

    def dump():
        res = dict(info, elapsed_s=round(time.time() - t_start, 1), results={})
        for g in groups:
            out = {}
            for r, (n, sd) in enumerate(g["runs"]):
                out.setdefault(n, {})[str(sd)] = [
                    dict(
                        step=(k + 1) * args.chunk,
                        modes=int(a[r, 0]),
                        hq=round(float(a[r, 1]), 4),
                        ema_modes=int(a[r, 2]),
                        ema_hq=round(float(a[r, 3]), 4),
                        finite=bool(a[r, 4]),
                    )
                    for k, a in enumerate(g["curves"])
                ]
            res["results"][g["name"]] = out
            res["groups"][g["name"]].update(
                steps_done=g["done"],
                run_s=round(g["run_s"], 2),
                s_per_1000=round(1000 * g["run_s"] / max(g["done"], 1), 3),
            )
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(res, f, indent=1)
        os.replace(tmp, args.out)

    def summary(g):
        last = g["curves"][-1]
        parts = []
        for n in g["names"]:
            idx = [r for r, run in enumerate(g["runs"]) if run[0] == n]
            parts.append(f"{np.mean(last[idx, 0]):.1f}/{np.mean(last[idx, 1]):.2f}")
        return f"{g['name'][:2]}:{g['done']} " + " ".join(parts)

    # Phases run one after another; inside a phase, round-robin: each round advances every
    # unfinished group by one chunk (timed per group). Stops when the budget would be exceeded.
    stopped = False
    for phase in phases:
        if stopped:
            break
        if phase and time.time() - t_start > args.budget * 0.8:
            print(f"skipping phase {phase}: budget", flush=True)
            break
        pgroups = build_phase(phase)
        while True:
            active = [g for g in pgroups if g["done"] < g["steps"]]
            if not active:
                break
            est = sum(
                1.1 * g["run_s"] / max(g["done"] // args.chunk, 1) for g in active
            )
            if time.time() - t_start + est > args.budget:
                print(f"budget stop in phase {phase}", flush=True)
                stopped = True
                break
            for g in active:
                t0 = time.time()
                g["state"], met = g["fn"](g["state"], g["hp"])
                met = np.asarray(met)  # blocks: per-group timing
                g["run_s"] += time.time() - t0
                g["done"] += args.chunk
                g["curves"].append(met)
            msg = " | ".join(summary(g) for g in active)
            print(f"[{time.time() - t_start:6.1f}s] {msg}", flush=True)
            dump()
    dump()
    for g in groups:
        print(
            f"{g['name']}: {g['done']} steps, {1000 * g['run_s'] / max(g['done'], 1):.2f} s/1000 G steps"
            f" (width {len(g['runs'])}), compile {g['compile_s']:.1f}s",
            flush=True,
        )
    print(f"total {time.time() - t_start:.1f}s", flush=True)


if __name__ == "__main__":
    main()
