"""What the mirrors (MLflow, W&B) share: the durable queue the request path writes
(``queue``), the background sender's skeleton (``sender``: per experiment in order,
progress committed per chunk, backoff, ``last_error``), its gauges labelled by target
(``gauges``) and what ``Experiment.mlflow`` / ``Experiment.wandb`` read (``links``).

Each target brings an adapter (``app.integrations.mlflow``, ``app.integrations.wandb``)
and is imported only when configured."""
