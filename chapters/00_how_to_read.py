# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 0. How to read this book
#
# **After this chapter you will be able to**
# - find your way through the chapters and say which paper section each one follows;
# - set the book up, open its chapters as notebooks in JupyterLab and re-run them;
# - switch between the quick and the full profile, and run the full experiments on a GPU;
# - use an exercise checker, and say why it tries edge cases as well as random inputs.
#
# **Papers:** this chapter is about the book itself. Chapters 1-3 follow Goodfellow et al. 2014,
# "Generative Adversarial Nets"; chapters 4-7 follow Berthelot, Schumm and Metz 2017, "BEGAN:
# Boundary Equilibrium Generative Adversarial Networks" (arXiv 1703.10717).
#
# Every chapter is a notebook you can run. Each one has the same shape: what you will be able to
# do and which paper section it follows; the idea in prose and mathematics; the piece built from
# scratch in a few lines; a check that your version and the `began_lite` package agree; an
# experiment that shows the claim with a number, a plot or a table; a summary; and exercises, at
# least one of them with a checker. Every claim is backed by a number the notebook computes.

# %%
import numpy as np

from began_lite.began import kt_update
from began_lite.book import format_toc, load_manifest, profile_name
from began_lite.exercises import cases, check_function, floats
from began_lite.exercises.part1 import check_clip_catch_probability
from began_lite.seeding import seed_everything

manifest = load_manifest()
profile = profile_name()
seed_everything(manifest["profiles"][profile]["seed"])
print(manifest["book"]["title"])
print(f"version {manifest['book']['version']}, profile {profile!r}")

# %% [markdown]
# ## The chapter map
#
# The book's manifest, `book.toml` in the repository root, lists the chapters in reading order.
# For each it records the title, the file, the paper sections it follows, the `began_lite`
# modules it uses, whether its full profile wants a GPU, its data sets, and how many minutes it
# may take in the quick profile. The map below is printed from that file, not typed by hand, so
# it cannot drift from the book; `python -m began_lite book list` prints the same map in a
# terminal, with the minutes.

# %%
print(format_toc(manifest, minutes=False))
chapters = manifest["chapters"]
gpu = [c["number"] for c in chapters if c["accelerator"] == "gpu"]
print(f"\n{len(chapters)} chapters; full profile on a GPU: {gpu or 'none'}")

# %% [markdown]
# ## Setting up
#
# You need Python 3.11, pip, git and make. From a checkout of the repository, two commands do
# everything (the Quickstart of the README):
#
# ```bash
# make train   # creates .venv from the pinned requirements.txt (first time only), then trains
#              # BEGAN on the bundled MNIST digits on the CPU; results go to runs/mnist/
# make test    # the whole test suite: unit tests, and every chapter re-run and compared by nbval
# ```
#
# Both work offline once the pinned packages are installed, and both are safe to run again.
# Afterwards, use the environment's own interpreter for everything else, e.g.
# `.venv/bin/python -m began_lite --help`. No data set is ever downloaded behind your back: the
# chapters use toy distributions and a small MNIST subset that ship with the package, and a
# chapter that needs a larger local data set says where to put it.
#
# ## Opening the chapters in JupyterLab
#
# Each chapter is two files in `chapters/`: `NN_slug.py`, the text of the chapter in Jupytext's
# percent format (cells start with `# %%`; this is the file you read in a diff and edit in any
# editor), and `NN_slug.ipynb`, the same cells with the outputs of an executed run. The file
# `jupytext.toml` in the repository root pairs them. Start JupyterLab from the repository root:
#
# ```bash
# .venv/bin/jupyter lab
# ```
#
# Then, in the `chapters/` folder, right-click a `.py` chapter and choose *Open With → Notebook*:
# the text file opens as a notebook. (`.venv/bin/jupytext-config set-default-viewer` makes that
# the double-click default.) When you save, Jupytext writes both files, so the pair stays in
# step. If you edit the `.py` in another editor, `.venv/bin/jupytext --sync chapters/NN_slug.py`
# brings the `.ipynb` up to date, and `.venv/bin/python -m began_lite book execute NN` runs the
# chapter and stores fresh outputs.

# %% [markdown]
# ## Quick and full profiles
#
# A chapter never hard-codes how many steps it trains or how many samples it draws. It asks
# `book.toml` for a budget: `B = budget("ch06")` returns the table `[profiles.quick.ch06]` or
# `[profiles.full.ch06]`, depending on the environment variable `BOOK_PROFILE`, plus the
# profile's seed. The quick profile is the default: every chapter runs in at most a minute on a
# two-core laptop CPU, which is what the committed notebooks and `make test` use. The full
# profile runs the real experiment, on a GPU where the chapter map says so.

