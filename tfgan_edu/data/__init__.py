"""Data for GANs: 2-D toy distributions, embedded digits, downloads, your files.

Everything comes out as a shuffled, batched `tf.data.Dataset` ready for
`model.fit`, with images as float32 in [-1, 1]. `OFFLINE_DATASETS` lists the
names that never need a network. The order of each epoch is a function of
`(seed, epoch)`: with `pipeline.FollowEpochs()` among `fit`'s callbacks, a
run resumed by `keras.callbacks.BackupAndRestore` in a new process trains
on the same batches as one that was never interrupted (see
`tfgan_edu.data.pipeline`).

Example:

>>> import tfgan_edu as tge
>>> ds = tge.data.load("grid", batch_size=128, seed=0)
>>> next(iter(ds)).shape
TensorShape([128, 2])
>>> tge.data.OFFLINE_DATASETS
('ring', 'grid', 'spiral', 'mnist_5k', 'digits')
"""

from tfgan_edu.data import photos, pipeline, toy2d
from tfgan_edu.data.image_pairs import (
    color_digits,
    degrade,
    paired,
    unpaired,
    unpaired_arrays,
)
from tfgan_edu.data.images import (
    NAMES,
    OFFLINE_DATASETS,
    DatasetUnavailableError,
    from_directory,
    from_numpy,
    load,
)
from tfgan_edu.data.pipeline import make_dataset

__all__ = [
    "NAMES",
    "OFFLINE_DATASETS",
    "DatasetUnavailableError",
    "color_digits",
    "degrade",
    "from_directory",
    "from_numpy",
    "load",
    "make_dataset",
    "paired",
    "photos",
    "pipeline",
    "toy2d",
    "unpaired",
    "unpaired_arrays",
]
