"""Convolutional networks for images, and the image GAN built from them.

The generator moves a real image of the class: from the image, the noise and the
label (a U-Net with conditional batch normalisation) it draws an affine map
(:class:`AffineFlow`), and its output is the image warped by it (:class:`FlowWarp`).
The discriminator is a spectrally normalised projection discriminator.
:func:`build_image_gan` puts them together with the settings of :data:`IMAGE_GAN`.
"""

from __future__ import annotations

from ganaug.nn.backend import keras, layers, ops

__all__ = [
    "AffineFlow",
    "FlowWarp",
    "IMAGE_GAN",
    "augment_options",
    "build_conv_discriminator",
    "build_conv_generator",
    "build_image_gan",
]

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
    :class:`ganaug.nn.gan.ConditionalGAN`'s ``source_dropout``). The displacement field
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
    >>> from ganaug.nn.image_nets import build_conv_generator
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
    >>> from ganaug.nn.image_nets import build_conv_discriminator
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


# ------------------------------------------------------------------- the GAN
# How the image GAN trains, beside the estimator's parameters (whose image 'auto'
# values are augmenter.IMAGE_DEFAULTS). Measured choices; see the README's image
# section for what each bought and what was tried and dropped.
IMAGE_GAN = {
    "loss": "hinge",  # used when GANAugmenter's loss is left at 'minimax'
    "diversity_weight": 0.02,  # mode-seeking term in the generator's loss
    "edit": True,  # the generator moves a real image of the class (an affine warp)
    # the warp's reach: its matrix within 2x this of the identity, its shift within
    # this share of the side
    "warp": 0.1,
    "source_dropout": 0.5,  # share of edits from no source: how a loaded model samples
    "ema_decay": 0.999,
    # DiffAugment, as shares of the image's own size. No translation for a generator
    # that moves real images: its moves include shifts, and a discriminator shown
    # real images shifted at random cannot tell a shifted warp from them, so which
    # way a fit moved its images (slant or shift and height) came down to the seed
    "translation": 0.125,
    "edit_translation": 0.0,
    "cutout": 0.5,
    "brightness": 0.5,
    "contrast": 0.5,
    "fill": "edge",  # shifted-in pixels and cutouts take the background's value
}


def augment_options(encoder, edit=False):
    """DiffAugment sizes relative to the (working-size) image, not the padded canvas;
    ``edit``: for a generator that moves real images (no translation)."""
    ratio = min(s / c for s, c in zip(encoder.working_shape_, encoder.canvas_shape_))
    translation = IMAGE_GAN["edit_translation" if edit else "translation"]
    return {
        "translation": translation * ratio, "cutout": IMAGE_GAN["cutout"] * ratio,
        "brightness": IMAGE_GAN["brightness"], "contrast": IMAGE_GAN["contrast"],
        "fill": IMAGE_GAN["fill"],
    }


def build_image_gan(encoder, n_classes, latent_dim, filters, loss, seeds):
    """The conditional image GAN for images shaped like ``encoder``'s.

    Parameters
    ----------
    encoder : ImageEncoder
        Fitted; gives the canvas and the number of stages.
    n_classes, latent_dim : int
    filters : (int, int)
        Channels of the last stage of the generator and of the first of the
        discriminator.
    loss : str
        The estimator's ``loss``: 'minimax' trains with ``IMAGE_GAN["loss"]``,
        another value is used as it is.
    seeds : iterator of int

    Returns
    -------
    ganaug.nn.gan.ConditionalGAN
    """
    from ganaug.nn.gan import ConditionalGAN

    canvas, stages = encoder.canvas_shape_, encoder.stages_
    edit = IMAGE_GAN["edit"] and loss != "wgan-gp"
    generator = build_conv_generator(
        latent_dim, n_classes, canvas, stages, filters[0], seeds=seeds, source=edit, warp=IMAGE_GAN["warp"]
    )
    discriminator = build_conv_discriminator(canvas, n_classes, stages, filters[1], seeds=seeds)
    return ConditionalGAN(
        generator, discriminator, latent_dim,
        loss=IMAGE_GAN["loss"] if loss == "minimax" else loss, seed=next(seeds),
        augment=augment_options(encoder, edit), ema_decay=IMAGE_GAN["ema_decay"],
        diversity_weight=IMAGE_GAN["diversity_weight"],
        edit=edit, source_dropout=IMAGE_GAN["source_dropout"] if edit else 0.0,
    )
