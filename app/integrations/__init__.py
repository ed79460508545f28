"""Mirrors of our data in other tools (MLflow). Nothing here is imported unless configured."""
