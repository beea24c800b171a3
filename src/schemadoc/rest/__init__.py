"""`schemadoc serve`: a PostgREST-compatible REST API over the doc's database."""
