"""Notifications in GraphQL: the caller's notifications, their deliveries, the delivery
preferences; the rules are in ``app/notifications``."""
