"""E-mail and SMS notifications to residents: an outbox in the database, delivered by a background task."""
