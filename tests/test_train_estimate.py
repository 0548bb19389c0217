"""Estimates for GPUs (chapter 11): step FLOPs against PyTorch's counter on a real step, the
saved-tensor count against real tensors, memory parts, throughput and hours arithmetic."""
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from began_lite.began import began_step
from began_lite.errors import UserError
from began_lite.nets import build_began, count_parameters
from began_lite.train import load_config
from began_lite.train.estimate import (GIB, GPUS, estimated_images_per_second, forward_flops,
                                       memory_estimate, peak_tflops, saved_tensors,
                                       schedule_hours, step_flops, step_forward)

TINY = {"image_size": 16, "n": 4, "h": 8, "z_dim": 8, "batch_size": 4}


def tiny(**changes):
    return load_config("celeba128", {**TINY, **changes})


def test_step_flops_match_the_counter_on_a_real_step(one_torch_thread):
    config = tiny()
    generator, discriminator = build_began(16, 3, 4, 8, 8, 2)
    optimizers = [torch.optim.Adam(net.parameters()) for net in (generator, discriminator)]
    with FlopCounterMode(display=False) as counter:
        began_step(generator, discriminator, *optimizers, torch.rand(4, 3, 16, 16) * 2 - 1, 0.0,
                   gamma=0.5, lambda_k=0.001, z_dim=8)
    # the counter skips input gradients nobody asks for (the first layers): a little less
    assert 0.95 * step_flops(config) < counter.get_total_flops() <= step_flops(config)


def test_forward_flops_scale_with_batch_free_counts():
    g_f, d_f = forward_flops(tiny())
    assert g_f > 0 and d_f > g_f  # D holds an encoder and a decoder
    assert step_flops(tiny(batch_size=8)) == 2 * step_flops(tiny())


def test_saved_tensors_equal_what_a_real_step_saves(one_torch_thread):
    """Fake tensors give what real ones give, byte for byte, on the same forward passes; and
    those passes save what began_step itself saves."""
    config = tiny()
    fake = sum(t.untyped_storage().nbytes() for t in saved_tensors(config))

    def real_saved(run, networks):
        weights = {p.untyped_storage().data_ptr() for m in networks for p in m.parameters()}
        saved = {}

        def pack(tensor):
            saved[tensor.untyped_storage().data_ptr()] = tensor.untyped_storage().nbytes()
            return tensor

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            run()
        return sum(size for key, size in saved.items() if key not in weights)

    torch.manual_seed(0)
    generator, discriminator = build_began(16, 3, 4, 8, 8, 2)
    real = torch.rand(4, 3, 16, 16) * 2 - 1
    assert fake == real_saved(lambda: step_forward(generator, discriminator, real, config),
                              (generator, discriminator))
    optimizers = [torch.optim.Adam(net.parameters()) for net in (generator, discriminator)]
    step = real_saved(lambda: began_step(generator, discriminator, *optimizers, real, 0.0,
                                         gamma=0.5, lambda_k=0.001, z_dim=8),
                      (generator, discriminator))
    assert step == pytest.approx(fake, rel=0.01)


def test_bf16_halves_most_activations_and_memory_parts_add_up():
    fp32, bf16 = memory_estimate(tiny(), "fp32"), memory_estimate(tiny(), "bf16")
    assert 0.4 < bf16["activations"] / fp32["activations"] < 0.7
    parameters = sum(count_parameters(m) for m in build_began(16, 3, 4, 8, 8, 2))
    assert fp32["parameters"] == parameters and fp32["adam"] == 8 * parameters
    parts = ("weights", "gradients", "adam", "activations", "transient")
    assert fp32["total"] == sum(fp32[key] for key in parts)
    assert memory_estimate(tiny(batch_size=8))["activations"] == 2 * fp32["activations"]


def test_the_paper_model_fits_a_t4_by_the_estimate():
    total = memory_estimate(load_config("celeba128"))["total"]
    assert 2 * GIB < total < 0.9 * GPUS["T4"].memory_gb * 1e9


def test_peaks_rates_and_hours():
    assert peak_tflops(GPUS["T4"], "bf16") is None and peak_tflops(GPUS["T4"], "fp32") == 8.1
    assert peak_tflops(GPUS["H100"], "bf16") == 989.4
    # 1 TFLOP per step of 10 images at half of 2 TFLOP/s: 10 images/s
    assert estimated_images_per_second(1e12, 10, 2.0, 0.5) == pytest.approx(10.0)
    assert schedule_hours(3600, 10, 10.0) == pytest.approx(1.0)
    for bad in (lambda: estimated_images_per_second(1e12, 10, 2.0, 0.0),
                lambda: schedule_hours(10, 10, 0.0), lambda: peak_tflops(GPUS["A100"], "fp16"),
                lambda: saved_tensors(tiny(), "fp16")):
        with pytest.raises(UserError):
            bad()
