"""The MLflow-compatible tracking API: the ``mlflow`` client's REST calls, served over our
use cases (see ``docs/mlflow-api.md``)."""
