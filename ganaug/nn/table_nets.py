"""Generator and discriminator networks for tables, built from Keras layers only.

The generator is an MLP whose output layer (:class:`SpanActivation`) gives each
numeric value a linear output and each categorical column (and missing-value
indicator) a Gumbel-softmax block, in the layout of
:class:`ganaug.tabular.encoder.TabularEncoder`; the discriminator is an MLP with
dropout, given the row and its one-hot label. :func:`initialize` sets both
networks' weights from a NumPy ``RandomState``, so that a compiled GAN reused by a
later fit trains exactly as a new one would.
"""

from __future__ import annotations

import numpy as np

from ganaug.nn.backend import keras, layers, ops

__all__ = ["SpanActivation", "build_discriminator", "build_generator", "initialize"]

@keras.saving.register_keras_serializable(package="ganaug")
class SpanActivation(layers.Layer):
    """Apply the right output activation to each block of GAN space.

    Numeric blocks stay linear; each softmax block becomes a Gumbel-softmax sample
    (temperature ``tau``) while training, so the discriminator sees near one-hot
    vectors as in the real data, and plain probabilities at inference.

    Parameters
    ----------
    spans : list of (kind, width)
        The layout of GAN space, as given by ``TabularEncoder.spans_``.
    tau : float, default=0.2
        Gumbel-softmax temperature.
    seed : int, optional
        Seed of the Gumbel noise.
    """

    def __init__(self, spans, tau=0.2, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.spans = [(str(kind), int(width)) for kind, width in spans]
        self.tau = float(tau)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if all(kind == "numeric" for kind, _ in self.spans):
            return inputs
        outputs = []
        start = 0
        for kind, width in self.spans:
            block = inputs[:, start : start + width]
            start += width
            if kind == "softmax" and width == 1:  # a column with a single category
                block = ops.ones_like(block)
            elif kind == "softmax":
                if training:
                    uniform = keras.random.uniform(
                        ops.shape(block), minval=1e-8, maxval=1.0, seed=self.seed_generator
                    )
                    block = ops.softmax((block - ops.log(-ops.log(uniform))) / self.tau)
                else:
                    block = ops.softmax(block)
            outputs.append(block)
        return ops.concatenate(outputs, axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {"spans": [list(span) for span in self.spans], "tau": self.tau, "seed": self.seed}
        )
        return config


def initialize(model, rng):
    """Give every weight of a table network its initial value, drawn from ``rng``.

    Dense kernels are Glorot-uniform and biases zero, BatchNorm starts at the
    identity, and each random layer (Dropout, the Gumbel noise of
    :class:`SpanActivation`) gets a new seed. Applied to a new network and to one
    reused from :class:`ganaug.nn.training.TrainerCache` alike, so both train the same way.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_generator` or :func:`build_discriminator`.
    rng : numpy.random.RandomState

    Examples
    --------
    >>> import itertools, numpy as np
    >>> from ganaug.nn.table_nets import build_discriminator, initialize
    >>> a = build_discriminator(3, 2, (4,), seeds=itertools.count())
    >>> b = build_discriminator(3, 2, (4,), seeds=itertools.count(5))
    >>> initialize(a, np.random.RandomState(0)); initialize(b, np.random.RandomState(0))
    >>> all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    True
    """
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            fan_in, fan_out = layer.kernel.shape
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            layer.kernel.assign(rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"))
            if layer.bias is not None:
                layer.bias.assign(np.zeros(layer.bias.shape, "float32"))
        elif isinstance(layer, layers.BatchNormalization):
            for weight, value in ((layer.gamma, 1.0), (layer.beta, 0.0),
                                  (layer.moving_mean, 0.0), (layer.moving_variance, 1.0)):
                weight.assign(np.full(weight.shape, value, "float32"))
        elif getattr(layer, "seed_generator", None) is not None:
            layer.seed_generator.state.assign([rng.randint(np.iinfo(np.int32).max), 0])
        elif layer.weights:
            raise TypeError(f"initialize does not know the layer {layer.name!r} ({type(layer).__name__}).")


def _dense(units, seeds, name):
    return layers.Dense(
        units,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        name=name,
    )


def build_generator(latent_dim, n_classes, spans, units=(256, 256), *, seeds):
    """The conditional generator: ``(noise, one-hot label) -> GAN-space row``.

    Each hidden block is Dense -> BatchNorm -> ReLU, concatenated with its input (the
    residual layout of CTGAN's generator), so that later layers still see the label.

    Parameters
    ----------
    latent_dim : int
    n_classes : int
    spans : list of (kind, width)
    units : tuple of int
        Width of each hidden block.
    seeds : iterator of int
        Source of initializer and noise seeds, so that the network is reproducible.
    """
    output_dim = int(sum(width for _, width in spans))
    noise = keras.Input((latent_dim,), name="noise")
    label = keras.Input((n_classes,), name="label")
    h = layers.Concatenate(name="condition")([noise, label])
    for i, width in enumerate(units):
        block = _dense(width, seeds, f"dense_{i}")(h)
        block = layers.BatchNormalization(name=f"norm_{i}")(block)
        block = layers.ReLU(name=f"relu_{i}")(block)
        h = layers.Concatenate(name=f"residual_{i}")([block, h])
    out = _dense(output_dim, seeds, "head")(h)
    out = SpanActivation(spans, seed=next(seeds), name="span_activation")(out)
    return keras.Model([noise, label], out, name="generator")


def build_discriminator(input_dim, n_classes, units=(256, 256), *, dropout=0.25, seeds):
    """The conditional discriminator (critic): ``(row, one-hot label) -> score``.

    The label enters twice: concatenated with the row, and through a projection term
    (Miyato & Koyama, 2018), the inner product of the last hidden layer with a learned
    embedding of the label, which makes the critic judge each row against its class.
    """
    row = keras.Input((input_dim,), name="row")
    label = keras.Input((n_classes,), name="label")
    h = layers.Concatenate(name="condition")([row, label])
    for i, width in enumerate(units):
        h = _dense(width, seeds, f"dense_{i}")(h)
        h = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(h)
        h = layers.Dropout(dropout, seed=next(seeds), name=f"dropout_{i}")(h)
    score = _dense(1, seeds, "score")(h)
    embedding = layers.Dense(
        h.shape[-1],
        use_bias=False,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        name="label_embedding",
    )(label)
    projection = layers.Dot(axes=1, name="projection")([h, embedding])
    out = layers.Add(name="critic")([score, projection])
    return keras.Model([row, label], out, name="discriminator")
