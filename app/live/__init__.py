"""Live feeds for subscriptions: replay from the database, then the broker, exactly once."""
