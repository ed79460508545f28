"""``init``, ``attach`` and the ``Run`` against a real server: what reaches it, and the
run's lifecycle from the process."""

from __future__ import annotations

import logging
import sys
import threading
import time

import pytest

import expsvc_client as xs
from expsvc_client.run import failure_reason
from tests.client.conftest import User, make_user


def new_run(user: User, **options: object) -> xs.Run:
    return xs.init(
        hypothesis=user.hypothesis_title,
        name="bs=256",
        type="CV",
        model="resnet50",
        **user.options(**options),
    )


def test_three_lines_log_everything_and_complete(user: User) -> None:
    handler_logger = logging.getLogger("tests.client.training")
    with xs.init(
        hypothesis=user.hypothesis_title,
        name="bs=256",
        type="CV",
        model="resnet50",
        framework="pytorch",
        hyperparams={"learning_rate": 0.1, "batch_size": 256},
        resources={"gpuType": None, "gpuCount": 0, "cpuCores": 2},
        tags=["client"],
        **user.options(),
    ) as run:
        assert run.url == f"{user.url}/experiments/{run.id}"
        handler_logger.addHandler(run.logger)
        handler_logger.setLevel(logging.INFO)
        for step in range(3000):
            run.log({"train/loss": 1 / (step + 1), "lr": 0.1}, step=step)
            run.progress(step + 1, total_steps=3000)
        run.log_text("epoch", 1, "done")
        handler_logger.warning("a warning through logging")
        print("a printed line")
        print("to stderr", file=sys.stderr)
        handler_logger.removeHandler(run.logger)
    assert run.status == "COMPLETED"
    assert not run.folder.exists()
    experiment = user.experiment(run.id)
    assert experiment["status"] == "COMPLETED"
    # the type's preset fills the rest of the hyperparameters
    assert experiment["hyperparams"].items() >= {"learning_rate": 0.1, "batch_size": 256}.items()
    assert (experiment["framework"], experiment["model"], experiment["type"]) == (
        "pytorch",
        "resnet50",
        "CV",
    )
    assert experiment["resources"]["cpu_cores"] == 2
    assert experiment["progress"]["step"] == 3000
    assert experiment["progress"]["total_steps"] == 3000
    loss = user.series(run.id, "train/loss")
    assert [s for s, _ in loss] == list(range(3000))
    assert loss[9][1] == pytest.approx(0.1)
    assert len(user.series(run.id, "lr")) == 3000
    lines = {(line["level"], line["message"]) for line in user.log_lines(run.id)}
    assert ("INFO", "epoch 1 done") in lines
    assert ("WARNING", "tests.client.training: a warning through logging") in lines
    assert ("INFO", "a printed line") in lines
    assert ("WARNING", "to stderr") in lines


def test_hypothesis_by_id_and_by_a_title_nobody_has(user: User) -> None:
    with xs.init(hypothesis=user.hypothesis_id, type="ML", model="m", **user.options()) as run:
        run.log({"k": 1.0})
    assert user.experiment(run.id)["hypothesis_id"] == user.hypothesis_id
    assert user.experiment(run.id)["name"]  # a default name
    with pytest.raises(xs.ConfigError, match="no hypothesis"):
        xs.init(hypothesis="no such title", type="ML", model="m", **user.options())
    with pytest.raises(xs.ConfigError, match="hypothesis"):
        xs.init(type="ML", model="m", **user.options())


def test_steps_count_on_from_the_last_one(user: User) -> None:
    with new_run(user) as run:
        run.log({"a": 1.0})  # 0
        run.log({"a": 2.0})  # 1
        run.log({"a": 3.0}, step=10)
        run.log({"a": 4.0})  # 11
        run.log({"b": 5.0}, step=3)  # an earlier step is allowed; the next stays 12
        run.log({"a": 6.0})
    assert [s for s, _ in user.series(run.id, "a")] == [0, 1, 10, 11, 12]
    assert user.series(run.id, "b") == [(3, 5.0)]


def test_bad_input_is_refused_at_the_call(user: User) -> None:
    with new_run(user) as run:
        with pytest.raises(ValueError, match="metric key"):
            run.log({"bad key!": 1.0})
        with pytest.raises(TypeError, match="'loss'"):
            run.log({"loss": "high"})
        with pytest.raises(ValueError, match="step"):
            run.log({"loss": 1.0}, step=-1)
        with pytest.raises(TypeError, match="step"):
            run.log({"loss": 1.0}, step=1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="totals"):
            run.progress(1, total_steps=0)
        with pytest.raises(ValueError, match="level"):
            run.log_text("x", level="LOUD")
        run.log({"loss": 1.0}, step=0)
    assert user.summaries(run.id).keys() == {"loss"}
    assert user.experiment(run.id)["status"] == "COMPLETED"


def test_an_exception_fails_the_run_after_flushing(user: User) -> None:
    with pytest.raises(ValueError, match="boom"), new_run(user) as run:
        run.log({"loss": 1.0}, step=0)
        raise ValueError("boom")
    experiment = user.experiment(run.id)
    assert experiment["status"] == "FAILED"
    assert experiment["failure"]["reason"] == "USER_ERROR"
    assert experiment["failure"]["message"] == "ValueError: boom"
    assert user.series(run.id, "loss") == [(0, 1.0)]


