"""Artifacts in GraphQL."""
