"""ARTIQ's ``artiq.compiler`` names that ARTIQ's own tests import (the compiler itself is Rust)."""
