"""Image sets: arrays or class folders in, images of the same shape and dtype out.

One module per stage of an image fit (see :mod:`ganaug.images.model`, which runs them
in order):

- :mod:`~ganaug.images.encoder`: working size, arrays <-> GAN space, warping;
- :mod:`~ganaug.images.judge`: the label check's CNN;
- :mod:`~ganaug.images.training`: training the image GAN;
- :mod:`~ganaug.images.pixel_map`: the real images' distribution of pixel values;
- :mod:`~ganaug.images.warp`: warps of real images, the way a fitted model draws.

Beside them, :mod:`~ganaug.images.folders` reads and writes class folders of image
files, and :mod:`~ganaug.images.quality` scores generated images (FID, KID,
precision/recall). The names below are importable from ``ganaug.images`` itself.
Importing this package imports no deep-learning framework.
"""

from ganaug.images.encoder import (
    ImageEncoder,
    choose_working_shape,
    is_image_array,
    resize_images,
    roundtrip_error,
)
from ganaug.images.folders import IMAGE_SUFFIXES, image_grid, parse_size, read_image_folder, write_images
from ganaug.images.judge import ImageJudge, check_labels
from ganaug.images.model import ImageModel
from ganaug.images.pixel_map import PixelMap
from ganaug.images.quality import (
    FeatureExtractor,
    frechet_distance,
    image_quality,
    kernel_distance,
    precision_recall,
)

__all__ = [
    "IMAGE_SUFFIXES",
    "FeatureExtractor",
    "ImageEncoder",
    "ImageJudge",
    "ImageModel",
    "PixelMap",
    "check_labels",
    "choose_working_shape",
    "frechet_distance",
    "image_grid",
    "image_quality",
    "is_image_array",
    "kernel_distance",
    "parse_size",
    "precision_recall",
    "read_image_folder",
    "resize_images",
    "roundtrip_error",
    "write_images",
]


def __getattr__(name):
    # The image GAN's settings and builder live with the networks (ganaug.nn.image_nets),
    # which import Keras: reached through here only when asked for.
    if name in ("IMAGE_GAN", "augment_options", "build_image_gan"):
        from ganaug.nn import image_nets

        return getattr(image_nets, name)
    raise AttributeError(f"module 'ganaug.images' has no attribute {name!r}")
