"""Training a GAN: class-balanced batches, the trainer cache, divergence.

:func:`balanced_batches` feeds every class equally often, however few rows it has
(what lets a class of a dozen rows be learned beside one of thousands);
:data:`TRAINERS` keeps compiled table GANs for the next fit of the same layout
(tracing the training function costs more than a small table's whole training);
:class:`StopOnNonFinite`, :func:`check_divergence` and :func:`train_with_restarts`
stop a fit whose losses become NaN and, with ``on_divergence='restart'``, start it
again with learning rates ten times lower (up to 3 times).
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import OrderedDict

import numpy as np

from ganaug.exceptions import TrainingDivergedError
from ganaug.nn.backend import keras, load_tensorflow, tensorflow_backend

__all__ = [
    "NumpyBatches",
    "StopOnNonFinite",
    "TRAINERS",
    "TrainerCache",
    "balanced_batches",
    "check_divergence",
    "compile_gan",
    "fit_gan",
    "train_with_restarts",
]

def balanced_batches(x, y, n_classes, batch_size, steps, epochs, seed, initial_epoch=0, pairs=False):
    """Class-balanced batches: a ``tf.data.Dataset`` under TensorFlow, else a
    generator of :class:`NumpyBatches`' batches (JAX, PyTorch).

    For each row of a batch a class is drawn uniformly, then a row of that class, so
    a class of 15 rows is seen as often as one of 5,000. Batch ``i`` (counted over
    all epochs) is a pure function of ``(seed, i)`` through TensorFlow's stateless
    random ops, so training is reproducible and a resumed run (``initial_epoch``)
    continues the same sequence. The rows are held once and gathered per batch, as
    Keras's own array adapter does; there is no Python call per step or per epoch,
    which would cost more than a training step of a small network.

    Parameters
    ----------
    x : ndarray of shape (n_samples, ...)
        Rows (or images) in GAN space.
    y : ndarray of shape (n_samples,)
        Class indices in ``0..n_classes-1``; every class has at least one row.
    n_classes, batch_size : int
    steps : int
        Batches per epoch.
    epochs : int
        The dataset holds ``(epochs - initial_epoch) * steps`` batches; pass
        ``steps_per_epoch=steps`` to ``fit``.
    seed : int
    initial_epoch : int, default=0
    pairs : bool, default=False
        Batches of ``(rows, partners, labels)``: each partner another row drawn,
        independently, from the same class (for ``ConditionalGAN(edit=True)``).

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.nn.training import balanced_batches
    >>> x, y = np.arange(10, dtype="float32")[:, None], np.array([0] * 9 + [1])
    >>> rows, labels = next(iter(balanced_batches(x, y, 2, 1000, 1, 1, seed=0)))
    >>> labels, rows = np.asarray(labels), np.asarray(rows)
    >>> round(float(labels[:, 1].mean()), 1), float(rows[labels[:, 1] == 1].min())
    (0.5, 9.0)
    """
    if not tensorflow_backend():
        # a generator, which Keras's fit takes as it is (the image judge trains on one)
        return iter(NumpyBatches(x, y, n_classes, batch_size, steps, epochs, seed, initial_epoch, pairs))
    tf = load_tensorflow()
    order = np.argsort(y, kind="stable")
    counts = np.bincount(y, minlength=n_classes)
    starts = tf.constant(np.concatenate([[0], np.cumsum(counts)[:-1]]), tf.int64)
    counts = tf.constant(counts, tf.float32)
    seed = tf.constant(int(seed), tf.int64)

    def draw(rows, index):
        class_seed, row_seed = tf.unstack(
            tf.random.experimental.stateless_split(tf.stack([seed, index]), 2)
        )
        classes = tf.random.stateless_uniform(
            (batch_size,), class_seed, 0, n_classes, dtype=tf.int64
        )
        within = tf.random.stateless_uniform((batch_size,), row_seed) * tf.gather(counts, classes)
        picked = tf.gather(starts, classes) + tf.cast(within, tf.int64)
        if not pairs:
            return tf.gather(rows, picked), tf.one_hot(classes, n_classes)
        partner_seed = tf.random.experimental.stateless_fold_in(row_seed, 1)
        other = tf.random.stateless_uniform((batch_size,), partner_seed) * tf.gather(counts, classes)
        partner = tf.gather(starts, classes) + tf.cast(other, tf.int64)
        return tf.gather(rows, picked), tf.gather(rows, partner), tf.one_hot(classes, n_classes)

    rows = tf.data.Dataset.from_tensors(np.ascontiguousarray(x[order], dtype=np.float32))
    indices = tf.data.Dataset.range(int(initial_epoch) * steps, int(epochs) * steps)
    return (
        tf.data.Dataset.zip(rows.repeat(), indices)
        .map(draw)
        .prefetch(tf.data.AUTOTUNE)
    )


class NumpyBatches:
    """Class-balanced batches drawn by NumPy, for the backends other than TensorFlow.

    As :func:`balanced_batches` under TensorFlow: a class drawn uniformly for each row
    of a batch, then a row of that class; batch ``i`` is a pure function of ``(seed,
    i)`` (``numpy.random.default_rng([seed, i])``), so a resumed run continues the same
    sequence. The draws are not TensorFlow's: the batches differ between backends.
    Iterating gives tuples of float32 arrays ``(rows, one-hot labels)`` or, with
    ``pairs``, ``(rows, partners, one-hot labels)``.
    """

    def __init__(self, x, y, n_classes, batch_size, steps, epochs, seed, initial_epoch=0, pairs=False):
        order = np.argsort(y, kind="stable")
        counts = np.bincount(y, minlength=n_classes)
        self.rows = np.ascontiguousarray(x[order], dtype=np.float32)
        self.counts = counts
        self.starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.onehot = np.eye(n_classes, dtype=np.float32)
        self.n_classes, self.batch_size, self.seed, self.pairs = int(n_classes), int(batch_size), int(seed), pairs
        self.first, self.stop = int(initial_epoch) * int(steps), int(epochs) * int(steps)

    def __len__(self):
        return self.stop - self.first

    def batch(self, index):
        """Batch ``index`` (counted over all epochs)."""
        rng = np.random.default_rng([self.seed, int(index)])
        classes = rng.integers(0, self.n_classes, self.batch_size)
        picked = self.starts[classes] + (rng.random(self.batch_size) * self.counts[classes]).astype(np.int64)
        if not self.pairs:
            return self.rows[picked], self.onehot[classes]
        partner = self.starts[classes] + (rng.random(self.batch_size) * self.counts[classes]).astype(np.int64)
        return self.rows[picked], self.rows[partner], self.onehot[classes]

    def __iter__(self):
        return (self.batch(i) for i in range(self.first, self.stop))


class TrainerCache:
    """Compiled table GANs kept for reuse by later fits with the same layout.

    Tracing Keras's training function into a TensorFlow graph costs more than a
    small table's whole training budget, and cross-validation or a grid search
    fits the same layout again and again. A fit takes a GAN out of the cache (so two
    threads never share one), resets it with :meth:`ConditionalGAN.reset` and puts
    it back when it has trained; at most ``size`` are kept, the least recently
    used dropped first. Results are the same as with a new GAN.

    Parameters
    ----------
    size : int, default=4
    """

    def __init__(self, size=4):
        self.size = int(size)
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key):
        """The GAN kept under ``key``, removed from the cache, or None."""
        with self._lock:
            return self._items.pop(key, None)

    def put(self, key, gan):
        """Keep ``gan`` for a later fit with the same ``key``."""
        with self._lock:
            self._items[key] = gan
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self):
        """Drop every kept GAN."""
        with self._lock:
            self._items.clear()

    def __len__(self):
        return len(self._items)


#: The process's cache of compiled table GANs (see :class:`TrainerCache`).
TRAINERS = TrainerCache()


class StopOnNonFinite(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose losses are NaN or infinite.

    The estimator then reads the epoch from the history and raises, so no NaN row
    is ever generated.
    """

    def on_epoch_end(self, epoch, logs=None):
        """Stop training when any of the epoch's losses is not finite."""
        if any(not np.isfinite(float(v)) for v in (logs or {}).values()):
            self.model.stop_training = True


