"""The Strawberry schema: types, queries, mutations, subscriptions and their context."""
