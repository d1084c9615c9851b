"""The Error-Weighted Dice Loss and masked cross-entropy against values worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from isage_core.errors import IsageError
from isage_core.settings import TrainSettings
from isage_core.training.losses import IGNORE, error_weighted_dice_loss, make_loss, masked_cross_entropy

# A 1x3x2x2 batch: pixel (row, col) -> logits of classes 0, 1, 2 and its label.
PIXELS = {
    (0, 0): ([2.0, 0.0, 0.0], 0),  # predicted 0: right
    (0, 1): ([0.0, 1.0, 0.0], 2),  # predicted 1: wrong
    (1, 0): ([0.0, 0.0, 3.0], IGNORE),  # unlabelled: takes no part
    (1, 1): ([1.0, 0.0, 2.0], 1),  # predicted 2: wrong
}


def tensors(pixels=PIXELS, dtype=torch.float64):
    logits = torch.zeros(1, 3, 2, 2, dtype=dtype)
    labels = torch.full((1, 2, 2), IGNORE, dtype=torch.int64)
    for (r, c), (scores, label) in pixels.items():
        logits[0, :, r, c] = torch.tensor(scores, dtype=dtype)
        labels[0, r, c] = label
    return logits, labels


def softmax(scores):
    exps = [math.exp(s) for s in scores]
    return [e / sum(exps) for e in exps]


def ewdl_by_hand(pixels, lam, eps=1.0, classes=3):
    """The formula, spelled out in plain Python."""
    rows = [(softmax(s), y) for s, y in pixels.values() if y != IGNORE]
    raw = [lam if max(range(classes), key=lambda k: p[k]) != y else 1.0 for p, y in rows]
    w = [v * len(rows) / sum(raw) for v in raw]
    total = 0.0
    for c in range(classes):
        inter = sum(wi * (1.0 if y == c else 0.0) * p[c] for wi, (p, y) in zip(w, rows, strict=True))
        denom = sum(wi * ((1.0 if y == c else 0.0) + p[c]) for wi, (p, y) in zip(w, rows, strict=True))
        total += 1 - (2 * inter + eps) / (denom + eps)
    return total / classes


def test_hand_computed_values_and_weighting():
    logits, labels = tensors()
    plain = error_weighted_dice_loss(logits, labels, error_weight=1.0).item()
    weighted = error_weighted_dice_loss(logits, labels, error_weight=5.0).item()
    assert plain == pytest.approx(ewdl_by_hand(PIXELS, 1.0), abs=1e-12)
    assert weighted == pytest.approx(ewdl_by_hand(PIXELS, 5.0), abs=1e-12)
    # Spelled-out numbers for lambda = 5: weights 1, 5, 5 rescaled to sum 3 -> 3/11, 15/11, 15/11.
    p00, p01, p11 = softmax([2, 0, 0]), softmax([0, 1, 0]), softmax([1, 0, 2])
    w = [3 / 11, 15 / 11, 15 / 11]
    d0 = 1 - (2 * w[0] * p00[0] + 1) / (w[0] * (1 + p00[0]) + w[1] * p01[0] + w[2] * p11[0] + 1)
    d1 = 1 - (2 * w[2] * p11[1] + 1) / (w[0] * p00[1] + w[1] * p01[1] + w[2] * (1 + p11[1]) + 1)
    d2 = 1 - (2 * w[1] * p01[2] + 1) / (w[0] * p00[2] + w[1] * (1 + p01[2]) + w[2] * p11[2] + 1)
    assert weighted == pytest.approx((d0 + d1 + d2) / 3, abs=1e-12)
    assert abs(weighted - plain) > 1e-3  # the weights matter when some labelled pixels are wrong


def test_unlabelled_pixels_ignored_entirely():
    logits, labels = tensors()
    changed = logits.clone()
    changed[0, :, 1, 0] = torch.tensor([9.0, -4.0, 0.5], dtype=torch.float64)
    for lam in (1.0, 5.0):
        assert error_weighted_dice_loss(changed, labels, lam).item() == pytest.approx(
            error_weighted_dice_loss(logits, labels, lam).item(), abs=1e-15
        )


def test_absent_classes_count_in_the_mean():
    pixels = {k: v for k, v in PIXELS.items() if v[1] != 1}  # class 1 has no labelled pixel
    pixels[(1, 1)] = ([1.0, 0.0, 2.0], IGNORE)
    logits, labels = tensors(pixels)
    for lam in (1.0, 5.0):
        assert error_weighted_dice_loss(logits, labels, lam).item() == pytest.approx(
            ewdl_by_hand(pixels, lam), abs=1e-12
        )


def test_all_correct_means_lambda_has_no_effect():
    pixels = {(0, 0): ([2.0, 0.0, 0.0], 0), (0, 1): ([0.0, 1.0, 0.0], 1), (1, 1): ([0.0, 0.0, 1.5], 2)}
    logits, labels = tensors(pixels)
    one = error_weighted_dice_loss(logits, labels, 1.0).item()
    assert error_weighted_dice_loss(logits, labels, 5.0).item() == pytest.approx(one, abs=1e-15)
    assert one == pytest.approx(ewdl_by_hand(pixels, 1.0), abs=1e-12)


def test_gradients_reach_labelled_logits_and_match_the_formula_with_constant_weights():
    logits, labels = tensors()
    logits.requires_grad_(True)
    loss = error_weighted_dice_loss(logits, labels, 5.0)
    loss.backward()
    grad = logits.grad
    assert torch.all(grad[0, :, 1, 0] == 0)  # the unlabelled pixel gets no gradient
    assert grad[0, :, 0, 1].abs().sum() > 0 and grad[0, :, 1, 1].abs().sum() > 0
    # Central differences of the hand formula: small steps flip no argmax, so the weights stay
    # constant; autograd agrees only if no gradient flows through w.
    h = 1e-6
    for (r, c), (scores, label) in PIXELS.items():
        for k in range(3):
            up = {**PIXELS, (r, c): ([s + (h if i == k else 0) for i, s in enumerate(scores)], label)}
            down = {**PIXELS, (r, c): ([s - (h if i == k else 0) for i, s in enumerate(scores)], label)}
            numeric = (ewdl_by_hand(up, 5.0) - ewdl_by_hand(down, 5.0)) / (2 * h)
            assert grad[0, k, r, c].item() == pytest.approx(numeric, abs=1e-7)


def test_weights_are_computed_without_gradient():
    logits, labels = tensors()
    logits.requires_grad_(True)
    seen = []
    original = torch.Tensor.argmax

    def spy(self, *args, **kwargs):
        seen.append(torch.is_grad_enabled())
        return original(self, *args, **kwargs)

    torch.Tensor.argmax = spy
    try:
        error_weighted_dice_loss(logits, labels, 5.0)
    finally:
        torch.Tensor.argmax = original
    assert seen == [False]


def test_no_labelled_pixel_gives_zero_loss_with_a_graph():
    logits = torch.randn(2, 3, 4, 4, requires_grad=True)
    labels = torch.full((2, 4, 4), IGNORE)
    for loss in (error_weighted_dice_loss(logits, labels), masked_cross_entropy(logits, labels)):
        assert loss.item() == 0.0 and loss.grad_fn is not None
        loss.backward()
        assert torch.all(logits.grad == 0)


def test_labels_out_of_range_refused():
    logits, labels = tensors()
    labels[0, 0, 0] = 3
    with pytest.raises(ValueError):
        error_weighted_dice_loss(logits, labels)


def test_cross_entropy_by_hand_and_make_loss():
    logits, labels = tensors()
    expected = -sum(math.log(softmax(s)[y]) for s, y in PIXELS.values() if y != IGNORE) / 3
    assert masked_cross_entropy(logits, labels).item() == pytest.approx(expected, abs=1e-12)
    assert make_loss(TrainSettings(loss="ce"))(logits, labels).item() == pytest.approx(expected, abs=1e-12)
    ewdl = make_loss(TrainSettings(loss="ewdl", error_weight=5.0))(logits, labels).item()
    assert ewdl == pytest.approx(ewdl_by_hand(PIXELS, 5.0), abs=1e-12)
    assert make_loss(TrainSettings(error_weight=1.0))(logits, labels).item() == pytest.approx(
        ewdl_by_hand(PIXELS, 1.0), abs=1e-12
    )
    with pytest.raises(IsageError):
        make_loss(TrainSettings(loss="focal"))


def test_half_precision_logits_are_promoted():
    logits, labels = tensors(dtype=torch.float16)
    loss = error_weighted_dice_loss(logits, labels, 5.0)
    assert loss.dtype == torch.float32
    assert loss.item() == pytest.approx(ewdl_by_hand(PIXELS, 5.0), abs=1e-3)