def compile_gan(gan, settings, lr_scale=1.0, **kwargs):
    """Compile ``gan`` with one :class:`ganaug.nn.gan.Adam` per network, at the
    settings' learning rates times ``lr_scale`` and betas ``settings.adam_betas``."""
    from ganaug.nn.gan import Adam

    d_lr = settings.discriminator_lr * lr_scale
    g_lr = settings.generator_lr * lr_scale
    beta_1, beta_2 = settings.adam_betas
    gan.compile(
        d_optimizer=Adam(d_lr, beta_1=beta_1, beta_2=beta_2),
        g_optimizer=Adam(g_lr, beta_1=beta_1, beta_2=beta_2),
        **kwargs,
    )


def fit_gan(gan, batches, settings, callbacks=None):
    """Train ``gan`` on ``batches`` for ``settings.epochs`` epochs; returns the
    per-epoch mean losses as ``{"d_loss": [...], "g_loss": [...]}``. Training stops
    after the first epoch with a NaN or infinite loss (:class:`StopOnNonFinite`);
    :func:`check_divergence` then names it. Under JAX and PyTorch the loop is
    :func:`ganaug.nn.steps.fit`'s."""
    if not tensorflow_backend():
        from ganaug.nn.steps import fit

        return fit(gan, batches, settings.epochs, settings.steps_per_epoch,
                   [StopOnNonFinite(), *(callbacks or [])], verbose=2 if settings.verbose else 0)
    history = gan.fit(
        batches,
        epochs=settings.epochs,
        steps_per_epoch=settings.steps_per_epoch,
        verbose=2 if settings.verbose else 0,
        callbacks=[StopOnNonFinite(), *(callbacks or [])],
        shuffle=False,
    )
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def check_divergence(history):
    """Raise :class:`TrainingDivergedError` naming the first epoch with a NaN or
    infinite loss in ``history``."""
    for name, values in history.items():
        bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
        if bad:
            raise TrainingDivergedError(
                f"Training diverged: {name} became {values[bad[0]]} at epoch "
                f"{bad[0] + 1}. Lower generator_lr and discriminator_lr, or set "
                "on_divergence='restart'."
            )


#: Restarts of a diverged fit with ``on_divergence='restart'``.
RESTARTS = 3


def train_with_restarts(attempt, on_divergence, stacklevel=2):
    """``attempt(lr_scale)``, again with learning rates divided by 10 when it raises
    :class:`TrainingDivergedError` and ``on_divergence`` is 'restart' (up to
    :data:`RESTARTS` times, each with a warning); 'raise' raises at once."""
    restarts = RESTARTS if on_divergence == "restart" else 0
    lr_scale = 1.0
    for tried in range(restarts + 1):
        try:
            return attempt(lr_scale)
        except TrainingDivergedError:
            if tried == restarts:
                raise
            lr_scale /= 10.0
            warnings.warn(
                f"Training diverged; restarting with learning rates x{lr_scale:g}.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
    return None
