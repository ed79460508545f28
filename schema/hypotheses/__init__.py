"""Hypotheses in GraphQL."""
