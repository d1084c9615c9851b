"""Typed settings, built once by the CLI (or the plugin) and consumed by the engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Architecture = Literal["unet", "unetplusplus", "fpn", "deeplabv3plus", "linknet", "pspnet", "manet"]
WeightsChoice = Literal["auto", "offline", "imagenet", "none"]
LossName = Literal["ewdl", "ce"]
LrSchedule = Literal["constant", "cosine"]
StepSchedule = Literal["auto", "fixed", "converge"]
HeatmapName = Literal["confidence", "change", "error"]


@dataclass
class ModelSettings:
    """Which network to build.

    ``weights``: ``auto`` uses the offline ImageNet weights shipped by a Python package when one exists
    for the encoder, else ImageNet weights from the internet, else random initialisation (with a
    warning); ``offline``, ``imagenet`` and ``none`` force one of those.
    """

    architecture: Architecture = "unet"
    encoder: str = "tu-efficientnet_lite0"
    weights: WeightsChoice = "auto"
    decoder_channels: tuple[int, ...] | None = None
    bands: tuple[int, ...] | None = None  # 1-based band indexes; None: every band of the first frame


@dataclass
class TrainSettings:
    """How one training run (one iteration) goes.

    The default schedule (``schedule`` ``auto`` with no step count given is ``converge``) grows with the
    record: at least ``first_steps`` for a model trained from scratch and ``converge_floor`` when
    warm-starting, then on at a constant rate, one check of ``check_steps`` steps at a time, until the
    labelled pixels' fit rate over the latest half check reaches ``fit_target`` (looked at after every
    step) or neither the loss nor the fit moves any more (the latest 3 checks' mean loss less than
    ``plateau`` below the 3 before them, their fit less than 1 point above), or 80 % of ``max_steps`` or
    of ``time_budget_s`` has passed; a cosine schedule then decays the rate over a quarter of the steps so
    far, within the budget (a constant one stops there). The run reports the fit it reached and why it
    stopped.

    ``schedule`` ``fixed`` runs ``first_steps`` / ``steps_per_run`` steps (the default before converge
    was). ``epochs`` switches to an epoch schedule for GPUs: one epoch draws one patch per unretracted
    click.
    """

    steps: int | None = None
    epochs: int | None = None
    frame_epochs: int | None = None  # epochs of one patch per frame with clicks (the method authors' epoch)
    first_steps: int = 120
    steps_per_run: int = 60
    batch_size: int = 4
    patch_size: int = 256
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    lr_schedule: LrSchedule = "cosine"  # decays within each run to final_lr_fraction; or "constant"
    final_lr_fraction: float = 0.05
    grad_clip: float | None = None  # clip the gradient's norm to this; None: no clipping
    schedule: StepSchedule = "auto"  # converge, or fixed where steps, epochs or frame_epochs are given
    converge_floor: int = 10  # the converge schedule's least steps when warm-starting: one check
    max_steps: int = 600  # the converge schedule's cap
    time_budget_s: float | None = 120.0  # the converge schedule's limit in seconds of steps; None: none
    # a live round's close (the Train press, isage_core.live): seconds of steps at most to anneal the rate
    # (the clicks not seen yet are drawn whatever it says); the background trained them meanwhile. None: the
    # anneal takes what is left of the cycle
    press_budget_s: float | None = 2.0
    check_steps: int = 10  # the converge schedule's check interval
    fit_target: float = 0.98
    plateau: float = 0.02
    loss: LossName = "ewdl"
    error_weight: float = 5.0  # lambda of the Error-Weighted Dice Loss; 1 gives plain Dice
    augment: bool = True
    amp: bool = True  # mixed precision, used on CUDA only
    device: str = "auto"
    seed: int = 0
    warm_start: bool = True
    stats_samples: int = 64  # windows read to estimate per-band normalisation on a first run
    allow_input_mismatch: bool = False  # train on frames unlike the model's training frames (input_check)

    @property
    def step_schedule(self) -> str:
        """``fixed`` or ``converge``: ``auto`` converges unless a step count was given."""
        if self.schedule != "auto":
            return self.schedule
        given = (self.steps, self.epochs, self.frame_epochs)
        return "fixed" if any(v is not None for v in given) else "converge"


@dataclass
class PredictSettings:
    """Sliding-window inference and which rasters to write."""

    tile_size: int = 512
    overlap: int = 64  # benchmarks/overlap_quality.py: 128 px changes 0.2 % of the pixels, at 1.3x the work
    batch_size: int = 4
    block_size: int = 3072  # output block computed at once; bounds memory whatever the raster size
    device: str = "auto"
    heatmaps: tuple[HeatmapName, ...] = ("confidence", "change", "error")
    extent: tuple[float, float, float, float] | None = None  # xmin, ymin, xmax, ymax in the frame CRS
    aoi: str | None = None  # a vector file whose polygons limit the prediction
    reference: str | None = None  # a reference class raster for the confident-error heatmap
    amp: bool = True
    allow_input_mismatch: bool = False  # predict rasters unlike the model's training frames (input_check)
    backend: str = "auto"  # auto, torch, onnxruntime or openvino (inference.backends)
    precision: str = "auto"  # OpenVINO: auto (bfloat16 where the CPU computes it, guarded), f32 or bf16
    threads: int | None = (
        None  # CPU threads a block is computed with; None: every CPU (one process), 1 (worker)
    )


@dataclass
class ProposeSettings:
    """Where the engine proposes the next clicks (:mod:`isage_core.proposals`)."""

    per_frame: int | None = None  # proposals per frame; None: per_class per class present
    per_class: int = 1  # proposals per class present: more than one leaves room for proposals whose class
    # the person finds already clicked on the frame this round (the method's budget skips those)
    spacing: int = 5  # pixels kept from every click, nodata and other proposals
    typical_until: int = 2  # a class with fewer clicks than this on a frame is proposed a typical pixel
    samples: int = 4096  # encoder feature cells kept per frame (bounds memory and the typicality maths)
    candidates: int = 2048  # lowest-margin pixels kept per class and frame
    uncertain_share: float = 0.05  # an uncertain proposal is a random pixel of this lowest-margin share
    seed: int = 0
    predict: PredictSettings = field(default_factory=lambda: PredictSettings(block_size=2048))


@dataclass
class ClusterSettings:
    """Where a prediction runs on Dask (:mod:`isage_core.cluster`) and what it assembles at the end."""

    scheduler: str | None = None  # address of a running scheduler, e.g. tcp://10.0.0.5:8786
    scheduler_file: str | None = None  # the JSON file `dask scheduler --scheduler-file` writes
    local_workers: int = 0  # start a local cluster of this many worker processes (0: use the scheduler)
    threads_per_worker: int = 1
    resume: bool = False  # keep the parts a matching earlier run finished
    cog: bool = False  # also write each output as one Cloud-Optimized GeoTIFF
    retries: int = 2  # a failed part is tried this many times more
    connect_timeout_s: float = 30.0  # how long to wait for the scheduler
    # a local cluster's dashboard: loopback unless the user gives another address; None: no dashboard
    dashboard_address: str | None = "127.0.0.1:0"
    tls_ca_file: str | None = None  # a tls:// scheduler: the CA that signed its certificate (PEM)
    tls_cert: str | None = None  # ... this client's certificate (PEM)
    tls_key: str | None = None  # ... and its private key (PEM)

    @property
    def wanted(self) -> bool:
        return bool(self.scheduler or self.scheduler_file or self.local_workers)


@dataclass
class ModelMeta:
    """Everything stored with the weights that prediction and warm starts need."""

    architecture: str
    encoder: str
    in_channels: int
    class_ids: list[int]
    class_names: list[str]
    class_colors: list[str]
    bands: list[int]
    mean: list[float]
    std: list[float]
    decoder_channels: list[int] | None = None
    iteration: int = 0
    clicks_hash: str = ""
    clicks_used: int = 0
    weights_origin: str = "none"
    patch_size: int = 256
    created_utc: str = ""
    format_version: int = 1
    input_profile: dict | None = None  # the training frames' bands, data type and value range (input_check)
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelMeta:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


AllocationRule = Literal["proportional", "equal", "minimum"]


@dataclass
class AssessSettings:
    """An accuracy assessment's sampling design (``isage assess design``).

    The sample size is ``size`` points, or what a standard error ``target_se`` of overall accuracy needs
    if each class's user's accuracy is as ``anticipated`` (Olofsson et al. 2014, eq. 13); the points are
    allocated to the strata (the classes of the map of ``iteration``) by ``allocation``: proportional to
    their pixels, equal, or proportional raised to ``minimum`` points per class. ``extent`` (in
    ``extent_crs``, default the record's) and ``aoi`` (a polygon file) limit the population.
    """

    iteration: int | None = None  # None: the newest iteration with a map of every frame
    size: int | None = None
    target_se: float = 0.025
    anticipated: dict[int, float] = field(default_factory=dict)  # class id -> user's accuracy
    anticipated_default: float = 0.85
    allocation: AllocationRule = "minimum"
    minimum: int = 50
    extent: tuple[float, float, float, float] | None = None
    extent_crs: str | None = None
    aoi: str | None = None
    seed: int = 0
    annotator: str = ""