# %%
profiles = manifest["profiles"]
for name in ("quick", "full"):
    print(f"{name:>5}: seed {profiles[name]['seed']}; {profiles[name]['description']}")
print()
for key in sorted(k for k, v in profiles["quick"].items() if isinstance(v, dict)):
    quick, full = profiles["quick"][key], profiles["full"].get(key, {})
    changes = [f"{name} {quick[name]} -> {full.get(name, '?')}" for name in quick]
    print(f"{key}: {'; '.join(changes) if changes else '(no budgets yet)'}")
ring_steps = (profiles["quick"]["ch01"]["steps_ring"], profiles["full"]["ch01"]["steps_ring"])
print(f"\nfor example, ch01's 'steps_ring {ring_steps[0]} -> {ring_steps[1]}': chapter 1 trains its "
      f"ring GAN {ring_steps[0]} steps in the quick profile and {ring_steps[1]} in the full one")

# %% [markdown]
# Each entry reads *name quick -> full*; the last line above spells one out. To run a chapter in
# the full profile:
#
# ```bash
# .venv/bin/python -m began_lite book execute 6 --profile full   # writes to runs/book/full/
# BOOK_PROFILE=full .venv/bin/jupyter lab                        # or interactively
# ```
#
# A full run never overwrites the committed quick-profile notebooks: `book execute --profile
# full` writes to `runs/book/full/` unless you pass `--out`.
#
# ## Running on a GPU
#
# The package takes the device and the precision as arguments; the same code runs on a CPU and on
# CUDA. The trainer picks the GPU when one is visible (`--device auto`, the default):
#
# ```bash
# .venv/bin/python -m began_lite presets                       # the training presets
# .venv/bin/python -m began_lite train --preset NAME --device cuda --set precision=bf16
# .venv/bin/python -m began_lite bench --preset NAME --device cuda   # images per second
# ```
#
# The cell below says what this machine offers. Its output depends on the machine, so nbval does
# not compare it (see *How the notebooks are tested* below).

# %%
# NBVAL_IGNORE_OUTPUT
import torch

if torch.cuda.is_available():
    print(f"CUDA is visible: {torch.cuda.device_count()} x {torch.cuda.get_device_name(0)}")
else:
    print(f"no CUDA GPU visible; running on the CPU with {torch.get_num_threads()} threads")

# %% [markdown]
# ## Exercises and their checkers
#
# Most exercises ask you to derive, predict or measure something the chapter has not shown, and
# to write the answer as a small function; a few warm-ups ask you to rebuild a function the
# chapter built. A checker from `began_lite.exercises` then runs your function and the book's
# reference on the same inputs and prints either one line that says they agree, or the
# **first** input where they differ, with both values, so you see at once what went wrong.
# Checkers of derivations also print your value beside the true one and beside a measurement.
#
# The inputs are not only random. Bugs hide at the edges: at zero, at the ends of a range, in an
# all-black image. `cases(...)` describes each argument (`floats(low, high)`, `ints`,
# `tensors(*shape)`, `probabilities(n)`, ...) and makes, in order: *edge cases* (one argument
# at one of its edges, the others random), *corners* (every argument at an edge at once), and
# then random cases.
#
# Here is a taste of chapter 6. BEGAN keeps a number $k_t \in [0, 1]$ that says how hard the
# discriminator should push generated images away. Each training step updates $D$ and $G$
# simultaneously, both from the losses the same $D$ measured (the paper's update); then $k$
# moves by
#
# $$k_{t+1} = \mathrm{clip}\big(k_t + \lambda_k\,(\gamma\,\mathcal{L}(x) - \mathcal{L}(G(z))),
#   \ 0,\ 1\big),$$
#
# with $\lambda_k = 0.001$ in the paper. Below, a reference implementation, which takes its
# arguments in the order of the package's `began_lite.began.kt_update(k, loss_real, loss_fake,
# gamma, lambda_k)`, and a deliberately wrong one that forgets the clip.

# %% tags=["nbval-ignore-output"]
def k_update(k, loss_real, loss_fake, gamma, lambda_k=0.001):
    """The reference: BEGAN's proportional control of k, clipped to [0, 1]."""
    return min(max(k + lambda_k * (gamma * loss_real - loss_fake), 0.0), 1.0)


def k_update_no_clip(k, loss_real, loss_fake, gamma, lambda_k=0.001):
    """A deliberately wrong version: it forgets the clip."""
    return k + lambda_k * (gamma * loss_real - loss_fake)


