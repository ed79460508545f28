"""API tokens in GraphQL; the rules are in ``app/users/api_tokens.py``."""
