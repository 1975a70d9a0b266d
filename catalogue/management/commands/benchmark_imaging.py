"""Time and peak memory to validate an upload and make its derivatives, per megapixel."""

import io
import multiprocessing
import resource
import sys
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from PIL import Image

from catalogue import imaging

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "PNG": {"compress_level": 6},
    "TIFF": {"compression": "tiff_lzw"},
    "WEBP": {"quality": 90},
}


def synthetic_page(megapixels: float) -> Image.Image:
    """A page-like RGB image: a paper-coloured gradient with grain (A4 proportions)."""
    height = int((megapixels * 1e6 * 1.414) ** 0.5)
    width = int(megapixels * 1e6 / height)
    paper = Image.linear_gradient("L").resize((width, height)).point(lambda v: 200 + v // 5)
    grain = Image.effect_noise((width, height), 24)
    grey = Image.blend(paper, grain, 0.25)
    return Image.merge("RGB", (grey, grey, grey.point(lambda v: v * 0.92)))


def encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return buffer.getvalue()


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def process(data: bytes, name: str) -> dict:
    """What the site does with one upload: validate it, then make the derivatives."""
    baseline = peak_rss_bytes()
    with override_settings(SCAN_MAX_UPLOAD_BYTES=len(data) + 1, SCAN_MAX_PIXELS=10**12):
        started = time.perf_counter()
        pages = imaging.prepare_upload(SimpleUploadedFile(name, data))
        validated = time.perf_counter()
        imaging.make_derivatives(pages[0].file)
        finished = time.perf_counter()
    return {
        "validate": validated - started,
        "derivatives": finished - validated,
        "peak": max(peak_rss_bytes() - baseline, 0),
    }


def _child(connection, data, name):
    try:
        connection.send(process(data, name))
    except Exception as error:  # report, do not hang the parent
        connection.send({"error": repr(error)})
    finally:
        connection.close()


def measure_in_child(data: bytes, name: str) -> dict:
    """Run one measurement in a fresh forked process, so its peak memory is its own."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, data, name))
    child.start()
    sender.close()
    result = receiver.recv()
    child.join()
    return result


class Command(BaseCommand):
    help = (
        "Benchmark scan processing (validation, then display image and thumbnail) on synthetic "
        "page images: time and peak memory, in total and per megapixel."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--megapixels", type=float, nargs="+", default=[2, 8, 24], help="Image sizes."
        )
        parser.add_argument(
            "--formats",
            nargs="+",
            default=["JPEG", "TIFF"],
            choices=sorted(EXTENSIONS),
            help="Formats of the synthetic originals.",
        )
        parser.add_argument("--repeat", type=int, default=3, help="Runs per size; best is kept.")

    def handle(self, *args, **options):
        if "fork" not in multiprocessing.get_all_start_methods():
            raise CommandError("This benchmark needs a platform that can fork (Linux, macOS).")
        self.stdout.write(
            f"{'format':<6} {'MP':>6} {'file MB':>8} {'validate s':>10} {'deriv. s':>9} "
            f"{'total s':>8} {'s/MP':>7} {'peak MB':>8} {'MB/MP':>6}"
        )
        for image_format in options["formats"]:
            for megapixels in options["megapixels"]:
                self.report(image_format, megapixels, options["repeat"])

    def report(self, image_format, megapixels, repeat):
        image = synthetic_page(megapixels)
        actual_mp = image.width * image.height / 1e6
        data = encode(image, image_format)
        del image
        name = f"page.{EXTENSIONS[image_format]}"
        runs = [measure_in_child(data, name) for _ in range(max(repeat, 1))]
        failed = [run["error"] for run in runs if "error" in run]
        if failed:
            raise CommandError(f"{image_format} {megapixels} MP failed: {failed[0]}")
        best = min(runs, key=lambda run: run["validate"] + run["derivatives"])
        total = best["validate"] + best["derivatives"]
        peak_mb = max(run["peak"] for run in runs) / 1024 / 1024
        self.stdout.write(
            f"{image_format:<6} {actual_mp:>6.1f} {len(data) / 1024 / 1024:>8.1f} "
            f"{best['validate']:>10.2f} {best['derivatives']:>9.2f} {total:>8.2f} "
            f"{total / actual_mp:>7.3f} {peak_mb:>8.0f} {peak_mb / actual_mp:>6.1f}"
        )
