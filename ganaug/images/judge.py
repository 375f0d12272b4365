"""The label check of generated images: a small CNN trained on the real images.

At fit (with ``filter_labels``), :func:`fit_image_judge` trains an :class:`ImageJudge`
on the real images at the working size, for as many steps as the GAN, at most 300
(``GANAugmenter.image_judge_``). At each draw, :func:`check_labels` draws again an
image the judge does not give its class with probability ``JUDGE_THRESHOLD`` (0.95) or
more, up to ``IMAGE_LABEL_REDRAWS`` times. Its weights are kept as plain numbers, so
that it is saved with the model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["IMAGE_LABEL_REDRAWS", "ImageJudge", "JUDGE_THRESHOLD", "check_labels", "fit_image_judge"]

IMAGE_LABEL_REDRAWS = 6
JUDGE_STEPS = 300  # at most, and no more than the GAN's steps

class ImageJudge:
    """The label check of generated images: a small CNN trained on the real images.

    Three 3x3 convolutions (16, 32 and 64 channels; the last two with stride 2),
    global average pooling and a linear layer give class logits. It is trained on
    the real training images in GAN space, on class-balanced batches, with random
    shifts of up to an eighth of the image (so that it judges shapes, not places),
    for a fixed number of steps. Its weights are kept as plain numbers
    (:meth:`get_state`), so that a saved model checks labels as the fitted one did.

    Parameters
    ----------
    steps : int, default=300
    batch_size : int, default=64
    random_state : int, default=0

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.images.judge import ImageJudge
    >>> Z = np.random.default_rng(0).uniform(-1, 1, (40, 8, 8, 1)).astype("float32")
    >>> y = np.repeat([0, 1], 20)
    >>> ImageJudge(steps=2).fit(Z, y, 2).predict_proba(Z).shape  # doctest: +SKIP
    (40, 2)
    """

    FILTERS = (16, 32, 64)

    def __init__(self, steps=300, batch_size=64, random_state=0):
        self.steps = steps
        self.batch_size = batch_size
        self.random_state = random_state

    def _model(self, input_shape, n_classes, seed, training=False):
        from ganaug.nn.backend import keras, layers

        if keras.config.backend() == "jax":
            init = lambda k: _glorot_uniform(seed + k)  # noqa: E731
        else:
            init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)  # noqa: E731
        inputs = keras.Input(input_shape)
        h = inputs
        if training:
            h = layers.RandomTranslation(0.125, 0.125, fill_mode="nearest", seed=seed, name="shift")(h)
        # each image to zero mean and unit variance: brightness and contrast say nothing
        h = layers.LayerNormalization(axis=(1, 2, 3), center=False, scale=False, name="standardise")(h)
        h = layers.Conv2D(self.FILTERS[0], 3, padding="same", activation="relu", kernel_initializer=init(0), name="conv_0")(h)
        k, side = 1, min(input_shape[:2])
        while side > 2:  # stride-2 convolutions down to a grid of at most 2x2
            filters = self.FILTERS[min(k, len(self.FILTERS) - 1)]
            h = layers.Conv2D(
                filters, 3, strides=2, padding="same", activation="relu", kernel_initializer=init(k), name=f"conv_{k}",
            )(h)
            k, side = k + 1, (side + 1) // 2
        h = layers.GlobalAveragePooling2D(name="pool")(h)
        out = layers.Dense(n_classes, kernel_initializer=init(9), name="logits")(h)
        return keras.Model(inputs, out, name="image_judge")

    def fit(self, Z, y, n_classes):
        """Train on images in GAN space ``Z`` with class indices ``y`` (0..n_classes-1)."""
        from ganaug.nn.backend import keras
        from ganaug.nn.gan import Adam
        from ganaug.nn.training import balanced_batches

        seed = int(self.random_state)
        self.input_shape_ = tuple(int(s) for s in Z.shape[1:])
        self.n_classes_ = int(n_classes)
        model = self._model(self.input_shape_, self.n_classes_, seed, training=True)
        if keras.config.backend() == "jax":
            # RandomTranslation says it does not support XLA (TensorFlow's case only), so
            # Keras would run every step eagerly under JAX, each op compiled once per
            # shape: 33 s instead of 11 s (300 steps on 1,000 8x8 digits, 2-core CPU)
            model.get_layer("shift").supports_jit = True
        model.compile(
            optimizer=Adam(2e-3),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            steps_per_execution=1 if keras.config.backend() == "torch" else 50,  # PyTorch takes 1 only
        )
        steps = max(1, int(self.steps))
        batches = balanced_batches(Z, np.asarray(y), self.n_classes_, self.batch_size, steps, 1, seed=seed)
        model.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
        self.weights_ = [np.asarray(w, dtype=np.float32) for w in model.get_weights()]
        self._set_predictor()
        return self

    def _set_predictor(self):
        self.model_ = self._model(self.input_shape_, self.n_classes_, 0)
        self.model_.set_weights(self.weights_)

    def predict_proba(self, Z, chunk=1024):
        """Class probabilities of images in GAN space.

        Under TensorFlow the model is called eagerly; under JAX and PyTorch through
        :func:`ganaug.nn.sampling.sampling_function` (JAX: one jitted call, batches
        padded to 64, 256 or 1,024 images, where an eager call compiles each op anew
        for each batch size; PyTorch: without gradients).
        """
        from scipy.special import softmax

        from ganaug.nn.backend import ops, tensorflow_backend
        from ganaug.nn.sampling import IMAGE_PADDING, sampling_function

        if tensorflow_backend():
            def predict(z):
                return self.model_(z, training=False)
        else:
            predict = sampling_function(self.model_, IMAGE_PADDING)
        logits = np.concatenate(
            [ops.convert_to_numpy(predict(Z[i : i + chunk])) for i in range(0, len(Z), chunk)]
        ) if len(Z) else np.zeros((0, self.n_classes_), np.float32)
        return softmax(logits.astype(np.float64), axis=1)

    def get_state(self):
        """The fitted judge as plain JSON-safe numbers."""
        return {
            "input_shape": list(self.input_shape_),
            "n_classes": self.n_classes_,
            "weights": [{"shape": list(w.shape), "values": w.ravel().tolist()} for w in self.weights_],
        }

    @classmethod
    def from_state(cls, state):
        judge = cls()
        judge.input_shape_ = tuple(int(s) for s in state["input_shape"])
        judge.n_classes_ = int(state["n_classes"])
        judge.weights_ = [
            np.asarray(w["values"], dtype=np.float32).reshape(w["shape"]) for w in state["weights"]
        ]
        judge._set_predictor()
        return judge


def _glorot_uniform(seed):
    """Glorot-uniform initial weights drawn by NumPy from ``seed``: under JAX, Keras's
    initializers compile a random draw for each new weight shape (0.3-2 s each on a
    2-core CPU, 5 s for the judge's four)."""
    def initializer(shape, dtype=None):
        from ganaug.nn.backend import ops

        receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        values = np.random.default_rng(seed).uniform(-limit, limit, shape)
        return ops.convert_to_tensor(values.astype(np.float32), dtype=dtype)

    return initializer


# the probability the judge must give a generated image's class (and its most likely
# class must be that one) for the image to pass
JUDGE_THRESHOLD = 0.95


def check_labels(generate, judge, labels, redraws, tagged=False):
    """Generate images for ``labels`` (class indices), redrawing those ``judge`` assigns
    to another class.

    ``generate(positions)`` returns GAN-space images for ``labels[positions]`` (with
    ``tagged``, a pair ``(images, tags)``, a tag per image, such as the real image it
    edits). An image the judge assigns to another class is drawn again, up to
    ``redraws`` times; one that never agrees keeps, of its candidates, the one the
    judge finds most like its class.

    Returns
    -------
    images : ndarray
    agreement : float
        The share of all drawn images whose class the judge agreed with.
    tags : ndarray
        With ``tagged`` only: the tags of the images kept.
    passed : ndarray of bool
        With ``tagged`` only: whether the judge agreed with the image kept (False
        where no draw was agreed with).
    """
    wanted = np.arange(len(labels))
    kept, best = None, np.full(len(labels), -np.inf)
    kept_tags = np.zeros(len(labels), dtype=np.intp)
    drawn = agreed = 0
    for _ in range(1 + redraws):
        images = generate(wanted)
        if tagged:
            images, tags = images
        if kept is None:
            kept = np.empty((len(labels), *images.shape[1:]), dtype=images.dtype)
        prob = judge.predict_proba(images)
        ok = (prob.argmax(axis=1) == labels[wanted]) & (prob[np.arange(len(wanted)), labels[wanted]] >= JUDGE_THRESHOLD)
        score = np.where(ok, np.inf, prob[np.arange(len(wanted)), labels[wanted]])
        better = score > best[wanted]
        kept[wanted[better]] = images[better]
        best[wanted[better]] = score[better]
        if tagged:
            kept_tags[wanted[better]] = tags[better]
        drawn, agreed = drawn + len(wanted), agreed + int(ok.sum())
        wanted = wanted[~ok]
        if not len(wanted):
            break
    if tagged:
        return kept, agreed / max(drawn, 1), kept_tags, np.isinf(best)
    return kept, agreed / max(drawn, 1)


def fit_image_judge(encoded, y_idx, n_classes, steps, seed):
    """An :class:`ImageJudge` fitted on the real images ``encoded`` (GAN space) of classes
    ``y_idx``, for ``min(JUDGE_STEPS, steps)`` steps (``steps``: the GAN's)."""
    return ImageJudge(steps=min(JUDGE_STEPS, steps), random_state=seed).fit(encoded, y_idx, n_classes)
