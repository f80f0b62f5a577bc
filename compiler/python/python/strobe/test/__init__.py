"""Helpers for testing experiments (ARTIQ's ``artiq.test`` module paths)."""
