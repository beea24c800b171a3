"""The doc's Redis key layouts: typed keyspaces, and seeding them from the database."""
