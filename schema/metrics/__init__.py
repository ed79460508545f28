"""Metrics in GraphQL: summaries, histories, the batch mutation and the live points."""
