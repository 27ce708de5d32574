"""Models: one module per family, each a subclassed `keras.Model`.

`load(path)` is `keras.models.load_model` with a clear error for a file
that is not a valid `.keras` archive (truncated, or another format).
"""

from tfgan_edu.models._base import load
from tfgan_edu.models.conditional_gan import ACGAN, ConditionalGAN
from tfgan_edu.models.cyclegan import CycleGAN, ImagePool
from tfgan_edu.models.gan import GAN
from tfgan_edu.models.pix2pix import Pix2Pix
from tfgan_edu.models.vae import VAE, VAEGAN

__all__ = [
    "ACGAN",
    "GAN",
    "VAE",
    "VAEGAN",
    "ConditionalGAN",
    "CycleGAN",
    "ImagePool",
    "Pix2Pix",
    "load",
]
