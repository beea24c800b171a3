"""Day-two operations on a live database: statistics, health, backups, the doc's own queries checked live."""
