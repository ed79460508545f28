"""Experiments in GraphQL: the type, its pages, board, facets, presets, inputs, root fields
and subscriptions."""
