"""What forums tells whom (see newsletters/sources/__init__.py)."""
