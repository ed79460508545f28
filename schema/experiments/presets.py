"""The experiment type presets (``presets``)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from app.experiments.presets import Preset as PresetData
from app.models.enums import ExperimentType
from schema.experiments.types import ResourceRequest


@strawberry.type
class Preset:
    type: ExperimentType
    description: str
    hyperparam_schema: JSON
    defaults: JSON
    default_resources: ResourceRequest

    @classmethod
    def from_preset(cls, data: PresetData) -> Preset:
        return cls(
            type=data.type,
            description=data.description,
            hyperparam_schema=JSON(data.hyperparam_schema),
            defaults=JSON(data.defaults),
            default_resources=ResourceRequest.from_row(data.default_resources),
        )
