"""Keras 3 on the torch backend, with ExpsvcKerasCallback (see common.py)."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import numpy as np
from common import epochs, mode, pause, say, start

from expsvc_client.integrations.keras import ExpsvcKerasCallback

chosen = mode()
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input((4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

with start("keras") as run:
    callback = ExpsvcKerasCallback(run, log_every_n_batches=2)
    slow = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: pause(chosen))
    # 48 training rows in batches of 16: 3 steps per epoch
    model.fit(
        x,
        y,
        batch_size=16,
        epochs=epochs(chosen),
        validation_split=0.25,
        callbacks=[callback, slow],
        verbose=0,
    )
    say(trained_steps=callback.step, total_steps=3 * epochs(chosen))
