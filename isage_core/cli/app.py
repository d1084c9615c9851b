"""The ``isage`` command line's parser and the running of one parsed command (see :mod:`.main`)."""

from __future__ import annotations

import argparse
import logging

from .. import __version__
from ..cancel import CancelToken, cancel_on_signals
from ..errors import Cancelled, IsageError
from .assess import add_assess_options, assess_cmd
from .benchmark import add_benchmark_options, add_demo_options, benchmark_cmd, demo_cmd
from .cluster import add_cluster_options
from .export import add_export_options, export_cmd
from .frames import add_frames_options, frames_cmd
from .propose import add_propose_options, propose_cmd
from .reporters import HumanReporter, Reporter, TimedReporter

EXIT_USER_ERROR = 2
EXIT_CANCELLED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from . import commands as c
    from . import options as o

    parser = argparse.ArgumentParser(prog="isage", description=__doc__)
    parser.add_argument("--version", action="version", version=f"isage {__version__}")
    parser.add_argument("--json", action="store_true", help="emit JSON-lines events on stdout (for programs)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages too")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command(
        "init", c.init,
        "create a workspace folder with an empty click GeoPackage, or on a team's PostGIS record",
    )  # fmt: skip
    p.add_argument("workspace")
    p.add_argument(
        "--classes", help='"id:name:#rrggbb,..." or a JSON file [{"id","name","color"}] (required to '
        "create a record; refused when joining a PostGIS one)",
    )  # fmt: skip
    p.add_argument(
        "--crs", help="the new record's CRS (default: the first frame's; PostGIS: an EPSG code; refused when "
        "joining)",
    )  # fmt: skip
    p.add_argument(
        "--postgres", metavar="CONNECTION",
        help="keep the record in PostgreSQL/PostGIS: a pg_service.conf service name or a libpq connection "
        "string without password; joins the record in --schema, or creates it (the administrator)",
    )  # fmt: skip
    p.add_argument("--schema", default="isage", help="the record's schema in the database (default isage)")
    p.add_argument(
        "--trainer-connection", default="",
        help="PostGIS: the engine's account that records training runs (default: --postgres)",
    )  # fmt: skip

    p = command(
        "offline", c.offline,
        "copy a PostGIS record into a GeoPackage workspace to work offline; bring it back with `isage merge`",
    )  # fmt: skip
    p.add_argument("workspace")
    p.add_argument("destination", help="a new folder for the offline workspace")

    p = command(
        "frames", frames_cmd,
        "add frames (rasters, COGs, XYZ/WMTS/WMS services, STAC items), list, re-link, find or refresh them",
    )  # fmt: skip
    add_frames_options(p)

    p = command("classes", c.classes, "list the classes or add/rename/recolour one")
    p.add_argument("action", choices=["list", "set"])
    p.add_argument("workspace")
    p.add_argument("--id", type=int)
    p.add_argument("--name")
    p.add_argument("--color", help="#rrggbb")

    p = command("click", c.click, "add, retract, list or import clicks")
    p.add_argument("action", choices=["add", "retract", "list", "import"])
    p.add_argument("workspace")
    p.add_argument(
        "target", nargs="?",
        help="retract: the click's uid or fid; import: a point layer (GeoPackage, shapefile, GeoJSON, CSV) "
        "or a sparse label raster",
    )  # fmt: skip
    p.add_argument("--frame")
    p.add_argument("--class", dest="class_id", type=int)
    p.add_argument("--row", type=int)
    p.add_argument("--col", type=int)
    p.add_argument("--x", type=float)
    p.add_argument("--y", type=float)
    p.add_argument("--crs", help="CRS of --x/--y (default: the frame's); import: of the points, for a CSV")
    p.add_argument("--annotator", default="")
    p.add_argument("--note", default="")
    p.add_argument("--reason", default="", help="retract: why")
    p.add_argument("--unlabelled", type=int, default=255, help="import: value of unlabelled pixels")
    p.add_argument("--class-field", help="import: the points' field holding the class (id or name)")
    p.add_argument(
        "--class-by", choices=["auto", "id", "name"], default="auto", help="import: how to match it"
    )
    p.add_argument("--layer", help="import: the layer of a multi-layer file")
    p.add_argument("--x-field", help="import, CSV: the column of x (default: x, lon, longitude or easting)")
    p.add_argument("--y-field", help="import, CSV: the column of y")
    p.add_argument("--annotator-field", help="import: the field naming each point's annotator")
    p.add_argument(
        "--keep-valid", action="store_true", help="import: add the accepted points despite refusals"
    )
    p.add_argument(
        "--over-budget", action="store_true", help="allow more than one click per class/frame/iteration"
    )
    p.add_argument("--all", action="store_true", help="list: include retracted clicks")

    p = command(
        "merge", c.merge,
        "merge another annotator's click GeoPackage (or an offline copy of a PostGIS record) into the "
        "workspace",
    )  # fmt: skip
    p.add_argument("workspace")
    p.add_argument("other", help="the other GeoPackage, or the offline workspace folder")

    p = command("train", c.train, "train the next iteration's model from the clicks")
    p.add_argument("workspace")
    o.add_model_options(p)
    o.add_train_options(p)

    p = command("predict", c.predict, "predict class rasters and heatmaps for frames or any raster")
    p.add_argument("workspace", nargs="?", help="workspace (omit with --raster and --model)")
    p.add_argument("--frame", action="append", help="frame name (repeatable; default all)")
    p.add_argument(
        "--raster", action="append",
        help="predict this raster (a GeoTIFF, a VRT mosaic...) instead of workspace frames; repeatable",
    )  # fmt: skip
    p.add_argument("--model", help="model file (default: the workspace's latest)")
    p.add_argument("--out", help="output folder (default: workspace outputs/iteration_NNN)")
    o.add_predict_options(p)
    add_cluster_options(p)

    p = command("propose", propose_cmd, "propose where to click next (proposals.gpkg, never the record)")
    add_propose_options(p)

    p = command("evaluate", c.evaluate_cmd, "score class rasters against reference masks (JSON)")
    p.add_argument("--prediction", action="append", required=True)
    p.add_argument("--reference", action="append", required=True)
    p.add_argument("--workspace", help="workspace whose clicks give the labelled-pixel fraction")
    p.add_argument("--model", help="model file whose classes name the scores")
    p.add_argument("--out", help="write the JSON here too")

    p = command(
        "assess",
        assess_cmd,
        "independent accuracy assessment: a stratified sample, its labels, the estimates",
    )
    add_assess_options(p)

    p = command("vectorize", c.vectorize_cmd, "class polygons from a class raster into a GeoPackage")
    p.add_argument("raster")
    p.add_argument("output")
    p.add_argument("--min-area", type=int, default=0, help="merge regions smaller than this many pixels")

    p = command("export", export_cmd, "a model as a self-contained ONNX file for the QGIS plugin Deepness")
    add_export_options(p)

    p = command(
        "serve",
        None,  # main runs it: the resident engine runs commands itself
        "the resident engine for programs: runs commands read as JSON lines on stdin, one after another, "
        "in one process, and trains live while the person clicks (see isage_core.cli.serve)",
    )

    p = command("info", c.info, "versions, the compute device found, and a workspace summary")
    p.add_argument("workspace", nargs="?")
    p.add_argument(
        "--repair", action="store_true",
        help="remove the partial files that stopped or killed runs left in the workspace",
    )  # fmt: skip

    p = command("demo", demo_cmd, "a short simulated session on the bundled BsB Aerial sample")
    add_demo_options(p)

    p = command(
        "benchmark", benchmark_cmd, "compare click strategies and baselines with simulated annotators"
    )
    add_benchmark_options(p)
    return parser


def execute(
    args: argparse.Namespace, reporter: Reporter, token: CancelToken, timing: dict | None = None
) -> int:
    """Run the parsed command ``args`` with SIGINT/SIGTERM cancelling ``token``; every outcome ends in a
    result or one error event (a JSON result carries its ``timing``, plus ``timing`` given here).
    Returns the exit status."""
    reporter = reporter if isinstance(reporter, HumanReporter) else TimedReporter(reporter, timing)
    try:
        with cancel_on_signals(token):
            reporter.start(args.command)
            args.handler(args, reporter, token)
        return 0
    except Cancelled as exc:
        reporter.error(
            f"{exc}; outputs of this run were discarded, earlier models and clicks are intact", True
        )
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        reporter.error(
            "interrupted; outputs of this run were discarded, earlier models and clicks are intact", True
        )
        return EXIT_CANCELLED
    except IsageError as exc:
        reporter.error(str(exc))
        return EXIT_USER_ERROR
    except Exception as exc:  # the last line of defence: still one line, still an error event
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        reporter.error(f"unexpected {type(exc).__name__}: {exc} (run with -v for details and report it)")
        return 1
    finally:
        reporter.close()
