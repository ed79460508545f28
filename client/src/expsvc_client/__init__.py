"""Log training runs into the Experiment Service.

    import expsvc_client as xs

    with xs.init(hypothesis="Warmup helps", name="bs=256", type="CV", model="resnet50",
                 hyperparams={"learning_rate": 0.1}) as run:
        for step in range(steps):
            run.log({"train/loss": loss}, step=step)
            if run.should_stop:
                break

The server and token come from ``url=``/``token=`` or ``EXPSVC_URL``/``EXPSVC_TOKEN``.
"""

from expsvc_client.errors import ApiError, ConfigError, ExpsvcError, Unreachable
from expsvc_client.journal import SpoolFull
from expsvc_client.run import Run, Terminated, attach, failure_reason, init

__version__ = "0.1.0"
__all__ = [
    "ApiError",
    "ConfigError",
    "ExpsvcError",
    "Run",
    "SpoolFull",
    "Terminated",
    "Unreachable",
    "attach",
    "failure_reason",
    "init",
]
