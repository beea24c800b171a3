"""SQL for a schema: DDL rendered from the model, and what a server lacking an extension gets instead."""
