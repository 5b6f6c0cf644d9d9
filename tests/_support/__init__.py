"""Helpers shared by test folders (importable as ``_support`` via pytest's ``pythonpath``)."""
