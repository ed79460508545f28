"""System metrics: the process probe on this machine, and the GPU probe through a stand-in
for NVML (a boundary we cannot run here: the machine has no NVIDIA driver)."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest

from expsvc_client.system import GpuProbe, ProcessProbe


def test_the_process_probe_reads_cpu_and_memory() -> None:
    probe = ProcessProbe()
    sum(i * i for i in range(200_000))  # some CPU between samples
    figures = probe.sample()
    assert figures["system/memory_rss_mb"] > 1
    assert figures["system/cpu_percent"] >= 0
    assert 0 < figures["system/host_memory_percent"] <= 100


def test_without_psutil_it_falls_back_to_the_os(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil → ImportError
    probe = ProcessProbe()
    sum(i * i for i in range(200_000))
    figures = probe.sample()
    assert figures.keys() == {"system/cpu_percent", "system/memory_rss_mb"}
    assert figures["system/memory_rss_mb"] > 1


class FakeNvml:
    """Two devices; the second does not report its power draw."""

    NVML_TEMPERATURE_GPU = 0

    def __init__(self) -> None:
        self.shut = False

    def nvmlInit(self) -> None:
        pass

    def nvmlShutdown(self) -> None:
        self.shut = True

    def nvmlDeviceGetCount(self) -> int:
        return 2

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> Any:
        return SimpleNamespace(gpu=40 + handle)

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> Any:
        return SimpleNamespace(used=(handle + 1) * 2**30, total=8 * 2**30)

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        return 60 + handle

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        if handle == 1:
            raise RuntimeError("not supported")
        return 250_000


def test_gpu_figures_per_device(monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = FakeNvml()
    monkeypatch.setitem(sys.modules, "pynvml", nvml)
    probe = GpuProbe()
    assert probe.sample() == {
        "system/gpu.0.utilization": 40.0,
        "system/gpu.0.memory_used_mb": 1024.0,
        "system/gpu.0.memory_percent": 12.5,
        "system/gpu.0.temperature_c": 60.0,
        "system/gpu.0.power_w": 250.0,
        "system/gpu.1.utilization": 41.0,
        "system/gpu.1.memory_used_mb": 2048.0,
        "system/gpu.1.memory_percent": 25.0,
        "system/gpu.1.temperature_c": 61.0,
    }
    probe.close()
    assert nvml.shut


class NoDriver(FakeNvml):
    def nvmlInit(self) -> None:
        raise RuntimeError("NVML Shared Library Not Found")


@pytest.mark.parametrize("nvml", [NoDriver(), None], ids=["no driver", "no package"])
def test_no_driver_or_no_package_means_no_gpu_figures(
    monkeypatch: pytest.MonkeyPatch, nvml: Any
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", nvml)
    assert GpuProbe().sample() == {}
