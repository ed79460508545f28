from schema.export import SDL_PATH, sdl


def test_exported_schema_is_current():
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale: run `uv run python -m schema.export`"
    )


def test_contract_names_are_in_the_schema():
    text = sdl()
    for name in [
        "scalar BigInt",
        "scalar JSON",
        "enum ExperimentStatus",
        "enum FailureReason",
        "type ExperimentConnection",
        "experimentBoard(filter: ExperimentFilter = null): [BoardColumn!]!",
        "startExperiment(id: ID!, wait: Boolean = true): Experiment!",
        "failExperiment(id: ID!, reason: FailureReason!, message: String = null): Experiment!",
        "reportProgress(experimentId: ID!, progress: ProgressInput!): Experiment!",
    ]:
        assert name in text, name
