"""pytest fixtures for ЭЦҚ in tests (the `ecp` fixture): filled in by the signatures area."""
