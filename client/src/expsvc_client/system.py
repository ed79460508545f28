"""System metrics under ``system/``, sampled by a background thread (every 10 s by default).

- ``system/cpu_percent``: this process's CPU use (100 = one core busy);
- ``system/memory_rss_mb``: its resident memory;
- ``system/host_memory_percent``: the machine's memory in use (with psutil);
- per GPU ``i`` (through NVML, ``nvidia-ml-py``, when a driver is present):
  ``system/gpu.i.utilization``, ``system/gpu.i.memory_used_mb``,
  ``system/gpu.i.memory_percent``, ``system/gpu.i.temperature_c``, ``system/gpu.i.power_w``.

The step of a sample is the whole seconds since the run began. Without psutil, CPU comes
from ``os.times`` and memory from ``/proc/self/statm`` (or ``resource``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from expsvc_client.run import Run

log = logging.getLogger("expsvc_client")


class ProcessProbe:
    """CPU % since the previous sample and RSS of this process."""

    def __init__(self) -> None:
        self._psutil: Any = None
        self._process: Any = None
        try:
            import psutil

            self._psutil = psutil
            self._process = psutil.Process()
            self._process.cpu_percent(None)
        except ImportError:
            pass
        self._last = (time.monotonic(), _cpu_seconds())

    def sample(self) -> dict[str, float]:
        out: dict[str, float] = {}
        now, cpu = time.monotonic(), _cpu_seconds()
        then, before = self._last
        self._last = (now, cpu)
        if self._process is not None:
            out["system/cpu_percent"] = float(self._process.cpu_percent(None))
            out["system/memory_rss_mb"] = self._process.memory_info().rss / 2**20
            out["system/host_memory_percent"] = float(self._psutil.virtual_memory().percent)
        else:
            if now > then:
                out["system/cpu_percent"] = 100.0 * (cpu - before) / (now - then)
            rss = _rss_bytes()
            if rss is not None:
                out["system/memory_rss_mb"] = rss / 2**20
        return out


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if os.uname().sysname == "Darwin" else peak * 1024
    except (ImportError, OSError):
        return None


def _memory_percent(nvml: Any, handle: Any) -> float:
    memory = nvml.nvmlDeviceGetMemoryInfo(handle)
    return float(100.0 * memory.used / max(1, memory.total))


_GPU_READS: dict[str, Callable[[Any, Any], float]] = {
    "utilization": lambda nvml, h: float(nvml.nvmlDeviceGetUtilizationRates(h).gpu),
    "memory_used_mb": lambda nvml, h: nvml.nvmlDeviceGetMemoryInfo(h).used / 2**20,
    "memory_percent": _memory_percent,
    "temperature_c": lambda nvml, h: float(
        nvml.nvmlDeviceGetTemperature(h, nvml.NVML_TEMPERATURE_GPU)
    ),
    "power_w": lambda nvml, h: nvml.nvmlDeviceGetPowerUsage(h) / 1000.0,
}


class GpuProbe:
    """Per-device figures through NVML; empty when NVML or a driver is missing."""

    def __init__(self) -> None:
        self._nvml: Any = None
        self._handles: list[Any] = []
        try:
            import pynvml

            pynvml.nvmlInit()
            count = pynvml.nvmlDeviceGetCount()
            self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self._nvml = pynvml
        except Exception:  # no package, no driver, no device: no GPU figures
            self._nvml = None

    def sample(self) -> dict[str, float]:
        nvml = self._nvml
        if nvml is None:
            return {}
        out: dict[str, float] = {}
        for index, handle in enumerate(self._handles):
            prefix = f"system/gpu.{index}."
            for name, read in _GPU_READS.items():
                try:
                    out[prefix + name] = read(nvml, handle)
                except Exception:  # a figure this device does not report
                    continue
        return out

    def close(self) -> None:
        if self._nvml is not None:
            with contextlib.suppress(Exception):
                self._nvml.nvmlShutdown()


class SystemMetrics:
    """Samples the probes every ``interval`` seconds into ``run.log`` (at start too)."""

    def __init__(self, run: Run, *, interval: float = 10.0) -> None:
        self.run = run
        self.interval = interval
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="expsvc-system", daemon=True)
        self.process = ProcessProbe()
        self.gpus = GpuProbe()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)
        self.gpus.close()

    def sample(self) -> dict[str, float]:
        return {**self.process.sample(), **self.gpus.sample()}

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                figures = self.sample()
                if figures:
                    step = int(time.monotonic() - self.started)
                    self.run._writer.points(figures, step, int(time.time() * 1000))
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("system metrics: a sample failed")
