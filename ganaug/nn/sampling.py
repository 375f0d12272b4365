"""Drawing from a trained generator: one traced function per network layout.

A Keras model called directly runs eagerly, layer by layer (10-40 ms a call for a
small table generator); :func:`sampling_function` and :func:`layout_sampling_function`
trace its inference pass once, with the batch dimension left open (2-5 ms a call).
A table fit keeps only its weights (:class:`TrainedGenerator`) and samples through
the one function of its layout: about 0.025 s of model copy and 0.06 s of trace saved
per fit, outputs bit for bit the same. :func:`run_generator` feeds any of them noise,
labels and (for an image generator that moves real images) source images, in chunks,
and never lets a NaN through.

Under JAX, a Keras call outside ``jax.jit`` runs op by op, and each op compiles once
per new shape (0.05-1 s each on a 2-core CPU): :func:`compiled_inference` jits a call
once and pads its batches to a few sizes (:data:`IMAGE_PADDING` for image networks,
whose redraws shrink from batch to batch), so that its traces are reused. The image
judge, the warp layer and the averaged generator's BatchNorm statistics
(:func:`training_pass`) go through it too: under JAX, sampling 1,000 8x8 digits
right after fit took 28 s, 4 s with them (2-core CPU, ``benchmarks/perf/backends.py``).
"""

from __future__ import annotations

import contextlib
import logging
import weakref

import numpy as np

from ganaug.nn.backend import keras, load_tensorflow, ops, tensorflow_backend

__all__ = [
    "IMAGE_PADDING",
    "TrainedGenerator",
    "check_finite",
    "compiled_inference",
    "layout_sampling_function",
    "padded_size",
    "noise",
    "quiet_retracing",
    "run_generator",
    "sampling_function",
    "training_pass",
]

# Batch sizes a jitted call is padded to under JAX, ``(least, growth)``: least, least *
# growth, least * growth**2, ... Tables: powers of two. Image networks: 64, 256, 1,024
# (a check's redraws shrink from batch to batch; a trace costs more than the padding).
TABLE_PADDING = (1, 2)
IMAGE_PADDING = (64, 4)

_SAMPLING_FUNCTIONS = weakref.WeakKeyDictionary()


def sampling_function(generator, padding=TABLE_PADDING):
    """The generator's inference pass as one ``tf.function``, traced once for any batch size.

    Called directly, a Keras model runs eagerly, layer by layer: 10-40 ms a call for a
    small tabular generator, most of it Python overhead, and a fit draws two or three
    dozen small batches. Keras's ``predict_on_batch`` is traced but traces twice before
    it relaxes the batch dimension. This function is traced once (about 0.1 s) with the
    batch dimension left open, then costs 2-5 ms per call; its outputs are the eager
    call's. Kept per generator, and only as long as the generator lives. Under JAX and
    PyTorch: :func:`layout_sampling_function` with the model's weights of the moment
    (``padding``: the batch sizes of :func:`compiled_inference`; TensorFlow has none).
    """
    if not tensorflow_backend():
        functions = _SAMPLING_FUNCTIONS.setdefault(generator, {})
        function = functions.get(padding)
        if function is None:
            model = weakref.ref(generator)
            layout = layout_sampling_function(generator, padding)

            def function(*x):
                return layout([v.value for v in model().trainable_variables],
                              [v.value for v in model().non_trainable_variables], list(x))

            functions[padding] = function
        return function
    function = _SAMPLING_FUNCTIONS.get(generator)
    if function is None:
        tf = load_tensorflow()
        model = weakref.ref(generator)  # the function must not keep its key alive
        signature = [tf.TensorSpec((None, *x.shape[1:]), x.dtype) for x in generator.inputs]
        function = tf.function(lambda *x: model()(list(x), training=False), input_signature=signature)
        _SAMPLING_FUNCTIONS[generator] = function
    return function


_LAYOUT_FUNCTIONS = weakref.WeakKeyDictionary()


def layout_sampling_function(template, padding=TABLE_PADDING):
    """The inference pass of any generator with ``template``'s layout, as one
    ``tf.function`` of ``(trainable weights, non-trainable weights, inputs)``.

    Keras's ``stateless_call`` runs ``template``'s layers with the weights it is given,
    so generators trained one after another in a reused compiled GAN (see
    :class:`TrainerCache`) share one trace, where a model copy per fit costs a clone
    and a trace of its own (about 0.08 s on a 2-core CPU, a tenth of a small table's
    fit). The batch dimension is left open; the outputs are those of
    :func:`sampling_function` on a model with these weights, bit for bit. Under JAX
    and PyTorch it is :func:`compiled_inference`'s (``padding``: its batch sizes).
    """
    functions = _LAYOUT_FUNCTIONS.setdefault(template, {})
    function = functions.get(padding)
    if function is None:
        model = weakref.ref(template)  # the function must not keep its key alive

        def run(trainable, non_trainable, inputs):
            inputs = list(inputs) if len(inputs) > 1 else inputs[0]  # as the model takes them
            outputs, _ = model().stateless_call(trainable, non_trainable, inputs, training=False)
            return outputs

        function = compiled_inference(run, padding)
        if function is not None:
            functions[padding] = function
            return function
        tf = load_tensorflow()
        signature = [
            [tf.TensorSpec(v.shape, v.dtype) for v in template.trainable_variables],
            [tf.TensorSpec(v.shape, v.dtype) for v in template.non_trainable_variables],
            [tf.TensorSpec((None, *x.shape[1:]), x.dtype) for x in template.inputs],
        ]
        function = tf.function(run, input_signature=signature)
        functions[padding] = function
    return function


def padded_size(n, padding=TABLE_PADDING):
    """The batch size ``n`` rows are padded to: the least ``least * growth**k`` that
    holds them (``padding = (least, growth)``)."""
    least, growth = padding
    size = least
    while size < n:
        size *= growth
    return size


