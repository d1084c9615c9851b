"""Losses over sparse labels: the Error-Weighted Dice Loss (EWDL) of iSAGE and cross-entropy.

Labels hold the class channel index of each labelled pixel and :data:`IGNORE` (-1) elsewhere; unlabelled
pixels take no part in either loss.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from ..errors import IsageError
from ..settings import TrainSettings

IGNORE = -1
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _zero(logits: torch.Tensor) -> torch.Tensor:
    """A zero loss still attached to the graph (a batch without labelled pixels)."""
    return logits.sum() * 0.0


def _as_float(logits: torch.Tensor) -> torch.Tensor:
    """Half-precision logits (autocast) are promoted; float32/float64 are kept."""
    return logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits


def _check_labels(labels: torch.Tensor, classes: int) -> None:
    if labels.numel() and (int(labels.min()) < IGNORE or int(labels.max()) >= classes):
        low, high = int(labels.min()), int(labels.max())
        raise ValueError(f"labels must lie in {IGNORE}..{classes - 1}, got {low}..{high}")


def error_weighted_dice_loss(
    logits: torch.Tensor, labels: torch.Tensor, error_weight: float = 5.0, eps: float = 1.0
) -> torch.Tensor:
    """The Error-Weighted Dice Loss over the labelled pixels of a batch.

    Args:
        logits: ``(B, C, H, W)`` raw scores.
        labels: ``(B, H, W)`` int64 class channel indexes, :data:`IGNORE` where unlabelled.
        error_weight: lambda, the weight of a labelled pixel the model currently gets wrong (1: plain Dice).
        eps: smoothing term of the Dice ratio.

    Returns:
        ``(1/C) * sum_c [1 - (2 sum_x w y_c p_c + eps) / (sum_x w (y_c + p_c) + eps)]`` over labelled
        pixels ``x``, with ``p`` the softmax, ``y`` the one-hot labels and ``w(x) = lambda`` where
        ``argmax p(x) != label(x)`` else 1, rescaled so the weights sum to the number of labelled pixels
        (the weights carry no gradient). Every one of the C classes counts, present in the batch or not.
    """
    classes = logits.shape[1]
    _check_labels(labels, classes)
    mask = labels != IGNORE
    count = int(mask.sum())
    if count == 0:
        return _zero(logits)
    probs = torch.softmax(_as_float(logits), dim=1).permute(0, 2, 3, 1)[mask]  # (N, C)
    target = labels[mask]
    onehot = F.one_hot(target, classes).to(probs.dtype)
    with torch.no_grad():
        wrong = probs.argmax(dim=1) != target
        ones = torch.ones_like(probs[:, 0])
        weights = torch.where(wrong, ones * float(error_weight), ones)
        weights = (weights * (count / weights.sum()))[:, None]
    intersection = (weights * onehot * probs).sum(dim=0)
    total = (weights * (onehot + probs)).sum(dim=0)
    dice = (2.0 * intersection + eps) / (total + eps)
    return (1.0 - dice).mean()


def masked_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over labelled pixels (zero, with a graph, when none is labelled)."""
    _check_labels(labels, logits.shape[1])
    if not bool((labels != IGNORE).any()):
        return _zero(logits)
    return F.cross_entropy(_as_float(logits), labels, ignore_index=IGNORE)


def make_loss(settings: TrainSettings) -> LossFn:
    """The loss ``settings.loss`` names: ``ewdl`` (with ``settings.error_weight``) or ``ce``."""
    if settings.loss == "ce":
        return masked_cross_entropy
    if settings.loss == "ewdl":
        weight = float(settings.error_weight)

        def loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            return error_weighted_dice_loss(logits, labels, error_weight=weight)

        return loss
    raise IsageError(f"unknown loss '{settings.loss}'; use ewdl (error-weighted Dice) or ce (cross-entropy)")
