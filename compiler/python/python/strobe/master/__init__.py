"""ARTIQ's ``artiq.master`` module paths for the device and dataset databases and managers."""
