"""The image commands of the CLI: augment-images and preview."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from .conftest import JUDGED_RECIPE, TINY_RECIPE, _cli, _write_folder  # noqa: E402


def test_cli_augment_images(tmp_path):
    src = _write_folder(tmp_path / "in")
    out = tmp_path / "out"
    result = _cli("augment-images", src, "-o", out, "--epochs", 1, *TINY_RECIPE, "--seed", 0, "-q")
    assert result.exit_code == 0 and result.output == ""  # --quiet: errors only
    dog = sorted(p.name for p in (out / "dog").iterdir())
    assert len(dog) == 12 and sum(n.startswith("ganaug_synthetic_") for n in dog) == 9
    assert (out / "cat" / "img0.png").read_bytes() == (src / "cat" / "img0.png").read_bytes()
    # never overwrites: a second run into the same folder is refused, files untouched
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.png")}
    again = _cli("augment-images", src, "-o", out, "--epochs", 1, *TINY_RECIPE, "-q")
    assert again.exit_code == 1 and "already exists" in again.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.png")} == before


def test_cli_synthetic_only_and_save_model_preview(tmp_path):
    src = _write_folder(tmp_path / "in")
    out = tmp_path / "out"
    model = tmp_path / "m.ganaug"
    result = _cli(
        "augment-images", src, "-o", out, "--synthetic-only", "--epochs", 1, *JUDGED_RECIPE,
        "--save-model", model, "-q",
    )
    assert result.exit_code == 0, result.output
    names = [p.name for p in out.rglob("*.png")]
    assert len(names) == 9 and all(n.startswith("ganaug_synthetic_") for n in names)
    grid = tmp_path / "grid.png"
    result = _cli("preview", model, "-o", grid, "--per-class", 3)
    assert result.exit_code == 0, result.output
    with Image.open(grid) as img:
        assert img.format == "PNG" and img.size[0] > img.size[1] > 0
        pixels = np.asarray(img.convert("L"))
    # 3 images of 8x8 a row, 2-pixel gaps, zoomed 4 times; before them, each row's class name
    margin = pixels[:, : pixels.shape[1] - (3 * 10 + 2) * 4]
    assert margin.shape[1] > 0
    for band in np.array_split(margin[8:-8], 2):  # a row per class: cat, dog
        assert (band < 100).sum() > 10
    # --quiet: errors only; a missing folder is made (and said, without --quiet)
    quiet = _cli("preview", model, "-o", tmp_path / "grids" / "q.png", "-q")
    assert quiet.exit_code == 0 and quiet.output == "" and (tmp_path / "grids" / "q.png").is_file()
    loud = _cli("preview", model, "-o", tmp_path / "more" / "l.png")
    assert f"Created the folder {str(tmp_path / 'more')!r} for --output." in loud.output
    wrong = _cli("preview", model, "-o", tmp_path / "grid.jpg")
    assert wrong.exit_code == 2 and "name it .png" in wrong.output
    assert not (tmp_path / "grid.jpg").exists()


def test_cli_augment_images_report_has_sample_grids(tmp_path):
    import base64
    import io
    import re

    src = _write_folder(tmp_path / "in")
    report = tmp_path / "report.html"
    result = _cli("augment-images", src, "-o", tmp_path / "out", "--epochs", 1, *TINY_RECIPE, "--seed", 0,
                  "--report", report, "-q")
    assert result.exit_code == 0, result.output
    html = report.read_text()
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    assert "Real samples" in captions and "Synthetic samples" in captions
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert len(pngs) == len(captions)
    for data in pngs:
        with Image.open(io.BytesIO(base64.b64decode(data))) as img:
            assert img.format == "PNG" and img.size[0] > 0
    # an existing report is never overwritten
    again = _cli("augment-images", src, "-o", tmp_path / "out2", "--epochs", 1, *TINY_RECIPE, "--report", report)
    assert again.exit_code == 1 and "already exists" in again.output
    assert not (tmp_path / "out2").exists()


def test_cli_errors(tmp_path):
    src = _write_folder(tmp_path / "in")
    (src / "dog" / "broken.png").write_bytes(b"not a png")
    result = _cli("augment-images", src, "-o", tmp_path / "out", "--epochs", 1, *TINY_RECIPE)
    assert result.exit_code == 1 and "broken.png" in result.output

    empty = tmp_path / "empty"
    (empty / "nothing").mkdir(parents=True)
    result = _cli("augment-images", empty, "-o", tmp_path / "out2")
    assert result.exit_code == 1 and "no classes" in result.output

    mixed = _write_folder(tmp_path / "mixed")
    Image.fromarray(np.zeros((10, 9), np.uint8)).save(mixed / "dog" / "big.png")
    result = _cli("augment-images", mixed, "-o", tmp_path / "out3")
    assert result.exit_code == 1 and "mixed sizes" in result.output and "--size" in result.output

    result = _cli("augment-images", mixed, "-o", tmp_path / "out4", "--size", "banana")
    assert result.exit_code == 2 and "HxW" in result.output

    result = _cli("augment-images", mixed, "-o", tmp_path / "out5", "--seed", -1)
    assert result.exit_code == 2 and "'--seed'" in result.output and "0<=x<=4294967295" in result.output

    good = _write_folder(tmp_path / "good")
    result = _cli("augment-images", good, "-o", tmp_path / "out6", "--strategy", '{"cow": 9}')
    assert result.exit_code == 2 and "class 'cow' is not in the target" in result.output


def test_cli_size_resizes_mixed_folder(tmp_path):
    mixed = _write_folder(tmp_path / "mixed", mode="RGB")
    Image.fromarray(np.zeros((20, 18, 3), np.uint8)).save(mixed / "dog" / "big.png")
    out = tmp_path / "out"
    result = _cli("augment-images", mixed, "-o", out, "--size", "12x10", "--epochs", 1, *TINY_RECIPE, "-q")
    assert result.exit_code == 0, result.output
    with Image.open(out / "dog" / "big.png") as img:
        assert img.size == (10, 12) and img.mode == "RGB"
