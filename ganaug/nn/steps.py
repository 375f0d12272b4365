"""A :class:`~ganaug.nn.gan.ConditionalGAN`'s training step on each Keras backend.

Under TensorFlow, Keras's ``fit`` runs :meth:`ConditionalGAN.train_step`, traced into a
``tf.function``, on a ``tf.data`` pipeline. Under JAX and PyTorch, :func:`fit` runs
the loop itself, with one small step per backend around the same losses as
TensorFlow's: :meth:`ConditionalGAN.step_losses` (one pass of both networks, both
losses, simultaneous updates) or, for ``loss="wgan-gp"``
(:attr:`ConditionalGAN.alternating`), :meth:`ConditionalGAN.critic_loss` with its
gradient penalty, the critic's update, then :meth:`ConditionalGAN.generator_loss`
against the updated critic:

- JAX (:class:`JaxStep`): a pure function of the weights, the other state (BatchNorm
  statistics, random seeds, the EMA generator) and both optimizers' variables,
  compiled whole by ``jax.jit``. The networks run inside a
  ``keras.StatelessScope``; ``jax.vjp`` gives both losses' gradients from one
  forward pass, and each optimizer's ``stateless_apply`` its network's new weights.
  The alternating step takes ``jax.value_and_grad`` of each loss in turn; the
  penalty's gradient with respect to the mixed inputs is a nested ``jax.grad`` of
  the critic in its own scope, whose state changes (seeds, statistics) go back to
  the step's. The values stay on the device between steps and go back to the Keras
  variables at the end of each epoch (where callbacks may read them).
- PyTorch (:class:`TorchStep`): the networks run eagerly, ``torch.autograd.grad``
  takes both losses' gradients from the one graph, and each optimizer applies its own;
  the penalty's gradient is ``torch.autograd.grad(..., create_graph=True)``, so that
  the critic's gradient goes through it.

Batches come from :func:`ganaug.nn.training.balanced_batches` (NumPy arrays on these
backends). Each epoch's losses are the mean of its steps', as Keras's trackers give
them; callbacks get ``on_epoch_end`` with them, and a callback that sets
``model.stop_training`` stops the fit.
"""

from __future__ import annotations

import numpy as np

from ganaug.nn.backend import keras, ops

__all__ = ["JaxStep", "TorchStep", "fit", "make_step"]


def make_step(gan):
    """The training step of ``gan`` for the running Keras backend (kept on the GAN, so a
    GAN reused from :data:`ganaug.nn.training.TRAINERS` keeps its compiled step)."""
    backend = keras.config.backend()
    step = getattr(gan, "_ganaug_step", None)
    if step is None or step.backend != backend:
        if backend == "jax":
            step = JaxStep(gan)
        elif backend == "torch":
            step = TorchStep(gan)
        else:
            raise NotImplementedError(f"No GAN training step for the Keras backend {backend!r}.")
        gan._ganaug_step = step
    return step


def fit(gan, batches, epochs, steps_per_epoch, callbacks=(), verbose=0):
    """Train ``gan`` for ``epochs`` epochs of ``steps_per_epoch`` batches from the
    iterable ``batches``; returns ``{"d_loss": [...], "g_loss": [...]}``, the mean of
    each epoch's steps, as Keras's ``fit`` history does."""
    step = make_step(gan)
    callback_list = keras.callbacks.CallbackList(
        list(callbacks), add_progbar=bool(verbose), model=gan, verbose=verbose,
        epochs=epochs, steps=steps_per_epoch,
    )
    history = {"d_loss": [], "g_loss": []}
    batches = iter(batches)
    gan.stop_training = False
    callback_list.on_train_begin()
    step.start()
    for epoch in range(epochs):
        callback_list.on_epoch_begin(epoch)
        losses = [step(next(batches)) for _ in range(steps_per_epoch)]
        step.finish()  # the variables hold the weights, for the callbacks
        d_loss, g_loss = np.mean(np.asarray([[ops.convert_to_numpy(v) for v in pair] for pair in losses],
                                            dtype=np.float64), axis=0)
        logs = {"d_loss": float(d_loss), "g_loss": float(g_loss)}
        for name, value in logs.items():
            history[name].append(value)
        callback_list.on_epoch_end(epoch, logs)
        if gan.stop_training:
            break
    callback_list.on_train_end()
    return history


