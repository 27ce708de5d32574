"""Open-ended projects, one per chapter, with a rubric and a starter notebook.

Each `Project` holds a brief, a rubric (criteria with points, 20 in all)
and the setup code of its starter notebook (imports and data, which run in
seconds, also in smoke mode: `TFGAN_EDU_SMOKE=1`). `write_projects(folder)`
writes `NN_slug.md` (brief and rubric, for the instructor guide) and
`NN_slug_project.ipynb` (the starter notebook) for every project; the
stored copies live in `docs/exercises/projects/` and `notebooks/projects/`,
and a test checks they are up to date. Projects are graded by hand with
the rubric, not by `check`. Each starter notebook opens with an "Open in
Colab" badge and a setup cell that installs the package where it is
missing (`tfgan_edu._docs.colab.add_colab`, pointed at `REPO_FOLDER`).

Example:

>>> [p.chapter for p in PROJECTS]
[0, 1, 2, 3, 4, 5, 6, 7]
>>> sum(points for _, points in PROJECTS[3].rubric)
20
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tfgan_edu.exercises._registry import CHAPTERS
from tfgan_edu.exercises.notebook import new_notebook

REPO_FOLDER = "notebooks/projects"
"""Where the starter notebooks live in the repository (their Colab badges'
target)."""

SETUP = """\
import keras
import numpy as np
import tensorflow as tf

import tfgan_edu as tge

SMOKE = tge.experiments.smoke_mode()  # TFGAN_EDU_SMOKE=1: tiny runs (for CI)
SEEDS = [0] if SMOKE else [0, 1, 2]
print(f"tfgan_edu {tge.__version__}, smoke mode: {SMOKE}, seeds: {SEEDS}")"""


@dataclasses.dataclass(frozen=True)
class Project:
    """An open-ended project.

    Args:
        chapter: the chapter it belongs to.
        slug: the file name's stem.
        title: the title.
        brief: the task in Markdown: what to build, measure and write.
        rubric: `(criterion, points)` pairs; the points add up to 20.
        setup: the code of the starter notebook's data cell (after `SETUP`).
    """

    chapter: int
    slug: str
    title: str
    brief: str
    rubric: tuple[tuple[str, int], ...]
    setup: str

    def rubric_markdown(self) -> str:
        """The rubric as a Markdown table with a total row."""
        rows = ["| criterion | points |", "|---|---|"]
        rows += [f"| {criterion} | {points} |" for criterion, points in self.rubric]
        rows.append(f"| **total** | **{sum(p for _, p in self.rubric)}** |")
        return "\n".join(rows)

    def markdown(self) -> str:
        """The project's page: title, brief and rubric."""
        return (
            f"# Project {self.chapter}: {self.title}\n\n"
            f"Chapter {self.chapter}, {CHAPTERS[self.chapter][0]}. Starter notebook: "
            f"`notebooks/projects/{self.filename('ipynb')}`.\n\n"
            f"{self.brief.strip()}\n\n## Rubric\n\n{self.rubric_markdown()}\n"
        )

    def filename(self, suffix: str) -> str:
        """`NN_slug.md` or `NN_slug_project.ipynb`."""
        stem = f"{self.chapter:02d}_{self.slug}"
        return f"{stem}.md" if suffix == "md" else f"{stem}_project.ipynb"


_COMMON = (
    (
        "Code runs top to bottom from a fresh kernel; seeds fixed; cells short "
        "(library calls, not pasted classes)",
        3,
    ),
)
_WRITING = (
    (
        "Analysis of about 300 words: claims backed by the numbers and figures, "
        "spread over seeds discussed, limitations named",
        5,
    ),
)

