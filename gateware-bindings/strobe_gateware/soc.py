"""The simulated core device: LiteX SimSoC-style platform, VexRiscv (rv32im), ROM (firmware), SRAM,
main RAM (kernels), the host link over TCP (our `strobe_uart` sim module behind `link.Link`'s word-wide
FIFOs and CRC units), and the RTIO core with 8 TTL outputs,
a clock generator (channel 8) and 3 TTL input-output channels (9-11) wired as loopback from outputs 0
and 1 and the clock generator.

`python -m strobe_gateware.soc --build-dir DIR` generates the Verilog, the Verilator build script and
csr.json; the caller then runs DIR/gateware/build_sim.sh (see xtask). The firmware goes in
DIR/gateware/sim_rom.init, read when the simulation starts, so new firmware needs no re-verilation.
"""

import argparse
import os
import shutil

from migen import If, Module, Signal
from migen.genlib.io import CRG
from litex.build.generic_platform import Pins, Subsignal
from litex.build.sim import SimPlatform
from litex.build.sim.config import SimConfig
from litex.soc.integration.soc_core import SoCCore
from litex.soc.integration.builder import Builder
from litex.soc.integration.soc import SoCRegion
from litex.soc.interconnect.csr import AutoCSR, CSR

from strobe_gateware import contract
from strobe_gateware.link import Link
from strobe_gateware.rtio import RTIO, DMA_DEPTH

N_OUTPUTS = 8
N_CLOCK_GENERATORS = 1
N_INPUTS = 3
ROM_SIZE = 0x40000  # 256 KiB: the firmware, with the C math functions kernels call
SRAM_SIZE = 0x20000  # 128 KiB: the firmware's data and its stack (the session's frame buffers)
MAIN_RAM_SIZE = 0x4000000  # 64 MiB: kernel images, then their arena (16 MiB RPC payloads and more)
SYS_CLK_HZ = 125_000_000  # nominal: 1 machine unit = 1 cycle = 8 ns

_io = [
    ("sys_clk", 0, Pins(1)),
    ("sys_rst", 0, Pins(1)),
    ("serial", 0,
        Subsignal("source_valid", Pins(1)),
        Subsignal("source_ready", Pins(1)),
        Subsignal("source_data", Pins(8)),
        Subsignal("sink_valid", Pins(1)),
        Subsignal("sink_ready", Pins(1)),
        Subsignal("sink_data", Pins(8)),
    ),
    # The host's clock in coarse cycles since the simulation started (the strobe_uart module).
    ("wall_clock", 0, Subsignal("cycles", Pins(64))),
]


class Waiting(Module, AutoCSR):
    """Whether the CPU only waits: the firmware writes `waiting` when it has nothing to do until the
    host's next byte, or until the queued events have played at a run's end; a byte from the host
    ends the wait (the firmware writes it again if it goes on waiting). Meanwhile the simulation's
    RTIO counter keeps up with the host's clock (`RTIO.may_catch_up`), as a real device's runs on
    while its host works between kernels."""

    def __init__(self, rx_level):
        self._waiting = CSR()
        self.waiting = Signal()
        self.sync += If(rx_level != 0,
            self.waiting.eq(0),
        ).Elif(self._waiting.re,
            self.waiting.eq(1),
        )


class Platform(SimPlatform):
    def __init__(self):
        SimPlatform.__init__(self, "SIM", _io)


# VexRiscv's pre-generated "full" variant: rv32im, 4 KiB direct-mapped caches (as ARTIQ's core).
CPU_VARIANT = "full"


def instruction_cache_bytes(variant_file):
    """The instruction cache of a pre-generated VexRiscv variant, from its build report."""
    import re
    import pythondata_cpu_vexriscv
    with open(os.path.join(pythondata_cpu_vexriscv.data_location, variant_file)) as f:
        report = f.read()
    found = re.search(r"iBus:.*?CacheReport \{bytePerLine: \d+, size: (\d+)\}", report, re.S)
    if not found:
        raise SystemExit(f"{variant_file}: no instruction cache in its report")
    return int(found.group(1))


