"""Fixtures for the signatures tests: the root conftest's make_user and `ecp` suffice."""
