"""Database models, engine and sessions, migrations, importers, demo data and queries."""
