"""Torch by choice, never by surprise: the pip arguments of each torch choice, and the check of a dry run.

Before installing from a package index with the default choice, pip resolves the install without doing it
(``pip install --dry-run --report FILE``); :func:`torch_refusal` reads that report and refuses a CUDA
build of torch that the user did not ask for (on Linux, PyPI's torch is the CUDA build: 29 packages,
about 2.7 GB of downloads for torch 2.13). Standard library only: ``make install`` runs this module too
(``python3 -m isage_qgis.engine.install_plan REPORT``), with the system Python and without QGIS, so the
sentences the plugin shows are marked with this module's own :func:`deferred_tr` and translated by the
caller (a ``translate`` argument), and those only ``make`` prints stay English (``# no-i18n``).
"""

from __future__ import annotations

# Bandit B404/B603: the plugin runs Pythons and nvidia-smi as argument lists, never through a shell;
# the programs are the engine's or base Python the user chose or the search found.
import functools
import json
import shutil
import subprocess  # nosec B404
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TORCH_CHOICES = ("default", "cpu", "cuda")
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
CUDA_INDEX_WINDOWS = "https://download.pytorch.org/whl/cu130"  # PyPI's Windows torch is a CPU build
# Download sizes measured for torch 2.13.0 on Linux x86_64, Python 3.11 (December 2026), for the messages.
DOWNLOAD_MB = {"cpu": 192, "cuda": 2741}
_CUDA_PREFIXES = ("nvidia-", "triton", "cuda-")


def deferred_tr(text: str) -> str:
    """Marks ``text`` for the plugin's translation extractor; the caller translates it where it shows it.
    (``..translation`` needs QGIS, which ``make install`` runs this module without.)"""
    return text


def _english(text: str) -> str:
    return text


_CHOICE_TEXT = {
    "default": deferred_tr(
        "what the package index gives, checked first: a CUDA build is refused unless chosen"
    ),
    "cpu": deferred_tr("the CPU build from PyTorch's CPU index (torch about {cpu_mb} MB)"),
    "cuda": deferred_tr("the CUDA build, for an NVIDIA GPU (about {cuda_gb} GB of downloads)"),
}
_REFUSAL = deferred_tr(
    "the package index would install the CUDA build of torch {torch} ({packages} packages, {cuda} of them "
    "CUDA libraries, about {cuda_gb} GB of downloads), which was not asked for: {how_to_choose}"
)


def _sizes() -> dict[str, str]:
    return {"cpu_mb": str(DOWNLOAD_MB["cpu"]), "cuda_gb": f"{DOWNLOAD_MB['cuda'] / 1000:.1f}"}


def torch_pip_args(choice: str, platform: str = sys.platform) -> list[str]:
    """Extra pip arguments for a torch choice: ``cpu`` adds PyTorch's CPU wheel index; ``cuda`` on Windows
    adds PyTorch's CUDA index (elsewhere PyPI's Linux build is the CUDA one); ``default`` adds nothing."""
    if choice not in TORCH_CHOICES:
        raise ValueError(f"torch choice '{choice}': use one of {', '.join(TORCH_CHOICES)}")  # no-i18n
    if choice == "cpu":
        return ["--extra-index-url", CPU_INDEX]
    if choice == "cuda" and platform == "win32":
        return ["--extra-index-url", CUDA_INDEX_WINDOWS]
    return []


def describe_choice(choice: str, translate: Callable[[str], str] = _english) -> str:
    """One line for the settings dialog and the README: what each choice downloads (``translate``: the
    plugin's ``tr``, English without it)."""
    return translate(_CHOICE_TEXT[choice]).format(**_sizes())


@functools.lru_cache(maxsize=1)
def nvidia_gpu() -> str | None:
    """The first NVIDIA GPU that ``nvidia-smi -L`` lists (its name), or None: then CUDA torch is worth it."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return None
    try:
        done = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=10)  # nosec B603
    except (OSError, subprocess.SubprocessError):
        return None
    for line in done.stdout.splitlines():
        if line.startswith("GPU "):
            return line.split(":", 1)[1].split("(UUID")[0].strip()
    return None


@dataclass(frozen=True)
class InstallPlan:
    """What a pip dry run would install: ``{name: version}`` and where each comes from."""

    packages: dict[str, str]
    sources: dict[str, str]

    @property
    def cuda_packages(self) -> list[str]:
        """The CUDA runtime packages of the plan (nvidia-*, triton, cuda-*)."""
        return sorted(n for n in self.packages if n.startswith(_CUDA_PREFIXES))

    @property
    def torch_is_cuda(self) -> bool:
        """Whether the torch of the plan is a CUDA build (its CUDA libraries come with it, or ``+cu`` tag)."""
        version = self.packages.get("torch", "")
        return "+cu" in version or ("torch" in self.packages and bool(self.cuda_packages))


def read_report(path: str | Path) -> InstallPlan:
    """Parse pip's installation report (``pip install --dry-run --report PATH``)."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        items = report["install"]
        packages = {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"] for i in items}
        sources = {
            i["metadata"]["name"].lower().replace("_", "-"): i.get("download_info", {}).get("url", "")
            for i in items
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a pip installation report ({exc})") from exc  # no-i18n
    return InstallPlan(packages, sources)


def torch_refusal(
    plan: InstallPlan, choice: str, how_to_choose: str, translate: Callable[[str], str] = _english
) -> str | None:
    """A one-line refusal when the plan installs a CUDA torch that ``choice`` did not ask for, else None.

    ``how_to_choose`` names the way to choose in the caller's words (``make install TORCH=cpu`` or the
    settings dialog's torch choice); ``translate`` is the plugin's ``tr`` (English without it).
    """
    if choice == "cuda" or not plan.torch_is_cuda:
        return None
    return translate(_REFUSAL).format(
        torch=plan.packages.get("torch", ""),
        packages=len(plan.packages),
        cuda=len(plan.cuda_packages),
        how_to_choose=how_to_choose,
        **_sizes(),
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m isage_qgis.engine.install_plan REPORT [CHOICE]``: exit 2 with the refusal, else 0."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        usage = "usage: python -m isage_qgis.engine.install_plan REPORT [default|cpu|cuda]\n"  # no-i18n
        sys.stderr.write(usage)
        return 2
    choice = args[1] if len(args) > 1 else "default"
    try:
        plan = read_report(args[0])
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    cpu_mb = DOWNLOAD_MB["cpu"]
    how = f"run `make install TORCH=cpu` (about {cpu_mb} MB) or `make install TORCH=cuda`"  # no-i18n
    refusal = torch_refusal(plan, choice, how)
    if refusal:
        sys.stderr.write(f"make install: {refusal}\n")  # no-i18n
        return 2
    torch = plan.packages.get("torch")
    if torch:
        sys.stdout.write(f"torch {torch} from {plan.sources.get('torch', '?')}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
