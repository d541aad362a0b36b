"""HTTP API blueprints: documents, kinds and schemas, health."""
