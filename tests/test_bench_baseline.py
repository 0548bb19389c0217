"""bench --baseline: the naive step gives began_step's numbers; the command prints and writes them."""
import copy
import json

import pytest
import torch

from began_lite import began, nets
from began_lite.__main__ import main as run_cli
from began_lite.train.bench import naive_began_step

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _pair(seed=0):
    torch.manual_seed(seed)
    g, d = nets.build_began(8, channels=3, n=4, h=4, z_dim=4, repeat=1, skip=True)
    return g, d, torch.optim.Adam(g.parameters(), lr=1e-3), torch.optim.Adam(d.parameters(), lr=1e-3)


@pytest.mark.parametrize("shared_z", [False, True])
@pytest.mark.parametrize("eta", [1, 2])
def test_began_step_equals_the_naive_step(eta, shared_z):
    # Same z draws, same losses, same weights after three steps: began_step does less work, not
    # other work (one D call on real and G(z_D), no D weight gradients from L_G).
    g, d, opt_g, opt_d = _pair()
    g2, d2 = copy.deepcopy(g), copy.deepcopy(d)
    opt_g2, opt_d2 = torch.optim.Adam(g2.parameters(), lr=1e-3), torch.optim.Adam(d2.parameters(), lr=1e-3)
    rng, rng2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    real = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(5)) * 2 - 1
    k = k2 = 0.3
    for _ in range(3):
        r = began.began_step(g, d, opt_g, opt_d, real, k, gamma=0.5, lambda_k=0.1, z_dim=4,
                             eta=eta, rng=rng, shared_z=shared_z)
        k, k2 = r.k, naive_began_step(g2, d2, opt_g2, opt_d2, real, k2, gamma=0.5, lambda_k=0.1,
                                      z_dim=4, eta=eta, rng=rng2, shared_z=shared_z)
        assert k == pytest.approx(k2, abs=1e-7)
    for a, b in zip([*g.parameters(), *d.parameters()], [*g2.parameters(), *d2.parameters()]):
        assert torch.allclose(a, b, atol=1e-6)
    assert not torch.equal(next(g.parameters()), next(_pair()[0].parameters()))  # it trained


def test_one_reduce_carries_losses_and_flags():
    g, d, opt_g, opt_d = _pair()
    real = torch.rand(4, 3, 8, 8) * 2 - 1
    seen = []

    def reduce_sum(t):  # two identical ranks: the sum is twice the tensor
        seen.append(t.clone())
        return t * 2
    reduce_sum.world_size = 2
    r = began.began_step(g, d, opt_g, opt_d, real, 0.2, gamma=0.5, lambda_k=0.1, z_dim=4,
                         reduce_sum=reduce_sum, flags=lambda: torch.tensor([0.0, 1.0]))
    assert len(seen) == 1 and seen[0].shape == (6,)
    assert r.flags == (False, True)
    assert [r.loss_real, r.loss_fake, r.loss_d, r.loss_g] == pytest.approx(seen[0][:4].tolist())
    assert r.k == began.kt_update(0.2, r.loss_real, r.loss_fake, 0.5, 0.1)


def test_bench_baseline_prints_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert run_cli(["bench", "--preset", "smoke", "--baseline", "--device", "cpu", "--steps", "2",
                    "--warmup", "1", "--repeats", "2", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "speed-up of began_step over the naive step" in text and "GFLOP/s" in text
    result = json.loads(out.read_text())
    naive, ours = result["steps"]["naive"], result["steps"]["began_step"]
    # L_G's backward skips D's weight gradients: fewer FLOPs than the naive step.
    assert 0 < ours["gflop_per_step"] < naive["gflop_per_step"]
    assert result["fp32_matmul_peak_gflops"] > 0 and result["speedup"] > 0
    assert ours["fraction_of_peak"] == pytest.approx(
        ours["gflops_per_second"] / result["fp32_matmul_peak_gflops"])


def test_bench_rejects_bad_counts(capsys):
    assert run_cli(["bench", "--preset", "smoke", "--baseline", "--repeats", "0"]) == 2
    assert "--repeats" in capsys.readouterr().err
