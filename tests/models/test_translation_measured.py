"""Measured on held-out digits: Pix2Pix beats the simple baselines (bicubic
up-sampling, the noisy input) in PSNR and SSIM, and CycleGAN's translations are
recognized as the target domain. Small budgets: 32x32 images, a 91k-parameter
U-Net, a few epochs. Run with `-s` to see the numbers."""

import keras
import pytest

import tfgan_edu as tge

pytestmark = pytest.mark.slow


def small_pix2pix():
    return tge.Pix2Pix(
        tge.networks.unet_generator((32, 32, 1), base_filters=16, depth=3, dropout=0.0),
        tge.networks.patchgan_discriminator(
            (32, 32, 1), condition_shape=(32, 32, 1), base_filters=16, n_layers=2
        ),
        l1_weight=100,
    )


def small_cyclegan(seed):
    """The compiled CycleGAN of the thin -> thick digits test."""

    def generator():
        return tge.networks.unet_generator(
            (32, 32, 1), base_filters=16, depth=3, dropout=0.0, normalization="instance"
        )

    def discriminator():
        return tge.networks.patchgan_discriminator(
            (32, 32, 1), base_filters=16, n_layers=2, normalization="instance"
        )

    # No identity loss: for thin -> thick strokes the identity map is almost
    # right, and with it the generators stay there (measured: 7% of A -> B
    # translations recognized as B after 4 epochs with identity_weight=5).
    model = tge.CycleGAN(
        generator(), generator(), discriminator(), discriminator(),
        cycle_weight=10, identity_weight=0, seed=seed,
    )  # fmt: skip
    model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=False)
    return model


def adam():
    # 5x the paper's 2e-4: these runs are a few hundred steps long.
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


@pytest.mark.parametrize(
    "task, options, epochs, psnr_gain, ssim_gain",
    [
        # Gains over bicubic (28.56 dB, SSIM 0.948), seeds 0-9
        # (`benchmarks/measured_margins.py --only pix2pix_super_resolution`,
        # results/measured_margins.json, 2026-12-05, AMD EPYC): PSNR +4.56
        # to +6.18 dB, SSIM +0.0135 to +0.0342 (seed 0: +5.74 dB, +0.026).
        # The SSIM bar was 0.02, which seed 1 misses: it is 0.005.
        ("super_resolution", {"factor": 4}, 3, 3.0, 0.005),
        # Gains over the noisy input (15.66 dB, SSIM 0.533), seeds 0-4: PSNR
        # +11.77 to +12.06 dB, SSIM +0.406 to +0.414.
        ("denoise", {}, 2, 8.0, 0.3),
    ],
)
def test_pix2pix_beats_the_baseline(task, options, epochs, psnr_gain, ssim_gain):
    keras.utils.set_random_seed(0)
    train = tge.data.paired("digits", task, batch_size=32, seed=0, **options)
    test = tge.data.paired(
        "digits", task, batch_size=180, split="test", shuffle=False, **options
    )
    model = small_pix2pix()
    model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=False)
    model.fit(train, epochs=epochs, verbose=0)

    ours = tge.metrics.paired_image_quality(test, model)
    baseline = tge.metrics.paired_image_quality(test)
    print(
        f"\n{task} {options}: pix2pix PSNR {ours['psnr']:.2f} dB, SSIM "
        f"{ours['ssim']:.4f}; baseline PSNR {baseline['psnr']:.2f} dB, SSIM "
        f"{baseline['ssim']:.4f} ({ours['count']} held-out images)"
    )
    assert ours["psnr"] > baseline["psnr"] + psnr_gain
    assert ours["ssim"] > baseline["ssim"] + ssim_gain


def test_cyclegan_translations_land_in_the_target_domain():
    task = "thicken"
    train_a, train_b = tge.data.unpaired_arrays("digits", task, split="train")
    test_a, test_b = tge.data.unpaired_arrays("digits", task, split="test")
    judge = tge.metrics.train_domain_classifier(train_a, train_b, seed=0)
    real = (
        tge.metrics.domain_accuracy(judge, test_a, "a"),
        tge.metrics.domain_accuracy(judge, test_b, "b"),
    )
    assert min(real) >= 0.95, f"the domain classifier itself is unreliable: {real}"

    keras.utils.set_random_seed(0)
    model = small_cyclegan(seed=0)
    model.fit(
        tge.data.unpaired("digits", task, batch_size=32, seed=0), epochs=3, verbose=0
    )

    to_b = tge.metrics.domain_accuracy(judge, model.translate(test_a, "a_to_b"), "b")
    to_a = tge.metrics.domain_accuracy(judge, model.translate(test_b, "b_to_a"), "a")
    cycle_a = tge.metrics.cycle_error(model.g_ab, model.g_ba, test_a)
    cycle_b = tge.metrics.cycle_error(model.g_ba, model.g_ab, test_b)
    print(
        f"\ncyclegan {task}: classifier on real A/B {real[0]:.3f}/{real[1]:.3f}; "
        f"A->B recognized as B {to_b:.3f}, B->A as A {to_a:.3f}; cycle error "
        f"(mean |F(G(x)) - x|, [0, 1] units) A {cycle_a:.4f}, B {cycle_b:.4f}"
    )
    # Seeds 0-9 (`benchmarks/measured_margins.py --only cyclegan_thicken`,
    # results/measured_margins.json, 2026-12-05, AMD EPYC): real digits of
    # both domains recognized 0.994 to 1.0; A->B recognized as B 0.789 to
    # 1.0 (seed 7 lowest, the others >= 0.96), B->A as A 0.817 to 1.0; cycle
    # errors 0.038 to 0.061 (seed 8 highest, the others <= 0.057). The bars
    # were 0.8 and 0.06, which seeds 7 and 8 break; they are 0.7 and 0.075.
    # An identity map, the failure this guards against, would score at most
    # 0.006: the classifier takes real digits for the other domain that
    # rarely.
    assert to_b >= 0.7 and to_a >= 0.7
    assert cycle_a < 0.075 and cycle_b < 0.075
