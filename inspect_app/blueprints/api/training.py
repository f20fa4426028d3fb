"""API endpoints (contract 5.4)."""