class CoreDeviceSim(SoCCore):
    def __init__(self, rom_init=None):
        platform = Platform()
        # Migen's CRG holds the system in reset for its first cycles (the CPU's caches need it).
        self.submodules.crg = CRG(platform.request("sys_clk"))
        SoCCore.__init__(self, platform,
            clk_freq=SYS_CLK_HZ,
            cpu_type="vexriscv",
            cpu_variant=CPU_VARIANT,
            ident="Strobe core device (simulation)",
            integrated_rom_size=ROM_SIZE,
            integrated_rom_init=rom_init or [0x0000006f],  # `j .` until firmware is loaded
            integrated_sram_size=SRAM_SIZE,
            integrated_main_ram_size=MAIN_RAM_SIZE,
            with_uart=False,
            with_timer=True,
            bus_bursting=True,
        )
        # Kernel code is placed by the cache's size (strobe_abi::ICACHE_BYTES): the CPU must match.
        icache = instruction_cache_bytes(f"VexRiscv_{CPU_VARIANT.capitalize()}.yaml")
        if icache != contract.ICACHE_BYTES:
            raise SystemExit(f"VexRiscv {CPU_VARIANT} has a {icache}-byte instruction cache; "
                             f"the contract says {contract.ICACHE_BYTES}")
        self.submodules.link = Link(platform.request("serial"))
        self.bus.add_slave("link", self.link.bus,
                           SoCRegion(origin=0x9200_0000, size=contract.LINK_WINDOW_SIZE, cached=False))
        outputs = [Signal(name=f"ttl{i}") for i in range(N_OUTPUTS)]
        clock_generators = [Signal(name=f"clkgen{i}") for i in range(N_CLOCK_GENERATORS)]
        # Loopback cables in the simulation: the input-output channels' pins are wired to outputs
        # 0 and 1 and to the clock generator.
        inouts = [0, 1, clock_generators[0]]
        # The loopback's round trip: 5 coarse cycles, 40 ns (ARTIQ's loopback test expects 0-140 ns).
        loopback_cycles = 5
        self.submodules.rtio = RTIO(outputs, inouts, clock_generators, input_delay=loopback_cycles)
        self.add_constant("RTIO_LOOPBACK_DELAY_MU", loopback_cycles << contract.FINE_BITS)
        self.add_csr("rtio")
        self.submodules.idle = Waiting(self.link.rx_level)
        self.add_csr("idle")
        self.comb += [
            self.rtio.catch_up_to.eq(platform.request("wall_clock").cycles),
            self.rtio.may_catch_up.eq(self.idle.waiting & (self.link.rx_level == 0)),
        ]
        # The RTIO core's bus windows, uncached (bit 31 set): fast events and the DMA memory.
        self.bus.add_slave("rtio_fast", self.rtio.fast_bus,
                           SoCRegion(origin=0x9000_0000, size=contract.FAST_WINDOW_SIZE, cached=False))
        self.bus.add_slave("rtio_dma", self.rtio.dma_bus,
                           SoCRegion(origin=0x9100_0000, size=DMA_DEPTH * contract.DMA_ENTRY_BYTES,
                                     cached=False))
        self.add_constant("RTIO_OUTPUTS", N_OUTPUTS)
        self.add_constant("RTIO_INPUTS", N_INPUTS)
        self.add_constant("RTIO_CLOCK_GENERATORS", N_CLOCK_GENERATORS)
        if os.environ.get("STROBE_SIM_DEBUG_FETCH"):
            from migen import If, Display
            adr = Signal(30)
            dadr = Signal(30)
            cycle = Signal(64)
            self.comb += [adr.eq(self.cpu.ibus.adr), dadr.eq(self.cpu.dbus.adr)]
            self.sync += [
                cycle.eq(cycle + 1),
                If(self.cpu.ibus.stb & self.cpu.ibus.ack, Display("ifetch %d %x", cycle, adr)),
                If(self.cpu.dbus.stb & self.cpu.dbus.ack, Display("dbus %d %x", cycle, dadr)),
            ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--port", type=int, default=4321, help="serial2tcp port baked into sim_config.js")
    args = parser.parse_args()
    soc = CoreDeviceSim()
    sim_config = SimConfig()
    sim_config.add_clocker("sys_clk", freq_hz=SYS_CLK_HZ)
    sim_config.add_module("strobe_uart", ["serial", "wall_clock"], args={"port": args.port})
    # Our UART bridge (survives hosts that disconnect), built as a LiteX sim module from a copy in the
    # build directory (LiteX writes its variables.mak next to it).
    modules = os.path.join(os.path.abspath(args.build_dir), "sim_modules")
    shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim_modules"), modules, dirs_exist_ok=True)
    builder = Builder(soc, output_dir=args.build_dir, compile_software=False,
                      csr_json=os.path.join(args.build_dir, "csr.json"))
    builder.build(sim_config=sim_config, run=False, jobs=2, opt_level="O2", interactive=False,
                  extra_mods=["strobe_uart"], extra_mods_path=modules)


if __name__ == "__main__":
    main()
