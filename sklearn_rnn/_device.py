"""The ``device`` parameter: which torch device it names on this machine."""

import re

import torch

DEVICE = re.compile(r"^(auto|cpu|cuda(:\d+)?|mps)$")


def resolve_device(device):
    """The torch device string for the ``device`` parameter, or a clear
    ValueError when it is not one, or not one this machine has."""
    if not DEVICE.match(device):
        raise ValueError(
            f"device={device!r} is not a valid device: use 'auto', 'cpu', "
            "'cuda', 'cuda:N' or 'mps'."
        )
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available "
                "(torch.cuda.is_available() is False); use device='auto' to "
                "fall back to the CPU."
            )
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but this machine has "
                f"{torch.cuda.device_count()} CUDA device(s), numbered from 0."
            )
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            "device='mps' was requested but Apple's MPS backend is not "
            "available here (torch.backends.mps.is_available() is False); use "
            "device='auto' or 'cpu'."
        )
    return device
