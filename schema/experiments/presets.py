"""The experiment type presets (``presets``)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from app.experiments.presets import Preset as PresetData
from app.models.enums import ExperimentType
from schema.experiments.types import ResourceRequest


@strawberry.type
class Preset:
    data: strawberry.Private[PresetData]

    @strawberry.field
    def type(self) -> ExperimentType:
        return self.data.type

    @strawberry.field
    def description(self) -> str:
        return self.data.description

    @strawberry.field
    def hyperparam_schema(self) -> JSON:
        return JSON(self.data.hyperparam_schema)

    @strawberry.field
    def defaults(self) -> JSON:
        return JSON(self.data.defaults)

    @strawberry.field
    def default_resources(self) -> ResourceRequest:
        res = self.data.default_resources
        return ResourceRequest(
            gpu_type=res.gpu_type,
            gpu_count=res.gpu_count,
            cpu_cores=res.cpu_cores,
            memory_gb=res.memory_gb,
            max_duration_minutes=res.max_duration_minutes,
        )
