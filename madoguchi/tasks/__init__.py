"""The durable background task queue: rows in the database, run by `serve` or `madoguchi worker`."""
