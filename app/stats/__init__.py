"""Service metrics: experiment statistics and metric leaderboards, as SQL aggregates."""
