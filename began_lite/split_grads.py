"""Two objectives in one backward pass: per-sample scales on weight gradients only.

BEGAN-tensorflow's step (one z for both players) sends the batch cat([x, G(z)]) through D once.
D's weights need the gradient of L_D = L(x) - k L(G(z)); G needs that of L_G = L(G(z)). The
backward pass is linear in the gradient it carries, and D mixes no samples (no batch norm), so
one pass of L(x) + L(G(z)) carries, in each fake sample, exactly the L_G gradient that G needs.
Inside `weight_grad_scales(scale)`, every F.conv2d and F.linear on a batch of len(scale) rows
passes that gradient on to its input unchanged, but builds its weight and bias gradients as if
grad_output[b] were scaled by scale[b]; with scale = [1, ..., 1, -k, ..., -k] they are L_D's
gradients.
The saving: no second backward pass through D for G, and one forward of 2B rows instead of two.
"""
import contextlib

import torch
from torch.nn import functional
from torch.overrides import TorchFunctionMode


def _autocast_cast(device_type: str, *tensors):
    """`tensors` cast to the autocast dtype where autocast is on (None stays None)."""
    if not torch.is_autocast_enabled(device_type):
        return tensors
    dtype = torch.get_autocast_dtype(device_type)
    return tuple(None if t is None else t.to(dtype) for t in tensors)


def _per_sample(scale: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """scale (B,) shaped to broadcast over a (B, ...) tensor, in its dtype."""
    return scale.to(like.dtype).reshape(-1, *([1] * (like.dim() - 1)))


class _Conv2d(torch.autograd.Function):
    """conv2d whose weight and bias gradients see grad_output scaled per sample.

    The weight gradient sums grad_output[b] x input[b] over samples, so scaling input[b] by
    scale[b] scales it; the input gradient never reads the input, so one convolution_backward
    call on the scaled input gives both. The bias gradient is scaled apart.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, scale, stride, padding, dilation, groups):
        in_dtypes = (weight.dtype, None if bias is None else bias.dtype)
        x, weight, bias = _autocast_cast(x.device.type, x, weight, bias)
        with torch.autocast(x.device.type, enabled=False):
            out = functional.conv2d(x, weight, bias, stride, padding, dilation, groups)
        ctx.save_for_backward(x, weight, scale)
        ctx.geometry = (stride, padding, dilation, groups, bias is not None, in_dtypes)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, scale = ctx.saved_tensors
        stride, padding, dilation, groups, has_bias, (w_dtype, b_dtype) = ctx.geometry
        grad = grad.to(x.dtype)
        scaled_x = x * _per_sample(scale, x)  # made here, not saved: no extra memory held
        grad_x, grad_w, _ = torch.ops.aten.convolution_backward(
            grad, scaled_x, weight, None, stride, padding, dilation, False, [0, 0], groups,
            [ctx.needs_input_grad[0], ctx.needs_input_grad[1], False])
        grad_b = None
        if has_bias and ctx.needs_input_grad[2]:
            grad_b = (grad.sum((2, 3)) * scale.to(grad.dtype)[:, None]).sum(0).to(b_dtype)
        return (grad_x, None if grad_w is None else grad_w.to(w_dtype), grad_b,
                None, None, None, None, None)


class _Linear(torch.autograd.Function):
    """linear whose weight and bias gradients see grad_output scaled per row (as _Conv2d)."""

    @staticmethod
    def forward(ctx, x, weight, bias, scale):
        in_dtypes = (weight.dtype, None if bias is None else bias.dtype)
        x, weight, bias = _autocast_cast(x.device.type, x, weight, bias)
        with torch.autocast(x.device.type, enabled=False):
            out = functional.linear(x, weight, bias)
        ctx.save_for_backward(x, weight, scale)
        ctx.has_bias, ctx.in_dtypes = bias is not None, in_dtypes
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight, scale = ctx.saved_tensors
        grad = grad.to(x.dtype)
        grad_x = grad @ weight if ctx.needs_input_grad[0] else None
        grad_w = (grad.T @ (x * _per_sample(scale, x))).to(ctx.in_dtypes[0]) if ctx.needs_input_grad[1] else None
        grad_b = None
        if ctx.has_bias and ctx.needs_input_grad[2]:
            grad_b = (scale.to(grad.dtype) @ grad).to(ctx.in_dtypes[1])
        return grad_x, grad_w, grad_b, None


class _WeightGradScales(TorchFunctionMode):
    """Routes conv2d and linear calls on a batch of len(scale) rows through the scaled forms."""

    def __init__(self, scale: torch.Tensor):
        super().__init__()
        self.scale = scale

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is functional.conv2d:
            return _Conv2d.apply(*self._bind(func, args, kwargs, ("input", "weight", "bias",
                                                                  "stride", "padding",
                                                                  "dilation", "groups")))
        if func is functional.linear:
            return _Linear.apply(*self._bind(func, args, kwargs, ("input", "weight", "bias")))
        return func(*args, **kwargs)

    def _bind(self, func, args, kwargs, names):
        """The call's arguments in `names` order, with the scale after the bias."""
        values = dict(zip(names, args)) | kwargs
        defaults = {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1}
        bound = [values.get(name, defaults.get(name)) for name in names]
        if bound[0].shape[0] != self.scale.shape[0]:
            raise ValueError(f"{func.__name__} on {bound[0].shape[0]} rows inside "
                             f"weight_grad_scales for {self.scale.shape[0]}")
        if func is functional.conv2d:
            bound[3:] = [_pair(v) for v in bound[3:6]] + [bound[6]]
        return bound[:3] + [self.scale] + bound[3:]


def _pair(value):
    """An int or a pair, as a pair (what aten.convolution_backward takes)."""
    if isinstance(value, str):
        raise ValueError(f"padding={value!r} is not supported inside weight_grad_scales")
    return list(value) if isinstance(value, (tuple, list)) else [value, value]


@contextlib.contextmanager
def weight_grad_scales(scale: torch.Tensor):
    """Within the block, conv2d / linear weight gradients weigh sample b by scale[b] (see above).

    Input gradients are not scaled. Every conv2d and linear called inside must see len(scale)
    rows; anything else (activations, up-sampling, concatenation) runs as usual.
    """
    with _WeightGradScales(scale.detach()):
        yield