class JaxStep:
    """One jitted, stateless step of both networks (see the module docstring)."""

    backend = "jax"

    def __init__(self, gan):
        import jax

        self.gan = gan
        self.g_vars = list(gan.generator.trainable_variables)
        self.d_vars = list(gan.discriminator.trainable_variables)
        trained = {id(v) for v in self.g_vars + self.d_vars}
        # BatchNorm statistics, random seeds, the EMA generator: read and written, not trained
        self.state_vars = [v for v in gan.variables if id(v) not in trained]
        self.g_opt_vars = list(gan.g_optimizer.variables)
        self.d_opt_vars = list(gan.d_optimizer.variables)
        self.groups = (self.g_vars, self.d_vars, self.state_vars, self.g_opt_vars, self.d_opt_vars)
        self.values = None
        pure = self.pure_alternating_step if gan.alternating else self.pure_step
        self.compiled = jax.jit(pure, donate_argnums=(0,))

    def start(self):
        """Read the variables' values (a reset GAN starts from new ones)."""
        self.values = tuple([v.value for v in group] for group in self.groups)

    def finish(self):
        """Write the values back into the Keras variables."""
        for group, values in zip(self.groups, self.values):
            for variable, value in zip(group, values):
                variable.assign(value)

    def __call__(self, batch):
        self.values, losses = self.compiled(self.values, tuple(batch))
        return losses

    def pure_step(self, values, batch):
        """``(new values, (d_loss, g_loss))`` from ``values`` (as :attr:`groups`) and a batch."""
        import jax
        import jax.numpy as jnp

        gan = self.gan
        g, d, state, g_opt, d_opt = values

        def losses(g, d):
            mapping = [*zip(self.g_vars, g), *zip(self.d_vars, d), *zip(self.state_vars, state)]
            with keras.StatelessScope(state_mapping=mapping) as scope:
                pair = gan.step_losses(batch)
            return pair, [scope.get_current_value(v) for v in self.state_vars]

        (d_loss, g_loss), pullback, state = jax.vjp(losses, g, d, has_aux=True)
        one, zero = jnp.ones_like(d_loss), jnp.zeros_like(d_loss)
        _, d_grads = pullback((one, zero))
        g_grads, _ = pullback((zero, one))
        d, d_opt = gan.d_optimizer.stateless_apply(d_opt, d_grads, d)
        g, g_opt = gan.g_optimizer.stateless_apply(g_opt, g_grads, g)
        return (g, d, self._ema(g, state), g_opt, d_opt), (d_loss, g_loss)

    def pure_alternating_step(self, values, batch):
        """:meth:`pure_step` of an alternating GAN (``wgan-gp``): the critic's loss and
        update, then the generator's loss against the updated critic and its update."""
        import jax
        import jax.numpy as jnp

        gan = self.gan
        g, d, state, g_opt, d_opt = values
        variables = self.g_vars + self.d_vars + self.state_vars

        def run(loss, g, d, state):  # (loss(), new state) with these values
            with keras.StatelessScope(state_mapping=list(zip(variables, [*g, *d, *state]))) as scope:
                value = loss()
            return value, [scope.get_current_value(v) for v in self.state_vars]

        def input_gradient(critic, x):
            # the critic at the values of the step's scope (the outer gradient's tracers)
            current = [v.value for v in variables]
            total = lambda x: run(lambda: jnp.sum(critic(x)), *self._split(current))  # noqa: E731
            grad, state = jax.grad(total, has_aux=True)(x)
            for variable, value in zip(self.state_vars, state):
                variable.assign(value)  # into the step's scope
            return grad

        critic = lambda d: run(lambda: gan.critic_loss(batch, input_gradient), g, d, state)  # noqa: E731
        (d_loss, state), d_grads = jax.value_and_grad(critic, has_aux=True)(d)
        d, d_opt = gan.d_optimizer.stateless_apply(d_opt, d_grads, d)
        generator = lambda g: run(lambda: gan.generator_loss(batch), g, d, state)  # noqa: E731
        (g_loss, state), g_grads = jax.value_and_grad(generator, has_aux=True)(g)
        g, g_opt = gan.g_optimizer.stateless_apply(g_opt, g_grads, g)
        return (g, d, self._ema(g, state), g_opt, d_opt), (d_loss, g_loss)

    def _split(self, values):
        """``values`` of ``g_vars + d_vars + state_vars`` as ``(g, d, state)``."""
        n_g, n_d = len(self.g_vars), len(self.d_vars)
        return values[:n_g], values[n_g : n_g + n_d], values[n_g + n_d :]

    def _ema(self, g, state):
        """``state`` after the EMA generator's update towards the weights ``g``."""
        if self.gan.ema_generator is None:
            return state
        mapping = [*zip(self.g_vars, g), *zip(self.state_vars, state)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            self.gan._update_ema()
        return [scope.get_current_value(v) for v in self.state_vars]


class TorchStep:
    """One eager PyTorch step of both networks (see the module docstring)."""

    backend = "torch"

    def __init__(self, gan):
        self.gan = gan

    def start(self):
        pass

    def finish(self):
        pass

    def __call__(self, batch):
        import torch

        gan = self.gan
        batch = tuple(ops.convert_to_tensor(part) for part in batch)
        if gan.alternating:
            return self._alternating_step(batch)
        d_vars = gan.discriminator.trainable_variables
        g_vars = gan.generator.trainable_variables
        d_loss, g_loss = gan.step_losses(batch)
        d_grads = torch.autograd.grad(d_loss, [v.value for v in d_vars], retain_graph=True)
        g_grads = torch.autograd.grad(g_loss, [v.value for v in g_vars])
        with torch.no_grad():
            gan.d_optimizer.apply(list(d_grads), d_vars)
            gan.g_optimizer.apply(list(g_grads), g_vars)
            if gan.ema_generator is not None:
                gan._update_ema()
        return d_loss.detach(), g_loss.detach()

    def _alternating_step(self, batch):
        """The critic's loss and update, then the generator's against the updated
        critic (``wgan-gp``)."""
        import torch

        gan = self.gan

        def input_gradient(critic, x):
            x = x.detach().requires_grad_(True)  # the penalty's gradient reaches the critic only
            (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
            return grad

        # The critic runs three times in this graph (real, fake, mixed). A spectrally
        # normalised critic (images) writes its kernels in place at each call, which
        # autograd takes for a change to what the earlier calls saved: they save copies
        # of the weights they read instead (the values that TensorFlow's and JAX's
        # gradients use too).
        with torch.autograd.graph.saved_tensors_hooks(_copy_if_weight, _same):
            d_loss = gan.critic_loss(batch, input_gradient)
            self._apply(gan.d_optimizer, d_loss, gan.discriminator.trainable_variables)
        g_loss = gan.generator_loss(batch)
        self._apply(gan.g_optimizer, g_loss, gan.generator.trainable_variables)
        if gan.ema_generator is not None:
            with torch.no_grad():
                gan._update_ema()
        return d_loss.detach(), g_loss.detach()

    @staticmethod
    def _apply(optimizer, loss, variables):
        """One step of ``optimizer`` on ``variables`` down the gradient of ``loss``."""
        import torch

        grads = torch.autograd.grad(loss, [v.value for v in variables])
        with torch.no_grad():
            optimizer.apply(list(grads), variables)


def _copy_if_weight(tensor):
    """A copy of ``tensor`` where it is a trained weight (or a view of one), else itself."""
    base = tensor if tensor._base is None else tensor._base
    if base.is_leaf and base.requires_grad:
        return tensor.clone()
    return tensor


def _same(tensor):
    return tensor