k_cases = cases(floats(0, 1, name="k"), floats(0, 0.2, name="loss_real"),
                floats(0, 0.2, name="loss_fake"), floats(0.3, 1, name="gamma"), n=200)
print("k_update agrees with began_lite.began.kt_update on all cases: "
      f"{all(abs(k_update(*c) - kt_update(*c, 0.001)) < 1e-12 for c in k_cases)}")
kinds = [c.label.split(":")[0] for c in k_cases]
print(f"{len(k_cases)} cases: {kinds.count('edge case')} edge cases, "
      f"{kinds.count('corner')} corners, {kinds.count('random')} random")
passed = check_function(k_update_no_clip, k_update, k_cases, name="k_update_no_clip")

# %% [markdown]
# The checker stops at the first case where the two disagree and shows it: which case, why it
# was chosen, the input, your value and the expected one. With $\lambda_k = 0.001$ and losses
# below 0.2, one update moves $k$ by at most 0.0002, so a random $k$ almost never lands close
# enough to 0 or 1 for the clip to matter. How many of the random cases would have caught the
# bug on their own, and how many of the edge cases and corners?

# %%
def caught(case):
    return abs(k_update_no_clip(*case) - k_update(*case)) > 1e-6


random_cases = [c for c in k_cases if c.label == "random"]
edge_cases = [c for c in k_cases if c.label != "random"]
print("random cases that catch the missing clip: "
      f"{sum(map(caught, random_cases))} of {len(random_cases)}")
print("edge cases and corners that catch it:     "
      f"{sum(map(caught, edge_cases))} of {len(edge_cases)}")
steps = [abs(k_update_no_clip(*c) - c[0]) for c in k_cases]
print(f"largest change of k in one update over all cases: {max(steps):.4f}")

# %% [markdown]
# `check_function` also returns `True` or `False`, so a notebook can `assert` it. It reports a
# function that crashes instead of crashing itself, and a right version passes:

# %% tags=["nbval-ignore-output"]
def k_update_typo(k, loss_real, loss_fake, gamma, lambda_k=0.001):
    """A version with a typo in a name."""
    return min(max(k + lambda_k * (gamma * loss_rael - loss_fake), 0.0), 1.0)  # noqa: F821


passed = check_function(k_update_typo, k_update, k_cases, name="k_update_typo")


def k_update_clamped(k, loss_real, loss_fake, gamma, lambda_k=0.001):
    """A correct version written differently: clamp with NumPy."""
    return float(np.clip(k + lambda_k * (gamma * loss_real - loss_fake), 0, 1))


assert check_function(k_update_clamped, k_update, k_cases, name="k_update_clamped")

# %% [markdown]
# Later chapters call ready-made checkers from `began_lite.exercises`; each prints the same kind
# of report. You can also check any function of your own against any reference with
# `check_function(yours, reference, cases(...), name=...)`.
#
# ## How the notebooks are tested
#
# The committed `.ipynb` files are executed in the quick profile by
# `python -m began_lite book execute`, which also prints how many seconds each chapter took.
# `make test` re-runs every chapter with `pytest --nbval` and compares each cell's new output
# with the stored one. Two things keep that comparison honest without making it fragile:
#
# - numbers are printed rounded (`f"{x:.4f}"`), and a small sanitizer,
#   `chapters/nbval_sanitize.cfg`, cuts longer floats to four decimals and removes memory
#   addresses, so the last bits of floating-point noise do not fail a test but a changed result
#   does;
# - cells whose output is meant to vary (training logs, timings, progress bars, the GPU cell
#   above) start with the comment `# NBVAL_IGNORE_OUTPUT`;
# - exercise cells (a cell with a solution, or one that calls a checker) are yours: your
#   solution changes their output, so `book execute` gives them nbval's `nbval-ignore-output`
#   tag, in the `.ipynb` and on the `# %%` line of the `.py`. The tests still run every checker
#   against the book's solutions. Every other cell is compared.
#
# `python -m began_lite book check` lists every reason the book is not ready to commit: a chapter
# in `book.toml` whose file is missing, a chapter file `book.toml` does not list, a `.py` and its
# `.ipynb` that disagree, a code cell never executed or holding an error, an exercise cell
# without the tag.
#
# ## Summary
#
# - `book.toml` is the map: chapters in reading order with their paper sections, and the budgets
#   of the quick (laptop, at most a minute per chapter) and full (the real experiment) profiles.
# - Chapters are `.py` text files paired with executed `.ipynb` notebooks; open the `.py` in
#   JupyterLab as a notebook.
# - Checkers run your function beside the book's on edge cases, corners and random inputs, and
#   show the first input where they differ.
#
# ## Exercises
#
# Solutions sit between `### BEGIN SOLUTION` and `### END SOLUTION`; the student set of the book
# (`python -m began_lite book assignments`) replaces them with a stub for you to fill in.
#
# 1. **(checked, warm-up)** Write `my_k_update` below without looking at the reference, and run
#    the cell until the checker prints ✓.
# 2. **(checked)** The random cases above almost never caught the missing clip. Predict how
#    often one would, without simulating: write `catch_probability(lambda_k, loss_max)`, the
#    chance that one random case ($k \sim U[0, 1]$, $\gamma \sim U[0.3, 1]$, both losses
#    $\sim U[0, \mathrm{loss\_max}]$, with $\lambda_k\,\mathrm{loss\_max} \le 1$) sends the
#    unclipped update outside $[0, 1]$. Hint: for a fixed step $\delta$ with $|\delta| \le 1$,
#    what share of $k \in [0, 1]$ ends outside? The checker prints your value beside a measured
#    one, and how many random cases a 95% chance of catching the bug would take.
# 3. Use `cases` with `n=0` to count the edge cases and corners made for the four arguments of
#    `k_update`. Why are there 16 corners? How many would there be if `k` also had an edge at
#    0.5?
# 4. Change the text of a Markdown cell in `chapters/00_how_to_read.py` with a text editor, then
#    run `.venv/bin/python -m began_lite book check` and read what it reports. Bring the pair
#    back in step with `.venv/bin/python -m began_lite book execute 0`.

