"""The model kinds the trainer knows, chosen by the config key `model`: what each one's run holds
(networks, optimizers), what it logs and guards, how it draws z, and how its curves are drawn.
The loop, checkpoints, `sample` and `evaluate` read these instead of assuming BEGAN."""
from dataclasses import dataclass
from typing import Callable

from began_lite.alpha_gan import NETWORKS as ALPHA_NETWORKS
from began_lite.alpha_gan import build_alpha_gan, sample_prior
from began_lite.began import sample_z
from began_lite.errors import UserError
from began_lite.nets import build_began
from began_lite.train.config import Config
from began_lite.viz.curves import PANELS


@dataclass(frozen=True)
class Kind:
    """One model kind; `networks` and `optimizers` are also their keys in a checkpoint."""
    name: str
    networks: tuple[str, ...]      # in the order the step function takes them
    optimizers: tuple[str, ...]    # one Adam per network, same order
    window_keys: tuple[str, ...]   # step numbers averaged into each metrics.jsonl line
    finite_keys: tuple[str, ...]   # a NaN or inf in one of these stops the run
    uses_k: bool                   # BEGAN's k_t: kept in the state, logged, checkpointed
    schedule_key: str | None       # the window mean the lr rule watches (None: no rule)
    panels: tuple                  # curves.png: (keys, y label, labels) per panel
    build: Callable[[Config], dict]
    prior: Callable                # prior(batch, z_dim, generator=, device=) -> (batch, z_dim)
    postfix: Callable              # postfix(result, k) -> the progress bar's numbers
    distributed: bool              # may run under torchrun (DDP)


def _build_began(config: Config) -> dict:
    generator, discriminator = build_began(config.image_size, config.channels, config.n,
                                           config.h, config.z_dim, repeat=config.repeat,
                                           skip=config.skip, generator_n=config.generator_n,
                                           generator_repeat=config.generator_repeat)
    return {"generator": generator, "discriminator": discriminator}


def _build_alpha_gan(config: Config) -> dict:
    return build_alpha_gan(config.image_size, config.channels, config.n, config.z_dim,
                           repeat=config.repeat, skip=config.skip, code_hidden=config.code_hidden)


BEGAN = Kind(
    name="began", networks=("generator", "discriminator"), optimizers=("opt_g", "opt_d"),
    window_keys=("loss_real", "loss_fake", "loss_d", "loss_g", "M"),
    finite_keys=("loss_real", "loss_fake", "loss_d", "loss_g"), uses_k=True, schedule_key="M",
    panels=tuple(PANELS), build=_build_began, prior=sample_z,
    postfix=lambda result, k: {"M": f"{result.M:.4f}", "k": f"{k:.4f}"}, distributed=True)

ALPHA_GAN = Kind(
    name="alpha-gan", networks=ALPHA_NETWORKS, optimizers=("opt_e", "opt_g", "opt_d", "opt_c"),
    window_keys=("rec", "adv_rec", "adv_gen", "code_adv", "loss_e", "loss_g", "loss_d",
                 "loss_c"),
    finite_keys=("loss_e", "loss_g", "loss_d", "loss_c"), uses_k=False, schedule_key=None,
    panels=((("rec",), "lambda ||x - G(E(x))||_1", ("reconstruction",)),
            (("loss_d", "loss_c"), "discriminators' losses", ("L_D", "L_C")),
            (("adv_rec", "adv_gen", "code_adv"), "-logit terms of L_G, L_E",
             ("G on G(E(x))", "G on G(z)", "E on E(x)")),
            (("lr",), "learning rate", ("lr",))),
    build=_build_alpha_gan, prior=sample_prior,
    postfix=lambda result, k: {"rec": f"{result.rec:.2f}", "L_D": f"{result.loss_d:.3f}"},
    # D sees x, G(E(x)) and G(z), and G's loss passes through D: one DDP forward per backward
    # does not hold, so alpha-GAN trains in one process.
    distributed=False)

KINDS = {kind.name: kind for kind in (BEGAN, ALPHA_GAN)}


def kind_of(config: Config) -> Kind:
    """The Kind of a run's config (config.model)."""
    return KINDS[config.model]


def build_models(config: Config) -> dict:
    """{checkpoint key: network} for `config`, in the kind's order, freshly initialised."""
    return kind_of(config).build(config)


def check_kind(found: str, wanted: str, path, fix: str) -> None:
    """A one-line UserError naming both kinds when a checkpoint holds another model kind."""
    if found != wanted:
        raise UserError(f"{path} holds a model of kind {found!r}, not {wanted!r}; {fix}")