def test_running_out_of_memory_is_oom(user: User) -> None:
    with pytest.raises(MemoryError), new_run(user) as run:
        raise MemoryError("no more")
    assert user.experiment(run.id)["failure"]["reason"] == "OOM"

    class OutOfMemoryError(RuntimeError):  # torch.cuda.OutOfMemoryError, by name
        pass

    assert failure_reason(OutOfMemoryError("x")) == "OOM"
    assert failure_reason(RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")) == "OOM"
    assert failure_reason(KeyError("x")) == "USER_ERROR"


def test_ctrl_c_stops_the_run(user: User) -> None:
    with pytest.raises(KeyboardInterrupt), new_run(user) as run:
        run.log({"loss": 1.0}, step=0)
        raise KeyboardInterrupt
    assert user.experiment(run.id)["status"] == "STOPPED"
    assert user.series(run.id, "loss") == [(0, 1.0)]


def test_attach_starts_a_queued_experiment(user: User) -> None:
    experiment_id = user.create("from the console")
    assert user.experiment(experiment_id)["status"] == "QUEUED"
    with xs.attach(experiment_id, **user.options()) as run:
        assert run.status == "RUNNING"
        run.log({"loss": 0.5}, step=1)
    assert user.experiment(experiment_id)["status"] == "COMPLETED"
    assert user.series(experiment_id, "loss") == [(1, 0.5)]


def test_attach_to_a_running_one_and_refusals(user: User, tmp_path) -> None:
    experiment_id = user.create()
    assert user.rest("POST", f"/experiments/{experiment_id}/start").status_code == 200
    run = xs.attach(experiment_id, **user.options())
    run.log({"loss": 0.5}, step=1)
    run.finish()
    # a finished experiment takes no more
    with pytest.raises(xs.ApiError) as finished:
        xs.attach(experiment_id, **user.options())
    assert finished.value.code == "INVALID_TRANSITION"
    # another DS user may not see it: NOT_FOUND, as the contract says
    stranger = make_user(user.service, tmp_path / "other-spool", "stranger")
    with pytest.raises(xs.ApiError) as hidden:
        xs.attach(user.create(), **stranger.options())
    assert hidden.value.code == "NOT_FOUND"
    # a bad token
    with pytest.raises(xs.ApiError) as unknown:
        xs.attach(experiment_id, **user.options(token="nope"))
    assert unknown.value.code == "UNAUTHENTICATED"


def test_stop_from_the_api_reaches_the_job(user: User) -> None:
    told: list[str] = []
    with new_run(user, on_stop=lambda r: told.append(r.status)) as run:
        run.log({"loss": 1.0}, step=0)
        assert run.flush(30)
        pressed = time.monotonic()
        assert user.rest("POST", f"/experiments/{run.id}/stop").status_code == 200
        step = 1
        while not run.should_stop and time.monotonic() - pressed < 30:
            run.log({"loss": 1.0}, step=step)
            step += 1
            time.sleep(0.01)
        heard = time.monotonic() - pressed
        assert run.should_stop
        run.log({"loss": 9.0}, step=10**6)  # dropped: the run has ended
    assert told == ["STOPPED"]
    assert heard < 5, f"the stop took {heard:.1f} s to reach the run"
    assert user.experiment(run.id)["status"] == "STOPPED"
    assert all(step < 10**6 for step, _ in user.series(run.id, "loss"))


def test_stop_reaches_an_idle_job(user: User) -> None:
    stopped = threading.Event()
    run = new_run(user, on_stop=lambda r: stopped.set())
    pressed = time.monotonic()
    assert user.rest("POST", f"/experiments/{run.id}/stop").status_code == 200
    assert stopped.wait(10)
    assert time.monotonic() - pressed < 5
    run.finish()  # nothing to tell: the run is STOPPED already
    assert run.status == "STOPPED"
    assert user.experiment(run.id)["status"] == "STOPPED"


def test_system_metrics_are_sampled(user: User) -> None:
    with new_run(user, system_interval=0.2) as run:
        time.sleep(1.0)
    keys = user.summaries(run.id).keys()
    assert {"system/cpu_percent", "system/memory_rss_mb"} <= keys
    with new_run(user, system_metrics=False) as quiet:
        time.sleep(0.5)
    assert not any(k.startswith("system/") for k in user.summaries(quiet.id))


def test_tqdm_reports_progress(user: User) -> None:
    with new_run(user, capture_output=False) as run:
        seen = list(run.tqdm(range(40), disable=True))
    assert seen == list(range(40))
    progress = user.experiment(run.id)["progress"]
    assert (progress["step"], progress["total_steps"]) == (40, 40)


def test_an_artifact_is_uploaded(user: User, tmp_path) -> None:
    weights = tmp_path / "model.pt"
    weights.write_bytes(b"\x00weights" * 10_000)
    with new_run(user) as run:
        artifact = run.log_artifact(weights, kind="MODEL")
    assert artifact is not None
    assert (artifact["name"], artifact["kind"]) == ("model.pt", "MODEL")
    content = user.rest("GET", f"/experiments/{run.id}/artifacts/{artifact['id']}/content")
    assert content.content == weights.read_bytes()
    with pytest.raises(FileNotFoundError):
        run.log_artifact(tmp_path / "missing.pt")


def test_a_run_that_cannot_be_set_up_fails_its_experiment(user: User) -> None:
    with pytest.raises(TypeError, match="no_such_option"):
        new_run(user, no_such_option=1)
    (experiment,) = [
        e
        for e in user.rest("GET", "/experiments", params={"first": 500}).json()["items"]
        if e["hypothesis_id"] == user.hypothesis_id
    ]
    assert experiment["status"] == "FAILED"
    assert "the client could not start" in experiment["failure"]["message"]


def test_logging_after_the_run_finished_is_an_error(user: User) -> None:
    run = new_run(user)
    run.finish()
    with pytest.raises(RuntimeError, match="ended"):
        run.log({"loss": 1.0})
