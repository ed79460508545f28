"""Comparing experiments in GraphQL."""
