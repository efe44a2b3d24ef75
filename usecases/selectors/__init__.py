"""Reads that compose several models for a page, an export or a check."""
