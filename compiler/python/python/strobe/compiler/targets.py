"""ARTIQ's ``artiq.compiler.targets`` names that ARTIQ's tests compare ``core.target_cls`` with."""


class RV32Target:
    """The core device's CPU: a 32-bit RISC-V (rv32im), as ARTIQ's RISC-V targets."""

    triple = "riscv32-unknown-none-elf"


class CortexA9Target:
    """ARTIQ's Zynq target: never Strobe's (tests skip what only it has)."""

    triple = "armv7-unknown-linux-gnueabihf"
