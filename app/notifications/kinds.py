"""Which events notify people, and what the notification says."""

from __future__ import annotations

from typing import Any

from app.events.names import EventType

KIND_FOR_EVENT: dict[str, str] = {
    EventType.EXPERIMENT_STARTED: "EXPERIMENT_STARTED",
    EventType.EXPERIMENT_COMPLETED: "EXPERIMENT_COMPLETED",
    EventType.EXPERIMENT_FAILED: "EXPERIMENT_FAILED",
    EventType.EXPERIMENT_STOPPED: "EXPERIMENT_STOPPED",
    EventType.RESOURCES_UNAVAILABLE: "RESOURCES_UNAVAILABLE",
    EventType.RESERVATION_EXPIRING: "RESERVATION_EXPIRING",
    EventType.STORAGE_LIMIT_EXCEEDED: "STORAGE_LIMIT_EXCEEDED",
}


def message_for(kind: str, payload: dict[str, Any]) -> str:
    experiment = payload.get("experiment", {})
    name = experiment.get("name", "an experiment")
    details = payload.get("details", {})
    match kind:
        case "EXPERIMENT_STARTED":
            return f"{name} started"
        case "EXPERIMENT_COMPLETED":
            return f"{name} completed"
        case "EXPERIMENT_FAILED":
            reason = experiment.get("failure_reason") or "unknown reason"
            text = experiment.get("failure_message")
            return f"{name} failed: {reason}" + (f" ({text})" if text else "")
        case "EXPERIMENT_STOPPED":
            return f"{name} was stopped"
        case "RESOURCES_UNAVAILABLE":
            return (
                f"{name} could not start: {details.get('requested')} x "
                f"{details.get('gpuType')} requested, {details.get('available')} available"
            )
        case "RESERVATION_EXPIRING":
            return f"the reservation of {name} expires at {details.get('expiresAt')}"
        case "STORAGE_LIMIT_EXCEEDED":
            return f"an upload to {name} was refused: {details.get('message', 'storage limit')}"
    return f"{name}: {kind}"
