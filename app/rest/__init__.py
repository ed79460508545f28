"""The REST edge under ``/api/v1``: thin handlers over the same services as GraphQL."""
