"""Statistics and the leaderboard in GraphQL."""
