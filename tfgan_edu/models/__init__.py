"""Models: one module per family, each a subclassed `keras.Model`."""

from tfgan_edu.models.conditional_gan import ACGAN, ConditionalGAN
from tfgan_edu.models.gan import GAN
from tfgan_edu.models.vae import VAE, VAEGAN

__all__ = ["ACGAN", "GAN", "VAE", "VAEGAN", "ConditionalGAN"]
