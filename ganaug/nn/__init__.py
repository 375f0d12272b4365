"""The GAN core, shared by tables and images: Keras only, no rows, no images.

- :mod:`ganaug.nn.gan`: :class:`~ganaug.nn.gan.ConditionalGAN`, the Keras model with
  its ``train_step`` (losses, simultaneous and alternating updates, DiffAugment, EMA);
- :mod:`ganaug.nn.training`: class-balanced batches, the cache of compiled table GANs,
  compiling, fitting and restarting a fit that diverged;
- :mod:`ganaug.nn.sampling`: drawing from a trained generator through one traced
  function per network layout;
- :mod:`ganaug.nn.table_nets` and :mod:`ganaug.nn.image_nets`: the networks.

Importing this package imports no framework; its modules import Keras.
"""
