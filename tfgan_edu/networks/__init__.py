"""Architecture builders: functional `keras.Model`s for generators and critics.

Every builder returns a built, named functional model with an `Input` layer.
Discriminators return raw logits of shape `(batch, 1)` (no sigmoid); VAE
encoders return `(batch, 2 * latent_dim)`: posterior means, then
log-variances.
"""

from tfgan_edu.networks.classifier import feature_model, image_classifier
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
from tfgan_edu.networks.fused_batch_norm import FusedBatchNormalization
from tfgan_edu.networks.mlp import mlp_discriminator, mlp_generator
from tfgan_edu.networks.pacgan import (
    PackedDiscriminator,
    pack_samples,
    packed_mlp_discriminator,
)
from tfgan_edu.networks.patchgan import (
    patchgan_discriminator,
    patchgan_receptive_field,
)
from tfgan_edu.networks.unet import unet_generator
from tfgan_edu.networks.vae import (
    conv_decoder,
    conv_encoder,
    mlp_decoder,
    mlp_encoder,
)

__all__ = [
    "FusedBatchNormalization",
    "PackedDiscriminator",
    "SUPPORTED_IMAGE_SHAPES",
    "acgan_discriminator",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "conv_decoder",
    "conv_encoder",
    "dcgan_discriminator",
    "dcgan_generator",
    "feature_model",
    "image_classifier",
    "mlp_decoder",
    "mlp_discriminator",
    "mlp_encoder",
    "mlp_generator",
    "pack_samples",
    "packed_mlp_discriminator",
    "patchgan_discriminator",
    "patchgan_receptive_field",
    "unet_generator",
]
