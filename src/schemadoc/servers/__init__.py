"""Where PostgreSQL and Redis come from and how schemadoc reaches them: binaries, the embedded servers, URLs, connections."""
