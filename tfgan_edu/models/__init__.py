"""Models: one module per family, each a subclassed `keras.Model`."""

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
]
