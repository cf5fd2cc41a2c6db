"""Admin screens for judicial acts (read-only once signed, R-ACT-3). Imported by admin.py."""
