"""Architecture builders: functional `keras.Model`s for generators and critics.

Every builder returns a built, named functional model with an `Input` layer.
Discriminators return raw logits of shape `(batch, 1)` (no sigmoid).
"""

from tfgan_edu.networks.conditional import (
    acgan_discriminator,
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
)
from tfgan_edu.networks.dcgan import (
    SUPPORTED_IMAGE_SHAPES,
    dcgan_discriminator,
    dcgan_generator,
)
from tfgan_edu.networks.mlp import mlp_discriminator, mlp_generator
from tfgan_edu.networks.pacgan import (
    PackedDiscriminator,
    pack_samples,
    packed_mlp_discriminator,
)

__all__ = [
    "PackedDiscriminator",
    "SUPPORTED_IMAGE_SHAPES",
    "acgan_discriminator",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "pack_samples",
    "packed_mlp_discriminator",
]
