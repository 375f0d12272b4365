"""Generator and discriminator networks for tables, built from Keras layers only."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

__all__ = [
    "FlowWarp",
    "SpanActivation",
    "build_conv_discriminator",
    "build_conv_generator",
    "build_discriminator",
    "build_generator",
    "initialize",
]


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


@keras.saving.register_keras_serializable(package="ganaug")
class FlowWarp(layers.Layer):
    """Move a source image's pixels along a displacement field: ``[source, flow,
    residual] -> image``.

    Each output pixel ``(i, j)`` is the source sampled (bilinearly) at ``(i +
    flow[i, j, 0], j + flow[i, j, 1])``, coordinates clamped to the image (the edge
    pixels fill what comes in from outside). A warp keeps the source's pixel values
    and strokes, so the image stays a real image of the class, moved and bent.

    An all-zero source stands for none (a model loaded from a file holds no real
    images): that image is ``residual`` instead, the generator's drawing from the
    noise alone.
    """

    def call(self, inputs):
        source, flow, residual = inputs
        shape = ops.shape(source)
        height, width, channels = source.shape[1], source.shape[2], source.shape[3]
        rows = ops.reshape(ops.arange(height, dtype=flow.dtype), (1, height, 1))
        cols = ops.reshape(ops.arange(width, dtype=flow.dtype), (1, 1, width))
        y = ops.clip(rows + flow[..., 0], 0.0, height - 1.0)
        x = ops.clip(cols + flow[..., 1], 0.0, width - 1.0)
        y0, x0 = ops.floor(y), ops.floor(x)
        wy, wx = (y - y0)[..., None], (x - x0)[..., None]
        y0, x0 = ops.cast(y0, "int32"), ops.cast(x0, "int32")
        y1, x1 = ops.minimum(y0 + 1, height - 1), ops.minimum(x0 + 1, width - 1)
        flat = ops.reshape(source, (shape[0], height * width, channels))

        def at(yy, xx):
            index = ops.reshape(yy * width + xx, (shape[0], height * width, 1))
            picked = ops.take_along_axis(flat, ops.repeat(index, channels, axis=2), axis=1)
            return ops.reshape(picked, shape)

        top = at(y0, x0) * (1.0 - wx) + at(y0, x1) * wx
        bottom = at(y1, x0) * (1.0 - wx) + at(y1, x1) * wx
        warped = top * (1.0 - wy) + bottom * wy
        has_source = ops.cast(ops.max(ops.abs(source), axis=(1, 2, 3), keepdims=True) > 0, source.dtype)
        return warped + (1.0 - has_source) * residual

    def compute_output_shape(self, input_shape):
        return input_shape[0]


@keras.saving.register_keras_serializable(package="ganaug")
class AffineFlow(layers.Layer):
    """Six numbers per image in [-1, 1] -> the displacement field of an affine map of
    the image about its centre: ``(n, 6) -> (n, H, W, 2)``, in pixels.

    The first four, times ``linear``, are added to the identity matrix; the last two,
    times ``shift`` and the side, move the image. Each output pixel ``p`` reads the
    source at ``c + A (p - c) + t`` (see :class:`FlowWarp`).
    """

    def __init__(self, height, width, linear=0.2, shift=0.1, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)
        self.linear, self.shift = float(linear), float(shift)

    def call(self, params):
        cy, cx = (self.height - 1) / 2.0, (self.width - 1) / 2.0
        y = ops.reshape(ops.arange(self.height, dtype=params.dtype) - cy, (1, self.height, 1))
        x = ops.reshape(ops.arange(self.width, dtype=params.dtype) - cx, (1, 1, self.width))
        a = params[:, :4] * self.linear
        t = params[:, 4:] * self.shift * float(min(self.height, self.width))
        a, t = a[:, :, None, None], t[:, :, None, None]
        dy = a[:, 0] * y + a[:, 1] * x + t[:, 0]
        dx = a[:, 2] * y + a[:, 3] * x + t[:, 1]
        return ops.stack([dy, dx], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, 2)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "linear": self.linear, "shift": self.shift})
        return config


def initialize(model, rng):
    """Give every weight of a table network its initial value, drawn from ``rng``.

    Dense kernels are Glorot-uniform and biases zero, BatchNorm starts at the
    identity, and each random layer (Dropout, the Gumbel noise of
    :class:`SpanActivation`) gets a new seed. Applied to a new network and to one
    reused from :class:`ganaug.gan.TrainerCache` alike, so both train the same way.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_generator` or :func:`build_discriminator`.
    rng : numpy.random.RandomState

    Examples
    --------
    >>> import itertools, numpy as np
    >>> from ganaug.networks import build_discriminator, initialize
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


# ------------------------------------------------------------------------ images
def _glorot(seeds):
    return keras.initializers.GlorotUniform(seed=next(seeds))


def _class_norm(h, label, name):
    """Conditional batch normalisation (de Vries et al., 2017; Miyato & Koyama, 2018).

    BatchNorm without its own scale and shift, then a per-class scale and shift
    looked up from the one-hot label (``label @ W``): scale starts at 1 and shift
    at 0 for every class, so the label steers every stage of the generator.
    """
    channels = h.shape[-1]
    h = layers.BatchNormalization(center=False, scale=False, name=f"{name}_norm")(h)
    gamma = layers.Dense(channels, use_bias=False, kernel_initializer="ones", name=f"{name}_scale")(label)
    beta = layers.Dense(channels, use_bias=False, kernel_initializer="zeros", name=f"{name}_shift")(label)
    gamma = layers.Reshape((1, 1, channels), name=f"{name}_scale_map")(gamma)
    beta = layers.Reshape((1, 1, channels), name=f"{name}_shift_map")(beta)
    h = layers.Multiply(name=f"{name}_scaled")([h, gamma])
    return layers.Add(name=f"{name}_shifted")([h, beta])


def build_conv_generator(
    latent_dim, n_classes, canvas_shape, stages, filters=32, *, seeds, source=False, warp=0.1
):
    """The conditional convolutional generator: ``(noise, one-hot label) -> image``, or,
    with ``source``, ``(noise, one-hot label, source image) -> image``.

    Noise and label are projected to a ``(H / 2**stages, W / 2**stages)`` grid, then
    ``stages`` transposed convolutions (4x4, stride 2) double it up to
    ``canvas_shape``; a 3x3 convolution with tanh gives pixels in [-1, 1]. Before
    each of them, conditional batch normalisation (a per-class scale and shift of
    the normalised features) and ReLU: the label steers every stage.

    With ``source``, the generator moves a real image of the class: the source goes
    through a 3x3 convolution and ``stages`` 4x4 stride-2 convolutions (LeakyReLU),
    which join the noise and label at the smallest grid and the upsampling path at
    each resolution (a U-Net, as DAGAN's generator, Antoniou et al., 2017). From the
    noise, a dense layer without bias gives the six numbers of an affine map
    (:class:`AffineFlow`; its matrix within ``2 * warp`` of the identity, its shift
    within ``warp`` of the side), each scaled by a spread that the pooled source
    features and the label set: linear in the noise, the moves of one source are
    symmetric about it (they average to no move), so the warps vary the real images
    without drifting from them; the GAN learns how far, per source and class. The
    output is the source warped by the map (:class:`FlowWarp`). The
    image the upsampling path draws is used only for an all-zero source, which
    stands for none (the generator then draws from the noise alone; see
    :class:`ganaug.gan.ConditionalGAN`'s ``source_dropout``). The displacement field
    is the layer named ``flow``; ganaug applies it to the real image at its own size.

    Parameters
    ----------
    latent_dim, n_classes : int
    canvas_shape : (int, int, int)
        ``(H, W, C)`` of the output, each side a multiple of ``2**stages``.
    stages : int
        Number of stride-2 upsampling stages.
    filters : int, default=32
        Channels of the last stage; each earlier stage has twice as many.
    seeds : iterator of int
    source : bool, default=False
    warp : float, default=0.1
        The reach of the affine map (with ``source``).

    Examples
    --------
    >>> import itertools
    >>> from ganaug.networks import build_conv_generator
    >>> g = build_conv_generator(8, 3, (16, 16, 1), 2, 8, seeds=itertools.count())
    >>> g.output_shape
    (None, 16, 16, 1)
    >>> e = build_conv_generator(8, 3, (16, 16, 1), 2, 8, seeds=itertools.count(), source=True)
    >>> [tuple(i.shape) for i in e.inputs]
    [(None, 8), (None, 3), (None, 16, 16, 1)]
    """
    height, width, channels = canvas_shape
    h0, w0 = height // 2**stages, width // 2**stages
    noise = keras.Input((latent_dim,), name="noise")
    label = keras.Input((n_classes,), name="label")
    inputs = [noise, label]
    skips = []
    if source:
        image = keras.Input(canvas_shape, name="source")
        inputs.append(image)
        e = layers.Conv2D(filters, 3, padding="same", kernel_initializer=_glorot(seeds), name="source_in")(image)
        skips.append(layers.LeakyReLU(0.2, name="source_relu_in")(e))
        for i in range(stages):
            e = layers.Conv2D(
                filters * 2 ** (i + 1), 4, strides=2, padding="same", kernel_initializer=_glorot(seeds),
                name=f"source_down_{i}",
            )(skips[-1])
            skips.append(layers.LeakyReLU(0.2, name=f"source_relu_{i}")(e))
    h = layers.Concatenate(name="condition")([noise, label])
    width0 = filters * 2**stages
    h = layers.Dense(h0 * w0 * width0, use_bias=False, kernel_initializer=_glorot(seeds), name="project")(h)
    h = layers.Reshape((h0, w0, width0), name="grid")(h)
    if source:
        h = layers.Concatenate(name="grid_source")([h, skips[stages]])
        # an affine map of the source, centred on it: a direction linear in the noise
        # (the opposite noise gives the opposite move, so the moves of a source
        # average to none), its spread set per source and class; it starts small
        # (about 0.1 of the reach)
        pooled = layers.GlobalAveragePooling2D(name="warp_pool")(skips[stages])
        spread = layers.Concatenate(name="warp_condition")([pooled, label])
        spread = layers.Dense(6, activation="exponential", kernel_initializer="zeros", name="warp_spread")(spread)
        start = keras.initializers.RandomNormal(stddev=0.1 / latent_dim**0.5, seed=next(seeds))
        direction = layers.Dense(6, use_bias=False, kernel_initializer=start, name="warp_direction")(noise)
        params = layers.Multiply(name="warp_scaled")([direction, spread])
        params = layers.Activation("tanh", name="warp_params")(params)
        flow = AffineFlow(height, width, linear=2 * warp, shift=warp, name="flow")(params)
    for i in range(stages):
        h = _class_norm(h, label, f"cbn_{i}")
        h = layers.ReLU(name=f"relu_{i}")(h)
        h = layers.Conv2DTranspose(
            filters * 2 ** (stages - i - 1), 4, strides=2, padding="same", use_bias=False,
            kernel_initializer=_glorot(seeds), name=f"up_{i}",
        )(h)
        if source:
            h = layers.Concatenate(name=f"up_{i}_source")([h, skips[stages - i - 1]])
    h = _class_norm(h, label, "cbn_out")
    h = layers.ReLU(name="relu_out")(h)
    out = layers.Conv2D(
        channels, 3, padding="same", activation="tanh", kernel_initializer=_glorot(seeds), name="image"
    )(h)
    if source:
        out = FlowWarp(name="warp")([image, flow, out])
    return keras.Model(inputs, out, name="conv_generator")


def build_conv_discriminator(canvas_shape, n_classes, stages, filters=32, *, seeds):
    """The conditional convolutional critic: a projection discriminator.

    A 3x3 convolution, then 4x4 stride-2 convolutions (at least ``stages``, and
    down to a grid of at most 4x4; channels doubling up to 8 x ``filters``),
    LeakyReLU after each, global average pooling to a feature vector
    ``h``; the score is ``w . h + embed(label) . h`` (Miyato & Koyama, 2018): the
    label enters only through the projection, never as input maps. Every
    convolution, the score and the label embedding are spectrally normalised
    (``keras.layers.SpectralNormalization``).

    Examples
    --------
    >>> import itertools
    >>> from ganaug.networks import build_conv_discriminator
    >>> d = build_conv_discriminator((16, 16, 1), 3, 2, 8, seeds=itertools.count())
    >>> d.output_shape
    (None, 1)
    """
    image = keras.Input(canvas_shape, name="image")
    label = keras.Input((n_classes,), name="label")

    def sn(layer, name):
        return layers.SpectralNormalization(layer, name=name)

    h = sn(layers.Conv2D(filters, 3, padding="same", kernel_initializer=_glorot(seeds)), "sn_conv_in")(image)
    h = layers.LeakyReLU(0.2, name="leaky_relu_in")(h)
    # at least `stages` stride-2 convolutions, and down to a grid of at most 4x4, so
    # that the pooled features see the whole image, not only its texture
    side, down = min(canvas_shape[:2]), 0
    while down < stages or side > 4:
        side, down = (side + 1) // 2, down + 1
    for i in range(down):
        h = sn(
            layers.Conv2D(
                filters * 2 ** min(i + 1, 3), 4, strides=2, padding="same", kernel_initializer=_glorot(seeds)
            ),
            f"sn_conv_{i}",
        )(h)
        h = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(h)
    h = layers.GlobalAveragePooling2D(name="pool")(h)
    score = sn(layers.Dense(1, kernel_initializer=_glorot(seeds)), "sn_score")(h)
    embedding = sn(
        layers.Dense(h.shape[-1], use_bias=False, kernel_initializer=_glorot(seeds)), "sn_label_embedding"
    )(label)
    projection = layers.Dot(axes=1, name="projection")([h, embedding])
    out = layers.Add(name="critic")([score, projection])
    model = keras.Model([image, label], out, name="conv_discriminator")
    # SpectralNormalization draws its power-iteration vector from Keras's global seed
    # state; redraw it from our seeds so that training is reproducible.
    for layer in model.layers:
        if isinstance(layer, layers.SpectralNormalization):
            init = keras.initializers.TruncatedNormal(stddev=0.02, seed=next(seeds))
            layer.vector_u.assign(init(layer.vector_u.shape))
    return model
