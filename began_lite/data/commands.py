"""`python -m began_lite data preview SOURCE --out FILE.png`: see the data before training on it."""
import math
from pathlib import Path

import torch

from began_lite.data.images import IMAGE_SIZES
from began_lite.data.mnist import SPLITS
from began_lite.data.sources import NAMED_SOURCES, open_dataset
from began_lite.data.toy import TOYS
from began_lite.errors import UserError
from began_lite.files import atomic_path

FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
DEFAULT_N = {"images": 64, "points": 1000}


def add_commands(subparsers) -> None:
    """Register `data preview`."""
    data = subparsers.add_parser("data", help="look at the data sets")
    commands = data.add_subparsers(dest="data_command", required=True)
    preview = commands.add_parser(
        "preview", help="write a grid of real samples (or a scatter plot for a toy) to a PNG")
    preview.add_argument("source", help=f"{', '.join(NAMED_SOURCES)}, a folder of images, "
                         f"or a toy: {', '.join(TOYS)}")
    preview.add_argument("--out", required=True, help="the image to write (.png or .jpg)")
    preview.add_argument("--n", type=int, default=None,
                         help="images in the grid (default 64) or toy points (default 1000)")
    preview.add_argument("--image-size", type=int, default=32, choices=IMAGE_SIZES)
    preview.add_argument("--split", default="train", choices=SPLITS)
    preview.add_argument("--channels", type=int, default=None, choices=(1, 3),
                         help="convert to 1 (grayscale) or 3 (RGB) channels")
    preview.add_argument("--root", default="data", help="folder holding mnist/, cifar10/, celeba/")
    preview.add_argument("--seed", type=int, default=0, help="seed for toy samples")
    preview.set_defaults(run=run_preview)


def image_format(out: Path) -> str:
    """The file format for `out`, from its suffix; anything but .png / .jpg is a UserError."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise UserError(f"--out {out} must end in .png or .jpg")
    return fmt


def check_n(n, kind: str) -> int:
    """`n`, or the default for `kind` ("images" or "points") when None; below 1 is a UserError."""
    if n is None:
        return DEFAULT_N[kind]
    if n < 1:
        raise UserError(f"--n must be at least 1, got {n}")
    return n


def preview_images(dataset, n: int, out: Path, fmt: str) -> int:
    """Save `n` evenly spaced images of `dataset` as one grid; return how many were drawn."""
    from torchvision.utils import save_image

    picks = torch.linspace(0, len(dataset) - 1, min(n, len(dataset))).round().long().unique()
    batch = torch.stack([dataset[int(i)] for i in picks])  # (B, C, H, W) in [-1, 1]
    with atomic_path(out) as tmp:
        save_image(batch, tmp, nrow=math.ceil(math.sqrt(len(batch))), normalize=True,
                   value_range=(-1, 1), pad_value=1.0, format=fmt)
    return len(batch)


def preview_toy(name: str, n: int, seed: int, out: Path, fmt: str) -> None:
    """Save a scatter (2-D) or histogram with the true density (1-D) of `n` toy samples."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    toy = TOYS[name]()
    x = toy.sample(n, generator=torch.Generator().manual_seed(seed))
    fig = Figure(figsize=(5, 5 if toy.dim == 2 else 3.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if toy.dim == 2:
        ax.scatter(x[:, 0], x[:, 1], s=4, alpha=0.5, label="samples")
        ax.scatter(toy.modes[:, 0], toy.modes[:, 1], marker="x", c="red", label="modes")
        ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    else:
        grid = torch.linspace(float(x.min()) - 1, float(x.max()) + 1, 400)
        ax.hist(x[:, 0], bins=40, density=True, alpha=0.5, label="samples")
        ax.plot(grid, toy.density(grid), c="red", label="true density")
        ax.set(xlabel="x", ylabel="density")
    ax.set_title(f"{name}: {n} samples")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)  # keep modes visible
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format=fmt, dpi=100, bbox_inches="tight")


def run_preview(args) -> int:
    """Write the preview and say what was written from which source."""
    out = Path(args.out)
    fmt = image_format(out)
    if args.source in TOYS:
        n = check_n(args.n, "points")
        preview_toy(args.source, n, args.seed, out, fmt)
        print(f"wrote {out}: {n} samples of the toy {args.source} (seed {args.seed})")
        return 0
    n = check_n(args.n, "images")
    dataset = open_dataset(args.source, args.image_size, args.split, args.root, args.channels)
    drawn = preview_images(dataset, n, out, fmt)
    print(f"wrote {out}: {drawn} images {args.image_size}x{args.image_size} from {dataset.source}")
    return 0
