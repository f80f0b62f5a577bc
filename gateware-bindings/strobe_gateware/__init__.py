"""Strobe's core-device gateware: a LiteX SoC (VexRiscv rv32im) with Strobe's RTIO core."""
