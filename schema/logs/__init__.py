"""Logs in GraphQL: pages of lines, the batch mutation and the live lines."""