# %% tags=["nbval-ignore-output"]
def my_k_update(k, loss_real, loss_fake, gamma, lambda_k=0.001):
    """Your version of BEGAN's k update."""
    ### BEGIN SOLUTION
    return min(max(k + lambda_k * (gamma * loss_real - loss_fake), 0.0), 1.0)
    ### END SOLUTION


passed = check_function(my_k_update, k_update, k_cases, name="my_k_update")

# %% tags=["nbval-ignore-output"]
def catch_probability(lambda_k, loss_max):
    """Your chance that one random case sends the unclipped k update outside [0, 1]."""
    ### BEGIN SOLUTION
    # k + delta leaves [0, 1] for a share |delta| of the k in [0, 1] (when |delta| <= 1), so the
    # chance is E|delta| = lambda_k * loss_max * E|gamma u - v| with u, v ~ U[0, 1]. For a fixed
    # gamma, w = gamma u is uniform on [0, gamma] and E_v|w - v| = (w^2 + (1 - w)^2) / 2, whose
    # mean over w is gamma^2 / 3 - gamma / 2 + 1 / 2. Average that over gamma ~ U[0.3, 1].
    mean_gamma_sq = (1 - 0.3**3) / (3 * (1 - 0.3))
    mean_gamma = (1 + 0.3) / 2
    return lambda_k * loss_max * (mean_gamma_sq / 3 - mean_gamma / 2 + 0.5)
    ### END SOLUTION


passed = check_clip_catch_probability(catch_probability)

# %% tags=["nbval-ignore-output"]
### BEGIN SOLUTION
# Exercise 3. Each range starts at 0 or above, so zero is never strictly inside it: every
# argument has two edges, its ends. One argument at a time at an edge gives 4 x 2 = 8 edge
# cases; all four at an edge at once gives 2 x 2 x 2 x 2 = 16 corners. A third edge for k
# makes 3 + 2 + 2 + 2 = 9 edge cases and 3 x 2 x 2 x 2 = 24 corners.
def count_kinds(made):
    """(edge cases, corners) among the cases `cases` made."""
    kinds = [c.label.split(":")[0] for c in made]
    return kinds.count("edge case"), kinds.count("corner")


k_with_middle = floats(0, 1, name="k")
k_with_middle.edges.append(("middle", 0.5))
for label, k_arg in (("k with its two ends", floats(0, 1, name="k")),
                     ("k with an edge at 0.5 too", k_with_middle)):
    made = cases(k_arg, floats(0, 0.2), floats(0, 0.2), floats(0.3, 1), n=0)
    print(f"{label}: {count_kinds(made)[0]} edge cases, {count_kinds(made)[1]} corners")

# Exercise 4. `book check` compares the .py with its .ipynb cell by cell and names the first
# cell and line that differ; `book execute 0` rewrites the .ipynb from the .py. The same
# comparison, on an edited copy in memory:
from began_lite.book import book_root
from began_lite.book.notebooks import pair_difference, read_notebook, read_script

edited = read_script(book_root() / "chapters/00_how_to_read.py")
edited.cells[0].source += "\nA line added in a text editor."
print(pair_difference(edited, read_notebook(book_root() / "chapters/00_how_to_read.ipynb")))
### END SOLUTION
