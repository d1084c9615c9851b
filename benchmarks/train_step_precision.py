"""Training seconds per step by precision and memory layout, interleaved in one run on the CPU.

Same network (U-Net, default encoder, 5 classes), same batches (``--batch`` × ``--patch``², seeded),
Adam steps with the error-weighted loss. Variants: fp32; fp32 channels-last; bf16 autocast; bf16
autocast channels-last; the same with the depthwise convolutions in float32 (the engine's default where
the CPU computes bf16); with ``--variants``, also the encoder's stem and first 2, 3 or 4 blocks frozen
(``..._frozen_N``: what a round would save by not training them; their effect on accuracy is not measured
here), and the network compiled by ``torch.compile`` (``..._compiled``; its first step, the compilation
included, is reported as ``warmup_seconds``). Each runs ``--steps`` steps per round, ``--rounds`` rounds
in turn (after one warm-up step); the median round gives s/step. Also reports whether this CPU computes
bf16 natively (oneDNN's AVX-512 BF16 / AMX check). Prints one JSON object.

Example: ``python benchmarks/train_step_precision.py --steps 10 --rounds 3``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Variant(NamedTuple):
    bf16: bool  # bf16 autocast
    channels_last: bool
    frozen: int = 0  # encoder stages frozen: the stem and that many first blocks
    compiled: bool = False  # torch.compile (inductor)
    depthwise_fp32: bool = False  # depthwise convolutions in float32 (isage_core.training.precision)


VARIANTS = {
    "fp32": Variant(False, False),
    "fp32_channels_last": Variant(False, True),
    "bf16_autocast": Variant(True, False),
    "bf16_autocast_channels_last": Variant(True, True),
    "bf16_autocast_channels_last_depthwise_fp32": Variant(True, True, depthwise_fp32=True),
    "fp32_channels_last_frozen_2": Variant(False, True, 2),
    "bf16_autocast_channels_last_frozen_2": Variant(True, True, 2),
    "bf16_autocast_channels_last_frozen_3": Variant(True, True, 3),
    "bf16_autocast_channels_last_frozen_4": Variant(True, True, 4),
    "fp32_channels_last_compiled": Variant(False, True, compiled=True),
    "bf16_autocast_channels_last_compiled": Variant(True, True, compiled=True),
}
DEFAULT_VARIANTS = ",".join(
    ["fp32", "fp32_channels_last", "bf16_autocast", "bf16_autocast_channels_last"]
    + ["bf16_autocast_channels_last_depthwise_fp32"]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--patch", type=int, default=256)
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"of {', '.join(VARIANTS)}")
    args = parser.parse_args()

    import torch

    from isage_core.model.network import build_network
    from isage_core.settings import ModelMeta, TrainSettings
    from isage_core.training.losses import make_loss
    from isage_core.training.precision import keep_depthwise_float32

    meta = ModelMeta(
        architecture="unet",
        encoder="tu-efficientnet_lite0",
        in_channels=3,
        class_ids=list(range(5)),
        class_names=[f"c{i}" for i in range(5)],
        class_colors=["#808080"] * 5,
        bands=[1, 2, 3],
        mean=[0.0] * 3,
        std=[1.0] * 3,
    )
    generator = torch.Generator().manual_seed(0)
    images = torch.randn((args.batch, 3, args.patch, args.patch), generator=generator)
    labels = torch.full((args.batch, args.patch, args.patch), -1, dtype=torch.long)
    labels[:, ::37, ::41] = torch.randint(0, 5, labels[:, ::37, ::41].shape, generator=generator)
    loss_fn = make_loss(TrainSettings())
    chosen = [v.strip() for v in args.variants.split(",") if v.strip()]
    models = {}
    for name in chosen:
        torch.manual_seed(0)
        network = build_network(meta).train()
        variant = VARIANTS[name]
        if variant.channels_last:
            network = network.to(memory_format=torch.channels_last)
        if variant.depthwise_fp32:
            keep_depthwise_float32(network)
        if variant.frozen:  # the stem and first blocks keep weights and statistics: no gradient reaches them
            encoder = network.encoder.model
            for part in [encoder.conv_stem, encoder.bn1, *encoder.blocks[: variant.frozen]]:
                part.eval().requires_grad_(False)
        trained = [p for p in network.parameters() if p.requires_grad]
        forward = torch.compile(network) if variant.compiled else network
        models[name] = (forward, torch.optim.Adam(trained, lr=1e-4))

    def step(name: str) -> float:
        network, optimizer = models[name]
        variant = VARIANTS[name]
        x = images.contiguous(memory_format=torch.channels_last) if variant.channels_last else images
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=variant.bf16):
            logits = network(x)
        loss = loss_fn(logits.float(), labels)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    times: dict[str, list[float]] = {name: [] for name in chosen}
    losses: dict[str, float] = {}
    warmup: dict[str, float] = {}
    for name in chosen:
        start = time.perf_counter()
        step(name)  # warm-up (and compilation)
        warmup[name] = round(time.perf_counter() - start, 2)
    for _ in range(args.rounds):
        for name in chosen:
            start = time.perf_counter()
            for _ in range(args.steps):
                losses[name] = step(name)
            times[name].append((time.perf_counter() - start) / args.steps)
    native = bool(getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)())
    median = {name: statistics.median(values) for name, values in times.items()}
    report = {
        "threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "bf16_native": native,
        "batch": args.batch,
        "patch": args.patch,
        "seconds_per_step": {name: [round(v, 3) for v in values] for name, values in times.items()},
        "median_seconds_per_step": {name: round(v, 3) for name, v in median.items()},
        "speed_over_fp32": {name: round(median["fp32"] / v, 3) for name, v in median.items()}
        if "fp32" in median
        else {},
        "last_loss": {name: round(v, 4) for name, v in losses.items()},
        "warmup_seconds": warmup,
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
