"""Models: one module per family, each a subclassed `keras.Model`."""

from tfgan_edu.models.gan import GAN

__all__ = ["GAN"]
