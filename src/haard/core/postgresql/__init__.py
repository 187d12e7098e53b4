"""Django's PostgreSQL backend, with bulk writes split to fit the bound-parameter limit."""