PROJECTS = (
    Project(
        0,
        "token_gan_temperature",
        "The toy text GAN: temperature, estimator and mode coverage",
        """
Train chapter 0's toy text GAN (`tge.experiments.discrete_tokens.train_token_gan`: sentences
of 4 tokens over 5, of which 5 are valid) through the straight-through and the soft
Gumbel-softmax at 3 temperatures (for example 0.3, 1 and 3), 3 seeds each, same steps. Report
the valid fraction over the steps and at the end, and how many of the 5 valid sentences the
generator writes (`TokenGANResult.distinct_valid()`: mode coverage). Measure the spread of the
generator's gradients over noise draws at each temperature
(`discrete_tokens.generator_gradients` with different `seed`s). Then try a temperature
schedule of your own, annealed from high to low (`train_token_gan` takes one temperature:
write the loop from `token_generator`, `token_discriminator`, `sample_tokens` and
`tge.losses`), and say whether it beats the best fixed temperature. Explain, with the numbers, the trade-off the temperature controls.
""",
        (
            ("Both estimators at 3 temperatures, 3 seeds each, identical setups", 4),
            ("Valid fraction over steps plotted, final values with mean and spread", 3),
            ("Mode coverage (distinct valid sentences of 5) reported per run", 3),
            ("Gradient spread over noise draws measured per temperature", 2),
            *_COMMON,
            *_WRITING,
        ),
        "from tfgan_edu.experiments import discrete_tokens\n\n"
        'print("the valid sentences:", discrete_tokens.valid_sequences().tolist())\n'
        'run = discrete_tokens.train_token_gan("straight_through", steps=20, eval_every=10)\n'
        'print("valid fraction after 20 steps:", run.valid_fraction[-1])',
    ),
    Project(
        1,
        "saturation",
        "Saturating or non-saturating? The generator's loss on the ring",
        """
Train the same MLP GAN on the ring of 8 Gaussians (`tge.data.load("ring", ...)`) with the
`minimax` (saturating) and the `non_saturating` generator loss, 3 seeds each, same
networks, optimizers and steps. Measure the generator's gradient norm in the first 200
steps (`tge.diagnostics`), the modes captured and the high-quality fraction
(`tge.metrics.mode_coverage`) at the end. Plot both losses' gradient norms over steps and
the final samples. Explain, with the numbers, when the saturating loss fails and why.
""",
        (
            ("Both losses trained on identical setups, 3 seeds each", 4),
            ("Gradient norms of G measured early in training and plotted", 4),
            (
                "Mode coverage and high-quality fraction reported per seed with mean and spread",
                4,
            ),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("ring", batch_size=256, seed=0)\n'
        "batch = next(iter(ds))\n"
        'print("a batch of the ring:", batch.shape)',
    ),
    Project(
        2,
        "dcgan_mnist",
        "A DCGAN on real MNIST digits",
        """
Train `tge.networks.dcgan_generator` / `dcgan_discriminator` on `mnist_5k` (32x32) and
study one architectural choice of Radford et al. (2016): batch norm in the generator,
the discriminator's LeakyReLU slope, or transposed convolutions against upsampling plus
convolution. Compare the baseline with the variant over 3 seeds with FID in the MNIST
classifier's features (`tge.metrics.fid(..., extractor="mnist")`) against the test
split, and show sample grids and latent walks (use your `slerp`). Check your
`transposed_conv_output_size` against the generator's layer shapes.
""",
        (
            ("Baseline DCGAN trained, sample grid and loss curves shown", 4),
            ("One architectural variant isolated (everything else equal)", 3),
            (
                "FID against the test split, 3 seeds, mean and spread, real-vs-real floor",
                5,
            ),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("mnist_5k", batch_size=64, split="train", image_size=32)\n'
        "images = next(iter(ds))\n"
        'print("a batch of digits:", images.shape, float(images.numpy().min()), '
        "float(images.numpy().max()))",
    ),
    Project(
        3,
        "conditional_mnist",
        "A conditional GAN on MNIST: concatenation, projection or AC-GAN",
        """
Train a class-conditional GAN on `mnist_5k` with labels (`with_labels=True`): compare two
of the conditioning schemes of chapter 3 (label concatenation, the projection
discriminator, AC-GAN's auxiliary classifier). For each, over 3 seeds: FID and KID
(`tge.metrics.fid`, `tge.metrics.kid`, MNIST features) against the test split, and how
often the MNIST classifier recognises the requested class in generated digits (per
class). Show a 10 x 10 grid, one row per class. Write a 300-word analysis.
""",
        (
            ("Two conditioning schemes trained on the same data and budget", 4),
            ("FID and KID over 3 seeds with mean and spread", 4),
            (
                "Class accuracy of generated digits per class, by the MNIST classifier",
                4,
            ),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("mnist_5k", batch_size=64, split="train", with_labels=True)\n'
        "images, labels = next(iter(ds))\n"
        'print("images", images.shape, "labels", labels.shape, "classes", '
        "sorted(set(labels.numpy().tolist())))",
    ),
    Project(
        4,
        "metric_validation",
        "Do the metrics agree? Validating FID, KID and precision/recall",
        """
Build controlled degradations of the real test digits of `mnist_5k` (Gaussian noise of
growing scale, blur, dropping classes, duplicating a few images) and measure FID, KID
and precision/recall (`tge.metrics`) against the train split. Does each metric rank the
degradations as you expect? Which one sees mode dropping, which one sees noise? How
many samples does FID need before its bias is smaller than the effects you measure?
Report means and spreads over 3 resamplings.
""",
        (
            ("At least 3 degradation families at 3 strengths each", 4),
            ("FID, KID and precision/recall measured on each, 3 resamplings", 4),
            ("Sample-size study of FID's bias", 4),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("mnist_5k", batch_size=250, split="test", shuffle=False)\n'
        "real_test = np.concatenate([b.numpy() for b in ds])\n"
        'print("real test digits:", real_test.shape)',
    ),
    Project(
        5,
        "vae_vs_gan",
        "VAE against GAN on the same digits",
        """
Train `tge.VAE` and a DCGAN of the same size on `mnist_5k`. Compare sharpness and
diversity: FID against the test split, precision/recall, and reconstructions against
samples. Vary the VAE's KL weight (beta) over 3 values. Explain the blur of VAE samples
with your `gaussian_kl` and the reconstruction term.
""",
        (
            ("VAE and GAN of comparable capacity trained on the same data", 4),
            ("FID and precision/recall for both, 3 seeds", 4),
            ("Beta sweep with reconstructions and samples shown", 4),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("mnist_5k", batch_size=64, split="train")\n'
        "images = next(iter(ds))\n"
        'print("a batch of digits:", images.shape)',
    ),
    Project(
        6,
        "stabilizing_grid",
        "Stabilizing a GAN on the grid of 25 Gaussians",
        """
On the grid of 25 Gaussians (`tge.data.load("grid", ...)`), compare the plain GAN with at
least two stabilizers from chapter 6 (WGAN-GP with your `gradient_penalty`, R1, spectral
normalization). Over 3 seeds: modes captured and high-quality fraction over training
steps, the critic's gradient norms, and wall-clock time per step. Which stabilizer buys
coverage, at what cost?
""",
        (
            ("Plain GAN and 2 stabilizers with the same networks and budget", 4),
            ("Mode coverage over training, 3 seeds, mean and spread", 4),
            ("Gradient norms and time per step measured", 4),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.load("grid", batch_size=512, seed=0)\n'
        "batch = next(iter(ds))\n"
        'print("a batch of the grid:", batch.shape, "modes:", '
        'len(tge.data.toy2d.modes("grid")))',
    ),
    Project(
        7,
        "photo_restoration",
        "pix2pix for photo restoration: is the adversarial term worth it?",
        """
Train `tge.Pix2Pix` on a restoration task built from real photographs
(`tge.data.paired("photos", task=..., ...)`: super-resolution, denoising or
inpainting) with the L1 weight at 3 values, and an L1-only baseline (no discriminator).
Measure PSNR and SSIM on the held-out photos (`tge.metrics.psnr`, `ssim`) and show the
same crops side by side. The adversarial term lowers PSNR: does it buy visible detail?
""",
        (
            ("pix2pix at 3 L1 weights and an L1-only baseline", 4),
            ("PSNR and SSIM on held-out photos, 3 seeds", 4),
            ("Side-by-side crops of the same test patches", 4),
            *_COMMON,
            *_WRITING,
        ),
        'ds = tge.data.paired("photos", task="super_resolution", batch_size=16, seed=0)\n'
        "degraded, clean = next(iter(ds))\n"
        'print("degraded", degraded.shape, "clean", clean.shape)',
    ),
)
"""One project per chapter."""


def make_project_notebook(project: Project):
    """The starter notebook of a project (without outputs).

    Args:
        project: the project.

    Returns:
        An `nbformat` notebook node: title (with the "Open in Colab"
        badge), brief and rubric, the Colab setup cell
        (`tfgan_edu._docs.colab`), the setup cells (metadata
        `{"tfgan_edu": {"setup": true}}`), then headed sections for the
        student's experiments and analysis.

    Example:

    >>> nb = make_project_notebook(PROJECTS[0])
    >>> sum(c.metadata.get("tfgan_edu", {}).get("setup", False) for c in nb.cells)
    2
    """
    import nbformat

    from tfgan_edu._docs.colab import add_colab

    v4 = nbformat.v4
    setup = {"tfgan_edu": {"setup": True}}
    cells = [
        v4.new_markdown_cell(project.markdown()),
        v4.new_code_cell(SETUP, metadata=setup),
        v4.new_code_cell(project.setup, metadata=setup),
        v4.new_markdown_cell(
            "## Experiments\n\nTrain, measure and plot here. Keep cells short: "
            "call the library, fix seeds (`SEEDS`), and keep runs small enough for a "
            "laptop CPU."
        ),
        v4.new_code_cell("# your experiments"),
        v4.new_markdown_cell(
            "## Results\n\nA table of every measured number (mean and spread over seeds)."
        ),
        v4.new_code_cell("# your table"),
        v4.new_markdown_cell("## Analysis (about 300 words)\n\n*Write here.*"),
    ]
    nb = new_notebook(
        cells, f"project{project.chapter:02d}", {"project": project.chapter}
    )
    return add_colab(nb, f"{REPO_FOLDER}/{project.filename('ipynb')}")


def write_projects(docs_folder, notebooks_folder) -> list[Path]:
    """Writes every project's page and starter notebook.

    Args:
        docs_folder: where `NN_slug.md` go (e.g. `docs/exercises/projects`).
        notebooks_folder: where the notebooks go (e.g. `notebooks/projects`).

    Returns:
        The paths written.
    """
    import nbformat

    docs_folder, notebooks_folder = Path(docs_folder), Path(notebooks_folder)
    docs_folder.mkdir(parents=True, exist_ok=True)
    notebooks_folder.mkdir(parents=True, exist_ok=True)
    written = []
    for project in PROJECTS:
        page = docs_folder / project.filename("md")
        page.write_text(project.markdown(), encoding="utf-8")
        notebook = notebooks_folder / project.filename("ipynb")
        nbformat.write(make_project_notebook(project), notebook)
        written += [page, notebook]
    return written


if __name__ == "__main__":  # python -m tfgan_edu.exercises.projects
    for path in write_projects("docs/exercises/projects", "notebooks/projects"):
        print(path)