def compiled_inference(run, padding=TABLE_PADDING):
    """``run(*args, inputs)`` compiled for the running backend other than TensorFlow
    (None under TensorFlow), for an inference pass in which rows do not mix.

    Under JAX, ``jax.jit(run)``, the arrays of the list ``inputs`` padded with zero rows
    to :func:`padded_size` (``padding``), so that it is traced once per size rather
    than per batch size; the outputs (a tensor or a list of them) are cut back to the
    rows given. Under PyTorch, the eager call without gradients.
    """
    backend = keras.config.backend()
    if backend == "jax":
        import jax

        compiled = jax.jit(run)

        def padded(*args):
            *args, inputs = args
            inputs = [np.asarray(x) for x in inputs]
            n = int(inputs[0].shape[0])
            size = padded_size(n, padding)
            if size > n:
                inputs = [np.concatenate([x, np.zeros((size - n, *x.shape[1:]), x.dtype)]) for x in inputs]
            # cut on the host: a slice of a JAX array compiles once per length
            return jax.tree_util.tree_map(lambda x: np.asarray(x)[:n], compiled(*args, inputs))

        return padded
    if backend == "torch":
        import torch

        def no_grad(*args):
            with torch.no_grad():
                return run(*args)

        return no_grad
    return None


def training_pass(model):
    """``(trainable, non_trainable, inputs) -> (outputs, non_trainable)``: ``model``'s
    forward pass in training mode (BatchNorm's batch statistics, the moving ones
    updated), compiled as :func:`compiled_inference` is but without padding (padded
    rows would count in the statistics); None under TensorFlow. Traced once per batch
    size and per call of this function (layer attributes such as BatchNorm's momentum
    are read when it is traced)."""
    def run(trainable, non_trainable, inputs):
        return model.stateless_call(trainable, non_trainable, list(inputs), training=True)

    backend = keras.config.backend()
    if backend == "jax":
        import jax

        return jax.jit(run)
    return compiled_inference(run)


class TrainedGenerator:
    """A trained table generator, held as its weights and the model whose layout they fit.

    Calling it runs :func:`layout_sampling_function`, traced once per layout; a Keras
    model with these weights is built only when asked for (:meth:`model`: to save it,
    or to look at it). ``template`` may go on training (a GAN reused by later fits):
    only its layout is used.

    Parameters
    ----------
    template : keras.Model
        The generator that was trained; its weights are copied now.
    """

    def __init__(self, template):
        self.template = template
        self.trainable = [_constant(v) for v in template.trainable_variables]
        self.non_trainable = [_constant(v) for v in template.non_trainable_variables]

    @property
    def inputs(self):
        return self.template.inputs

    def __call__(self, *inputs):
        return layout_sampling_function(self.template)(self.trainable, self.non_trainable, list(inputs))

    def model(self):
        """A new Keras model with the template's layout and these weights."""
        copy = keras.models.clone_model(self.template)
        for variables, values in ((copy.trainable_variables, self.trainable),
                                  (copy.non_trainable_variables, self.non_trainable)):
            for variable, value in zip(variables, values, strict=True):
                variable.assign(value)
        return copy


def _constant(variable):
    """A copy of the variable's value as a tensor of the backend."""
    return ops.convert_to_tensor(ops.convert_to_numpy(variable.value))


def noise(rng, n, dim):
    """Latent noise from a seed drawn from ``rng`` (NumPy's fast float32 normals)."""
    seed = rng.randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed).standard_normal((n, dim), dtype=np.float32)


def check_finite(encoded):
    """Never decode a NaN or infinite generator output into rows."""
    if not np.isfinite(encoded).all():
        from ganaug.exceptions import TrainingDivergedError

        raise TrainingDivergedError(
            "The generator produced NaN or infinite values; refit with lower learning "
            "rates (or on_divergence='restart')."
        )


@contextlib.contextmanager
def quiet_retracing():
    """Hide TensorFlow's warning that a function was traced again: each new image or
    loaded generator traces its own sampling function (:func:`sampling_function`),
    as does each new table layout, and TensorFlow counts them together."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        logger.setLevel(level)


def run_generator(generate, labels, n_classes, latent_dim, rng, shape, chunk, sources=None,
                  padding=TABLE_PADDING):
    """The generator's output for the class indices ``labels``, in chunks; never NaN.

    Parameters
    ----------
    generate : TrainedGenerator or keras.Model
        A model is run through :func:`sampling_function` (traced once per model).
    labels : ndarray of int
    n_classes, latent_dim : int
    rng : numpy.random.RandomState
        Gives the noise's seed (one draw).
    shape : tuple of int
        The shape of one output.
    chunk : int
        Rows per call.
    sources : ndarray, optional
        For an image generator that moves real images: one source image per label.
    padding : (int, int), default=TABLE_PADDING
        Under JAX, the batch sizes calls are padded to (:func:`compiled_inference`).

    Returns
    -------
    ndarray of float32, shape ``(len(labels), *shape)``
    """
    n = len(labels)
    z = noise(rng, n, latent_dim)
    onehot = np.eye(n_classes, dtype=np.float32)[labels]
    encoded = np.zeros((n, *shape), dtype=np.float32)
    if not isinstance(generate, TrainedGenerator):
        generate = sampling_function(generate, padding)  # traced once per model
    with quiet_retracing():
        for start in range(0, n, chunk):
            batch = [z[start : start + chunk], onehot[start : start + chunk]]
            if sources is not None:
                batch.append(sources[start : start + chunk])
            encoded[start : start + chunk] = ops.convert_to_numpy(generate(*batch))
    check_finite(encoded)
    return encoded
