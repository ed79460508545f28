"""Users in GraphQL: the caller, the directory, account creation."""
