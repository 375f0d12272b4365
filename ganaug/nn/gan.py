"""The conditional GAN as a Keras model with its own ``train_step``.

:class:`ConditionalGAN` holds a generator and a discriminator built outside it
(:mod:`ganaug.nn.table_nets`, :mod:`ganaug.nn.image_nets`) and trains them against
each other on class-balanced batches (:func:`ganaug.nn.training.balanced_batches`).
Tables train both networks on one batch per step (simultaneous updates); images
alternate, with differentiable augmentation (:func:`diff_augment`), an exponential
moving average of the generator's weights and, for a generator that moves real
images, a mode-seeking term. The loss is the non-saturating GAN loss, Wasserstein
with gradient penalty, or the hinge loss.
"""

from __future__ import annotations

import numpy as np

from ganaug.nn.backend import keras, load_tensorflow, ops
from ganaug.nn.sampling import TrainedGenerator

__all__ = ["Adam", "ConditionalGAN", "LOSSES", "diff_augment"]

LOSSES = ("minimax", "wgan-gp", "hinge")


def _shift_matrix(shift, size, edge=False):
    """(batch, size, size) 0/1 matrices that move rows by ``shift``, zero-filling (or
    repeating the edge row, with ``edge``)."""
    idx = ops.expand_dims(ops.arange(size), 0) + ops.expand_dims(shift, 1)
    matrix = ops.one_hot(ops.clip(idx, 0, size - 1), size)
    if edge:
        return matrix
    valid = ops.cast((idx >= 0) & (idx < size), "float32")
    return matrix * ops.expand_dims(valid, -1)


def _border_mean(images):
    """Each image's mean over its outermost rows and columns: its background, mostly."""
    rows = ops.concatenate([images[:, :1], images[:, -1:]], axis=1)
    cols = ops.concatenate([images[:, :, :1], images[:, :, -1:]], axis=2)
    total = ops.sum(rows, axis=(1, 2), keepdims=True) + ops.sum(cols, axis=(1, 2), keepdims=True)
    count = 2.0 * (images.shape[1] + images.shape[2])
    return total / count


def diff_augment(images, seed, translation=0.125, cutout=0.5, brightness=0.5, contrast=0.5, fill="zero"):
    """Differentiable augmentation (Zhao et al., 2020) of a batch in [-1, 1].

    Applied alike to real and fake images before the discriminator, so that it
    cannot memorise a small training set, while gradients still reach the generator.
    Per image: random brightness (+-``brightness``) and contrast
    (x(1 - ``contrast``)..x(1 + ``contrast``)), a translation by up to
    ``translation`` of the size (zero-filled), and a cutout square of ``cutout`` of
    the size at a random place. A strength of 0 leaves that augmentation out.

    Parameters
    ----------
    images : tensor of shape (batch, H, W, C)
    seed : keras.random.SeedGenerator
    translation, cutout, brightness, contrast : float

    Examples
    --------
    >>> import keras, numpy as np
    >>> from ganaug.nn.gan import diff_augment
    >>> x = np.zeros((2, 16, 16, 1), "float32")
    >>> tuple(diff_augment(x, keras.random.SeedGenerator(0)).shape)
    (2, 16, 16, 1)
    """
    shape = ops.shape(images)
    batch, height, width = shape[0], images.shape[1], images.shape[2]
    # colour: brightness, then contrast around each image's mean
    if brightness > 0:
        images = images + keras.random.uniform((batch, 1, 1, 1), -brightness, brightness, seed=seed)
    if contrast > 0:
        mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
        factor = keras.random.uniform((batch, 1, 1, 1), 1.0 - contrast, 1.0 + contrast, seed=seed)
        images = (images - mean) * factor + mean
    # translation, as products with shift matrices (differentiable, per image)
    if translation > 0:
        sy, sx = int(height * translation + 0.5), int(width * translation + 0.5)
        dy = keras.random.randint((batch,), -sy, sy + 1, seed=seed)
        dx = keras.random.randint((batch,), -sx, sx + 1, seed=seed)
        edge = fill == "edge"
        images = ops.einsum("bij,bjwc->biwc", _shift_matrix(dy, height, edge), images)
        images = ops.einsum("bij,bhjc->bhic", _shift_matrix(dx, width, edge), images)
    # cutout: zero a square of cutout * size at a random centre
    if cutout > 0:
        ch, cw = int(height * cutout + 0.5), int(width * cutout + 0.5)
        cy = keras.random.randint((batch, 1), 0, height + (1 - ch % 2), seed=seed)
        cx = keras.random.randint((batch, 1), 0, width + (1 - cw % 2), seed=seed)
        rows = ops.abs(ops.expand_dims(ops.arange(height), 0) - cy) < (ch + 1) // 2
        cols = ops.abs(ops.expand_dims(ops.arange(width), 0) - cx) < (cw + 1) // 2
        hole = ops.expand_dims(ops.cast(ops.expand_dims(rows, 2) & ops.expand_dims(cols, 1), images.dtype), -1)
        background = _border_mean(images) if fill == "edge" else 0.0
        images = images * (1.0 - hole) + background * hole
    return images


