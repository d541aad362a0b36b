"""The template store: organisations, API keys and funders' templates in SQL.

``db`` holds the engine and sessions of one app, ``models`` the tables,
``repository`` the plain functions the API and the CLI call, and
``migrations`` the Alembic scripts that create and change the schema.
"""
