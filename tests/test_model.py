"""Network factory, offline ImageNet encoder weights and safe checkpoints."""

import pickle

import pytest
import torch

from isage_core.errors import IsageError
from isage_core.model.checkpoint import load_checkpoint, read_meta, save_checkpoint
from isage_core.model.network import build_network, initialise_encoder, offline_weights_file
from isage_core.settings import ModelMeta


def meta_for(encoder="tu-efficientnet_lite0", in_channels=3, decoder=None):
    return ModelMeta(
        architecture="unet",
        encoder=encoder,
        in_channels=in_channels,
        class_ids=[0, 1, 2],
        class_names=["a", "b", "c"],
        class_colors=["#000000", "#ff0000", "#00ff00"],
        bands=list(range(1, in_channels + 1)),
        mean=[100.0] * in_channels,
        std=[50.0] * in_channels,
        decoder_channels=decoder,
    )


@pytest.mark.parametrize("encoder, tensors", [("tu-efficientnet_lite0", 288), ("tu-efficientnet_lite2", 378)])
def test_offline_encoder_tensors_equal_packaged_file(encoder, tensors):
    meta = meta_for(encoder)
    network = build_network(meta)
    assert initialise_encoder(network, meta, "auto") == "offline-imagenet"
    packaged = list(torch.load(offline_weights_file(meta.encoder), weights_only=True).values())
    encoder_state = network.encoder.model.state_dict()
    # The packaged file holds the whole classifier; the encoder holds every tensor up to the head, in order.
    assert len(encoder_state) == tensors
    for (key, tensor), expected in zip(encoder_state.items(), packaged[: len(encoder_state)], strict=True):
        assert tensor.shape == expected.shape, key
        assert torch.equal(tensor, expected.to(tensor.dtype)), key


def test_offline_stem_adapted_to_four_bands_keeps_scale():
    meta = meta_for(in_channels=4)
    network = build_network(meta)
    initialise_encoder(network, meta, "offline")
    stem = network.encoder.model.conv_stem.weight
    rgb = list(torch.load(offline_weights_file(meta.encoder), weights_only=True).values())[0]
    assert stem.shape[1] == 4
    # Bands reuse the RGB filters cyclically (R, G, B, R), scaled by 3/4 so activations keep their size.
    expected = torch.stack([rgb[:, 0], rgb[:, 1], rgb[:, 2], rgb[:, 0]], dim=1) * 0.75
    assert torch.allclose(stem, expected, atol=1e-6)


def test_offline_refused_for_encoder_without_package():
    meta = meta_for(encoder="tu-mobilenetv3_small_100", decoder=[64, 32, 16, 16, 8])
    with pytest.raises(IsageError, match="no offline weights"):
        initialise_encoder(build_network(meta), meta, "offline")


def test_checkpoint_round_trip(tmp_path):
    meta = meta_for(encoder="tu-mobilenetv3_small_100", decoder=[64, 32, 16, 16, 8])
    torch.manual_seed(3)
    network = build_network(meta).eval()
    path = save_checkpoint(tmp_path / "m.safetensors", network, meta)
    loaded, loaded_meta = load_checkpoint(path)
    assert loaded_meta == meta
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(network(x), loaded(x))
    assert read_meta(path).class_names == ["a", "b", "c"]
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]  # no temporary left behind


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_crafted_pickle_checkpoint_refused_without_executing(tmp_path, suffix):
    marker = tmp_path / "pwned"
    bad = tmp_path / f"model{suffix}"
    bad.write_bytes(pickle.dumps({"state": _Exploit(marker)}, protocol=2))
    with pytest.raises(IsageError, match="pickled PyTorch file"):
        load_checkpoint(bad)
    zipped = tmp_path / f"zipped{suffix}"
    torch.save({"state": _Exploit(marker)}, zipped)
    with pytest.raises(IsageError, match="pickled PyTorch file"):
        load_checkpoint(zipped)
    assert not marker.exists()


def test_garbage_and_missing_checkpoints_refused(tmp_path):
    garbage = tmp_path / "g.safetensors"
    garbage.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(IsageError, match="g.safetensors"):
        load_checkpoint(garbage)
    with pytest.raises(IsageError, match="not found"):
        load_checkpoint(tmp_path / "missing.safetensors")


def test_a_checkpoint_whose_header_length_starts_with_the_pickle_byte_loads(tmp_path):
    """A safetensors header of 128 + 256 k bytes begins with 0x80, the byte that opens a pickle."""
    import struct

    import torch
    from safetensors.torch import save_file

    from isage_core.model.checkpoint import _check_file

    path = tmp_path / "model.safetensors"
    for padding in range(300):
        save_file({"w": torch.zeros(2)}, str(path), metadata={"pad": "x" * padding})
        (length,) = struct.unpack("<Q", path.read_bytes()[:8])
        if length & 0xFF == 0x80:
            break
    assert path.read_bytes()[:1] == b"\x80"
    assert _check_file(path) == path  # not mistaken for a pickle
