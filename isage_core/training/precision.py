"""Which layers of a network train in bfloat16 on a CPU.

Under CPU bfloat16 autocast every convolution runs in bfloat16. oneDNN's backward pass of depthwise
convolutions is far slower in bfloat16 than in float32 (an Intel Xeon with AMX, channels-last, 4 patches,
2026-12-07: 21.5 ms against 3.4 ms at 1152 channels of 8², 38.0 against 5.4 ms at 144 channels of 64²;
in all 284 ms of a 484 ms step), so they are kept in float32, which is also exact where bfloat16 rounds.
"""

from __future__ import annotations

import torch


class Float32Conv2d(torch.nn.Conv2d):
    """A convolution that computes in float32 whatever autocast asks for (its output is float32)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(device_type=x.device.type, enabled=False):
            return super().forward(x.float())


def is_depthwise(module: torch.nn.Module) -> bool:
    return type(module) is torch.nn.Conv2d and module.groups > 1 and module.groups == module.in_channels


def keep_depthwise_float32(network: torch.nn.Module) -> int:
    """Make ``network``'s depthwise convolutions compute in float32 under autocast, in place: the same
    parameters and state dict, only the class of those modules changes. Returns how many there are."""
    count = 0
    for module in network.modules():
        if is_depthwise(module):
            module.__class__ = Float32Conv2d
            count += 1
    return count