class Adam(keras.optimizers.Adam):
    """Keras's Adam without a memory leak of single-device TensorFlow training.

    On one device, Keras still sums gradients across replicas through
    ``tf.distribute``'s ``ReplicaContext.all_reduce``, whose ``tf.custom_gradient``
    registers a new gradient function in TensorFlow's global registry each time
    ``train_step`` is traced. The registry keeps that whole graph alive for the
    life of the process: about 12 MiB per fit of a small table GAN, which adds up in
    a grid search or a tuning run. With a single replica the all-reduce is the
    identity, so it is skipped; with several it runs as before.
    """

    def _all_reduce_sum_gradients(self, grads_and_vars):  # called by TensorFlow's optimizer only
        tf = load_tensorflow()
        if tf.distribute.get_strategy().num_replicas_in_sync == 1:
            return list(grads_and_vars)
        return super()._all_reduce_sum_gradients(grads_and_vars)


@keras.saving.register_keras_serializable(package="ganaug")
class ConditionalGAN(keras.Model):
    """A generator and a discriminator trained against each other, given the label.

    ``loss="minimax"`` is the non-saturating loss of Goodfellow et al. (2014): the
    discriminator minimises binary cross-entropy on real vs fake, the generator
    maximises ``log D(G(z))``. ``loss="wgan-gp"`` is the Wasserstein loss with a
    gradient penalty (Gulrajani et al., 2017). ``loss="hinge"`` is the hinge loss
    of SAGAN and BigGAN (Lim & Ye, 2017), which the image GAN trains with.

    Parameters
    ----------
    generator, discriminator : keras.Model
        From :func:`ganaug.nn.table_nets.build_generator` and ``build_discriminator``.
    latent_dim : int
    loss : {"minimax", "wgan-gp", "hinge"}
    gp_weight : float, default=10.0
        Weight of the gradient penalty (``wgan-gp`` only).
    seed : int, optional
        Seed of the latent noise drawn inside ``train_step``.
    augment : bool or dict, default=False
        Apply :func:`diff_augment` to real and fake images before the
        discriminator (image GANs on small data); a dict gives its keyword
        arguments (``translation``, ``cutout``).
    ema_decay : float or None, default=None
        Keep ``ema_generator``, an exponential moving average of the generator's
        weights updated after each generator step (decay warmed up as
        ``min(ema_decay, (1 + t) / (10 + t))``); sample from it after training,
        once :meth:`recompute_ema_statistics` has set its BatchNorm statistics.
    diversity_weight : float, default=0.0
        Image GANs: weight of the mode-seeking term (Mao et al., 2019) in the
        generator's loss, which rewards two images of one class for differing as
        much as their noise vectors do, so that a class's images keep their variety.
    edit : bool, default=False
        Image GANs whose generator moves a real image (``build_conv_generator(...,
        source=True)``: an affine warp of the source). Batches are then ``(images,
        partners, labels)``, a partner being another real image of the same class
        (``balanced_batches(..., pairs=True)``); the generator warps each image, and
        the discriminator judges the warps against the partners. A warp that bends
        an image out of its class's look is pushed back; the mode-seeking term
        (``diversity_weight``) keeps the warps of one image apart.
    source_dropout : float, default=0.0
        With ``edit``, the share of edits made from an all-zero source: the
        generator also learns to draw images from the noise alone, which is how a
        model without real images (loaded from a file) samples.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        loss="minimax",
        gp_weight=10.0,
        seed=None,
        augment=False,
        ema_decay=None,
        diversity_weight=0.0,
        edit=False,
        source_dropout=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}. Got {loss!r} instead.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.loss_name = loss
        self.gp_weight = float(gp_weight)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.augment = dict(augment) if isinstance(augment, dict) else bool(augment)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.ema_generator = None
        if self.ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_steps = keras.Variable(0.0, trainable=False, name="ema_steps")
        self.diversity_weight = float(diversity_weight)
        self.edit = bool(edit)
        self.source_dropout = float(source_dropout)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        """Keras's ``compile`` with one optimizer per network (``kwargs`` go to Keras)."""
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # Create the optimizers' slot variables now, outside any tf.function: a variable
        # first created inside the traced train_step gets initialisation conds that
        # TensorFlow keeps for the life of the process (several MiB per fit).
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def reset(self, rng, d_learning_rate, g_learning_rate):
        """Start afresh: initial weights and noise seeds from ``rng``, optimizers zeroed.

        A compiled GAN keeps its traced training function, so resetting one costs
        a few milliseconds where building and tracing a new one costs seconds. A new
        GAN is reset too, so that a reused one trains exactly as a new one would.
        Table networks only (see :func:`ganaug.nn.table_nets.initialize`).

        Parameters
        ----------
        rng : numpy.random.RandomState
        d_learning_rate, g_learning_rate : float
        """
        from ganaug.nn.table_nets import initialize

        if self.ema_generator is not None:
            raise NotImplementedError("reset() is for table GANs, which keep no EMA generator.")
        initialize(self.generator, rng)
        initialize(self.discriminator, rng)
        self.seed_generator.state.assign([rng.randint(np.iinfo(np.int32).max), 0])
        for optimizer, rate in ((self.d_optimizer, d_learning_rate), (self.g_optimizer, g_learning_rate)):
            for variable in optimizer.variables:
                variable.assign(np.zeros(variable.shape, variable.dtype))
            optimizer.learning_rate = float(rate)
        for metric in self.metrics:
            metric.reset_state()

    def trained_generator(self):
        """The trained generator's weights, to sample with (see :class:`TrainedGenerator`)."""
        return TrainedGenerator(self.generator)

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _critic(self, x, label):
        if self.augment:
            options = self.augment if isinstance(self.augment, dict) else {}
            x = diff_augment(x, self.seed_generator, **options)
        return self.discriminator([x, label], training=True)

    def _update_ema(self):
        decay = ops.minimum(self.ema_decay, (1.0 + self.ema_steps) / (10.0 + self.ema_steps))
        self.ema_steps.assign_add(1.0)
        for ema, w in zip(self.ema_generator.weights, self.generator.weights):
            if w.trainable:
                ema.assign(decay * ema + (1.0 - decay) * w)
            else:  # BatchNorm statistics are copied
                ema.assign(w)

    def recompute_ema_statistics(self, labels, batch_size=256, seed=0, sources=None):
        """Set the EMA generator's BatchNorm statistics to those of its own outputs.

        The moving averages that BatchNorm keeps while training belong to the raw
        generator's weights; the EMA generator's activations differ. Its statistics
        are recomputed as the plain mean, over batches of ``labels`` (class
        indices, balanced) and fresh noise, of its batch statistics in training mode.
        An editing generator (``edit``) takes ``sources``, one real image per label,
        of which a share ``source_dropout`` is zeroed, as in training.

        Under TensorFlow each batch is an eager call that updates the statistics with a
        momentum that makes them the running mean. Under JAX and PyTorch each batch
        goes through :func:`ganaug.nn.sampling.training_pass` (under JAX one jitted
        call, where an eager one compiles each op anew: 7 s of a 1,000-digit fit went
        there), with a momentum of 0, and the batches' statistics are averaged here.
        """
        if self.ema_generator is None:
            return
        norms = [
            layer for layer in self.ema_generator.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        if not norms:
            return
        momenta = [layer.momentum for layer in norms]
        batches = self._statistics_batches(labels, batch_size, seed, sources)
        try:
            if keras.config.backend() == "tensorflow":
                for i, inputs in enumerate(batches):
                    for layer in norms:  # the running mean of the batch statistics
                        layer.momentum = i / (i + 1.0)
                    self.ema_generator(inputs, training=True)
            else:
                for layer in norms:  # each call's moving statistics: its own batch's
                    layer.momentum = 0.0
                self._mean_batch_statistics(norms, batches)
        finally:
            for layer, momentum in zip(norms, momenta):
                layer.momentum = momentum

    def _statistics_batches(self, labels, batch_size, seed, sources):
        """The EMA generator's inputs for :meth:`recompute_ema_statistics`, batch by batch."""
        rng = np.random.default_rng(seed)
        n_classes = self.ema_generator.inputs[1].shape[-1]
        onehot = np.eye(n_classes, dtype=np.float32)
        for start in range(0, len(labels), batch_size):
            chunk = labels[start : start + batch_size]
            noise = rng.standard_normal((len(chunk), self.latent_dim), dtype=np.float32)
            inputs = [noise, onehot[chunk]]
            if self.edit:
                kept = rng.random(len(chunk)) >= self.source_dropout
                inputs.append(sources[start : start + batch_size] * kept[:, None, None, None].astype(np.float32))
            yield inputs

    def _mean_batch_statistics(self, norms, batches):
        """Run the EMA generator in training mode on each of ``batches`` (its BatchNorm
        layers ``norms`` at a momentum of 0), then set their moving statistics to the
        mean over the batches (the other state, such as seeds, as the last batch left it)."""
        from ganaug.nn.sampling import training_pass

        model = self.ema_generator
        variables = model.non_trainable_variables
        moving = {id(v) for layer in norms for v in (layer.moving_mean, layer.moving_variance)}
        averaged = [k for k, v in enumerate(variables) if id(v) in moving]
        trainable = [v.value for v in model.trainable_variables]
        state = [v.value for v in variables]
        run = training_pass(model)  # traced now, with the momentum of 0
        sums, count = [0.0] * len(averaged), 0
        for inputs in batches:
            _, state = run(trainable, state, inputs)
            sums = [total + ops.convert_to_numpy(state[k]).astype(np.float64) for total, k in zip(sums, averaged)]
            count += 1
        if not count:
            return
        state = [ops.convert_to_numpy(value) for value in state]
        for total, k in zip(sums, averaged):
            state[k] = (total / count).astype(state[k].dtype)
        for variable, value in zip(variables, state, strict=True):
            variable.assign(value)

    def _d_loss(self, real_score, fake_score):
        if self.loss_name == "hinge":
            return ops.mean(ops.relu(1.0 - real_score)) + ops.mean(ops.relu(1.0 + fake_score))
        if self.loss_name == "wgan-gp":
            return ops.mean(fake_score) - ops.mean(real_score)
        real = ops.softplus(-real_score)  # -log sigmoid(real)
        fake = ops.softplus(fake_score)  # -log(1 - sigmoid(fake))
        return ops.mean(real) + ops.mean(fake)

    def _g_loss(self, fake_score):
        if self.loss_name in ("wgan-gp", "hinge"):
            return -ops.mean(fake_score)
        return ops.mean(ops.softplus(-fake_score))  # non-saturating: -log D(G(z))

    def train_step(self, data):
        """One step of Keras's ``fit`` under TensorFlow: :meth:`step_losses` on a gradient
        tape, both networks updated (``wgan-gp``: :meth:`_alternating_step`). Under JAX
        and PyTorch, :func:`ganaug.nn.steps.fit` trains with the same :meth:`step_losses`
        (or :meth:`critic_loss` and :meth:`generator_loss`)."""
        if self.alternating:
            return self._alternating_step(data)
        tf = load_tensorflow()
        with tf.GradientTape(persistent=True) as tape:
            d_loss, g_loss = self.step_losses(data)
        return self._update_both(tape, d_loss, g_loss)

    def step_losses(self, data):
        """The discriminator's and the generator's losses on one batch: everything of a
        step but its gradients, so that each backend's step differentiates the same
        computation (:mod:`ganaug.nn.steps`).

        One discriminator pass over real and fake inputs together gives both losses
        (simultaneous updates): rows (:meth:`_table_losses`), images after DiffAugment
        (:meth:`_image_losses`), or edits of real images (:meth:`_edit_losses`). The
        alternating ``wgan-gp`` step has its own path.
        """
        if self.edit:
            return self._edit_losses(data)
        if self.augment:
            return self._image_losses(data)
        return self._table_losses(data)

    def _update_both(self, tape, d_loss, g_loss):
        """TensorFlow: both networks' gradients from one persistent tape, both
        optimizers stepped, the EMA generator (if any) updated and the loss trackers fed."""
        d_weights = self.discriminator.trainable_weights
        g_weights = self.generator.trainable_weights
        d_grads = tape.gradient(d_loss, d_weights)
        g_grads = tape.gradient(g_loss, g_weights)
        del tape
        self.d_optimizer.apply(d_grads, d_weights)
        self.g_optimizer.apply(g_grads, g_weights)
        if self.ema_generator is not None:
            self._update_ema()
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def _image_losses(self, data):
        """Image GANs: one discriminator pass over real and fake images together, after
        DiffAugment.

        With ``diversity_weight``, the fakes come in pairs of one class (the first
        half of the batch's labels, twice) and the generator's loss adds the
        mode-seeking term.
        """
        real, label = data
        batch_size = ops.shape(real)[0]
        noise = self._noise(batch_size)
        fake_label = label
        if self.diversity_weight:  # pairs of images of the same class
            half = batch_size // 2
            fake_label = ops.concatenate([label[:half], label[:half]], axis=0)
            noise = noise[: 2 * half]
        fake = self.generator([noise, fake_label], training=True)
        scores = self._critic(
            ops.concatenate([real, fake], axis=0), ops.concatenate([label, fake_label], axis=0)
        )
        return self._split_losses(scores, batch_size, fake, noise)

    def _split_losses(self, scores, batch_size, fake, noise):
        """Both losses from the critic's scores of ``batch_size`` real (or real pair)
        inputs followed by the fakes; with ``diversity_weight``, the fakes come in two
        halves of one class each and the generator's loss adds the mode-seeking term."""
        real_score, fake_score = scores[:batch_size], scores[batch_size:]
        d_loss = self._d_loss(real_score, fake_score)
        g_loss = self._g_loss(fake_score)
        if self.diversity_weight:
            g_loss += self.diversity_weight * self._mode_seeking(fake, noise, batch_size // 2)
        return d_loss, g_loss

    def _edit_losses(self, data):
        """Editing image GANs (``edit``): like :meth:`_image_losses`, with the generator
        warping the first half of the batch's real images (twice, with two noises, for
        the mode-seeking term); the real images the discriminator sees are their
        partners, other real images of the same classes."""
        real, partner, label = data
        batch_size = ops.shape(real)[0]
        half = batch_size // 2
        fake_label = ops.concatenate([label[:half], label[:half]], axis=0)
        source = ops.concatenate([real[:half], real[:half]], axis=0)
        noise = self._noise(2 * half)
        if self.source_dropout:
            kept = keras.random.uniform((half, 1, 1, 1), seed=self.seed_generator) >= self.source_dropout
            source = source * ops.cast(ops.concatenate([kept, kept], axis=0), real.dtype)
        fake = self.generator([noise, fake_label, source], training=True)
        scores = self._critic(
            ops.concatenate([partner, fake], axis=0), ops.concatenate([label, fake_label], axis=0)
        )
        return self._split_losses(scores, batch_size, fake, noise)

    @staticmethod
    def _mode_seeking(fake, noise, half):
        """Mode-seeking term (Mao et al., 2019): the inverse of how far two images of one
        class move apart per unit of distance between their noise vectors."""
        images = ops.mean(ops.abs(fake[:half] - fake[half:]), axis=tuple(range(1, len(fake.shape))))
        noises = ops.mean(ops.abs(noise[:half] - noise[half:]), axis=1)
        return 1.0 / (ops.mean(images / noises) + 1e-5)

    def _table_losses(self, data):
        """One discriminator pass over real and fake rows together.

        The generator's and the discriminator's gradients come from the same forward
        pass (simultaneous gradient descent), which halves the work of a step and the
        size of the traced graph against the alternating scheme, where the generator
        step runs the discriminator again.
        """
        real, label = data
        batch_size = ops.shape(real)[0]
        fake = self.generator([self._noise(batch_size), label], training=True)
        scores = self.discriminator(
            [ops.concatenate([real, fake], axis=0), ops.concatenate([label, label], axis=0)],
            training=True,
        )
        real_score, fake_score = scores[:batch_size], scores[batch_size:]
        return self._d_loss(real_score, fake_score), self._g_loss(fake_score)

    @property
    def alternating(self):
        """Whether a step alternates (``wgan-gp``, not ``edit``): the critic's update with
        its gradient penalty (:meth:`critic_loss`), then the generator's against the
        updated critic (:meth:`generator_loss`)."""
        return self.loss_name == "wgan-gp" and not self.edit

    def critic_loss(self, data, input_gradient):
        """The critic's ``wgan-gp`` loss on one batch: the Wasserstein loss on real rows
        (or images) and fresh fakes, plus ``gp_weight`` times the gradient penalty on
        random mixtures of the two (Gulrajani et al., 2017).

        Parameters
        ----------
        data : (real, label)
        input_gradient : callable
            ``input_gradient(critic, x)``: the gradient of ``sum(critic(x))`` with
            respect to ``x``, itself differentiable with respect to the critic's
            weights; each backend's step gives its own (:mod:`ganaug.nn.steps`).
        """
        real, label = data
        batch_size = ops.shape(real)[0]
        fake = self.generator([self._noise(batch_size), label], training=True)
        d_loss = self._d_loss(self._critic(real, label), self._critic(fake, label))
        alpha_shape = (batch_size,) + (1,) * (len(real.shape) - 1)
        alpha = keras.random.uniform(alpha_shape, seed=self.seed_generator)
        mixed = alpha * real + (1.0 - alpha) * fake
        grads = ops.reshape(input_gradient(lambda x: self._critic(x, label), mixed), (batch_size, -1))
        norm = ops.sqrt(ops.sum(ops.square(grads), axis=1) + 1e-12)
        return d_loss + self.gp_weight * ops.mean(ops.square(norm - 1.0))

    def generator_loss(self, data):
        """The generator's loss on one batch of labels, against the critic as it is
        (after :meth:`critic_loss`'s update, in an alternating step)."""
        real, label = data
        fake = self.generator([self._noise(ops.shape(real)[0]), label], training=True)
        return self._g_loss(self._critic(fake, label))

    def _alternating_step(self, data):
        """TensorFlow's alternating step (:attr:`alternating`): :meth:`critic_loss`, the
        penalty's gradient from a nested tape, and the critic's update; then
        :meth:`generator_loss` and the generator's update, then the EMA generator."""
        tf = load_tensorflow()

        def input_gradient(critic, x):
            with tf.GradientTape() as gp_tape:
                gp_tape.watch(x)
                score = critic(x)
            return gp_tape.gradient(score, x)

        with tf.GradientTape() as tape:
            d_loss = self.critic_loss(data, input_gradient)
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply(tape.gradient(d_loss, d_weights), d_weights)

        g_weights = self.generator.trainable_weights
        with tf.GradientTape() as tape:
            g_loss = self.generator_loss(data)
        self.g_optimizer.apply(tape.gradient(g_loss, g_weights), g_weights)
        if self.ema_generator is not None:
            self._update_ema()

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}

    def get_config(self):
        """The networks (serialised) and the settings, so that the model can be rebuilt."""
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "loss": self.loss_name,
            "gp_weight": self.gp_weight,
            "seed": self.seed,
            "augment": self.augment,
            "ema_decay": self.ema_decay,
            "diversity_weight": self.diversity_weight,
            "edit": self.edit,
            "source_dropout": self.source_dropout,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        """The model :meth:`get_config` describes."""
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)
