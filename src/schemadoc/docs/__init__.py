"""Documentation of a schema for people: the static site, ER diagrams, the schema rendered back as Markdown or JSON."""
