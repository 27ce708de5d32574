"""The benchmark's networks written again as PyTorch modules (NCHW).

Layer for layer the same as `tfgan_edu.networks`: the same widths, kernel
sizes, strides and paddings (Keras' `"same"` padding of a stride-2, kernel-4
convolution is PyTorch's `padding=1`, both ways), the same bias usage, batch
normalization with Keras' epsilon (1e-3) and momentum (PyTorch's
`momentum = 1 - 0.9`), the same activations and the same N(0, 0.02) kernel
initializer of DCGAN. So `sum(p.numel() for p in net.parameters())` equals the
Keras network's trainable parameter count, and adding the batch-norm running
statistics gives its `count_params()` (`tests/test_benchmark_throughput.py`).

Imports torch at import time: `benchmarks/throughput.py` imports this module
only when it runs a PyTorch row.
"""

from __future__ import annotations

import torch
from torch import nn

# `tfgan_edu.networks._layers`: Keras' BatchNormalization defaults.
BN_EPS = 1e-3
BN_MOMENTUM = 1 - 0.9
BASE_SIZE = {28: 7, 32: 4, 64: 4}


def _init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def _bn(channels):
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


def _n_steps(image_shape):
    """`(s, n)`: n stride-2 layers link an s x s map to `image_shape`."""
    size = BASE_SIZE[image_shape[0]]
    return size, (image_shape[0] // size).bit_length() - 1


class DCGANGenerator(nn.Module):
    """`tge.networks.dcgan_generator`: `(B, latent)` to `(B, C, H, W)` in [-1, 1]."""

    def __init__(self, latent_dim, image_shape=(32, 32, 1), base_filters=64):
        super().__init__()
        size, n_up = _n_steps(image_shape)
        filters = base_filters * 2 ** (n_up - 1)
        self.map_shape = (filters, size, size)
        # (B, latent) -> (B, f, s, s): Dense without bias, BN, ReLU.
        self.project = nn.Linear(latent_dim, size * size * filters, bias=False)
        self.project_bn = _bn(filters)
        layers = []
        for _ in range(1, n_up):
            # (B, f, s, s) -> (B, f / 2, 2s, 2s)
            layers += [
                nn.ConvTranspose2d(filters, filters // 2, 4, 2, 1, bias=False),
                _bn(filters // 2),
                nn.ReLU(),
            ]
            filters //= 2
        # (B, base_filters, H / 2, W / 2) -> (B, C, H, W), with bias and tanh.
        layers += [nn.ConvTranspose2d(filters, image_shape[-1], 4, 2, 1), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        self.apply(_init)

    def forward(self, z):
        x = self.project(z).view(-1, *self.map_shape)
        return self.body(torch.relu(self.project_bn(x)))


class DCGANDiscriminator(nn.Module):
    """`tge.networks.dcgan_discriminator` (batch norm): `(B, C, H, W)` to `(B, 1)` logits."""

    def __init__(self, image_shape=(32, 32, 1), base_filters=64):
        super().__init__()
        size, n_down = _n_steps(image_shape)
        channels, filters, layers = image_shape[-1], base_filters, []
        for i in range(1, n_down + 1):
            normalize = i > 1
            # (B, c, h, w) -> (B, filters, h / 2, w / 2); bias only unnormalized.
            layers.append(nn.Conv2d(channels, filters, 4, 2, 1, bias=not normalize))
            if normalize:
                layers.append(_bn(filters))
            layers.append(nn.LeakyReLU(0.2))
            channels, filters = filters, filters * 2
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.logit = nn.Linear(channels * size * size, 1)
        self.apply(_init)

    def forward(self, images):
        return self.logit(self.features(images))


def _mlp(sizes, activation, last_activation=None):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(activation())
    if last_activation is not None:
        layers.append(last_activation())
    return nn.Sequential(*layers)


def mlp_generator(latent_dim, output_dim=2, hidden_units=(128, 128)):
    """`tge.networks.mlp_generator` for vectors: ReLU hidden layers, linear out."""
    return _mlp((latent_dim, *hidden_units, output_dim), nn.ReLU)


def mlp_discriminator(input_dim=2, hidden_units=(128, 128)):
    """`tge.networks.mlp_discriminator`: LeakyReLU(0.2) hidden layers, one logit."""
    return _mlp((input_dim, *hidden_units, 1), lambda: nn.LeakyReLU(0.2))


def parameter_counts(module):
    """`(trainable, all)`: parameters, and parameters plus BN running statistics.

    `all` counts what Keras' `count_params()` counts (the moving mean and
    variance are non-trainable weights there), not `num_batches_tracked`.
    """
    trainable = sum(p.numel() for p in module.parameters())
    stats = sum(
        b.numel()
        for name, b in module.named_buffers()
        if name.endswith(("running_mean", "running_var"))
    )
    return trainable, trainable + stats
