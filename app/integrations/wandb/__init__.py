"""Weights & Biases: the run folders ``wandb`` writes (``reader``, ``records``) and the
import of them through the service's API (``importer``)."""
