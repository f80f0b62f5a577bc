"""TTL channels: outputs that change at the timeline cursor, inputs that timestamp the edges their
gate windows (on the timeline) are sensitive to, clock generators."""

from .. import TBool, TFloat, TInt32, TInt64, kernel, portable
from ..language import delay, delay_mu, now_mu
from ..abi import CLOCK_GENERATOR_FTW_BITS, INPUT_SAMPLE_CHANNEL_BASE, OUTPUT_ENABLE_CHANNEL_BASE
from .rtio import rtio_gate, rtio_input_data, rtio_input_timestamp, rtio_output


class TTLOut:
    """A TTL output channel: every change happens at the timeline cursor ``now_mu()``.

    Parameters are annotated (so literals take those types) and results are not, so the methods are
    compiled into the kernels that use them rather than being link boundaries."""

    #: Which RTIO channels it may be on (`Core.check_channels`).
    rtio_channel_kind = "output"

    kernel_invariants = {"core", "channel"}

    def __init__(self, dmgr, channel, core_device="core"):
        self.core = dmgr.get(core_device)
        self.channel = int(channel)

    @kernel
    def output(self):
        """A TTLOut is always an output (ARTIQ's has this method too)."""
        pass

    @kernel
    def set_o(self, o: TBool):
        rtio_output(self.channel, 1 if o else 0)

    @kernel
    def on(self):
        """Sets the output high at the timeline cursor."""
        rtio_output(self.channel, 1)

    @kernel
    def off(self):
        rtio_output(self.channel, 0)

    @kernel
    def pulse_mu(self, duration: TInt64):
        """High now, low `duration` machine units later; the cursor moves to the falling edge."""
        rtio_output(self.channel, 1)
        delay_mu(duration)
        rtio_output(self.channel, 0)

    @kernel
    def pulse(self, duration: TFloat):
        rtio_output(self.channel, 1)
        delay(duration)
        rtio_output(self.channel, 0)


class TTLInOut(TTLOut):
    """A TTL input and output channel, as ARTIQ's: gate windows on the timeline record the edges
    they are sensitive to; ``count`` and ``timestamp_mu`` read them back; the output methods of
    :class:`TTLOut` drive the channel's pin while its output is enabled (``output()``; it starts as
    an input). Its input sees its own output then, else what is wired to the pin. Events of two of
    its functions (output level, output enable, gate, sample) in one RTIO clock cycle collide, as
    ARTIQ's: the core log says so."""

    #: Which RTIO channels it may be on (`Core.check_channels`).
    rtio_channel_kind = "input"

    @kernel
    def set_oe(self, oe: TBool):
        """Enables (or disables) the channel's output from the timeline cursor on."""
        rtio_output(OUTPUT_ENABLE_CHANNEL_BASE + self.channel, 1 if oe else 0)

    @kernel
    def output(self):
        """Drives the pin from the timeline cursor on (wait an RTIO clock cycle before the
        channel's next event)."""
        self.set_oe(True)

    @kernel
    def input(self):
        """Stops driving the pin from the timeline cursor on (wait an RTIO clock cycle before the
        channel's next event)."""
        self.set_oe(False)

    @kernel
    def _set_sensitivity(self, value: TInt32):
        rtio_gate(self.channel, value)

    @kernel
    def _gate_mu(self, sensitivity: TInt32, duration: TInt64):
        """Records the edges of `sensitivity` from now for `duration`; returns the end of the
        window (the timeline cursor moves there)."""
        rtio_gate(self.channel, sensitivity)
        delay_mu(duration)
        rtio_gate(self.channel, 0)
        return now_mu()

    @kernel
    def _gate(self, sensitivity: TInt32, duration: TFloat):
        rtio_gate(self.channel, sensitivity)
        delay(duration)
        rtio_gate(self.channel, 0)
        return now_mu()

    @kernel
    def gate_rising_mu(self, duration: TInt64):
        return self._gate_mu(1, duration)

    @kernel
    def gate_falling_mu(self, duration: TInt64):
        return self._gate_mu(2, duration)

    @kernel
    def gate_both_mu(self, duration: TInt64):
        return self._gate_mu(3, duration)

    @kernel
    def gate_rising(self, duration: TFloat):
        return self._gate(1, duration)

    @kernel
    def gate_falling(self, duration: TFloat):
        return self._gate(2, duration)

    @kernel
    def gate_both(self, duration: TFloat):
        return self._gate(3, duration)

    @kernel
    def timestamp_mu(self, up_to_timestamp_mu: TInt64):
        """The next recorded edge's timestamp, -1 when none comes before `up_to_timestamp_mu`."""
        return rtio_input_timestamp(self.channel, up_to_timestamp_mu)

    @kernel
    def count(self, up_to_timestamp_mu: TInt64):
        """The number of recorded edges before `up_to_timestamp_mu`."""
        n = 0
        while rtio_input_timestamp(self.channel, up_to_timestamp_mu) >= 0:
            n += 1
        return n

    @kernel
    def sample_input(self):
        """Samples the input's level at the timeline cursor (read it with ``sample_get``); the
        gate closes there, as ARTIQ's."""
        rtio_output(INPUT_SAMPLE_CHANNEL_BASE + self.channel, 0)

    @kernel
    def sample_get(self):
        """The level of the next sample (or recorded edge) taken up to the timeline cursor; -1
        when there is none (ARTIQ's would wait forever)."""
        return rtio_input_data(self.channel, now_mu())

    @kernel
    def sample_get_nonrt(self):
        """Samples the level now and returns it, leaving the timeline ahead of the counter."""
        self.sample_input()
        r = self.sample_get()
        self.core.break_realtime()
        return r

    @kernel
    def watch_stay_on(self):
        """Starts watching for the input to fall (a sample and the gate to falling edges, in one
        event); returns whether it is high now."""
        rtio_output(INPUT_SAMPLE_CHANNEL_BASE + self.channel, 2)
        return self.sample_get() == 1

    @kernel
    def watch_stay_off(self):
        """Starts watching for the input to rise; returns whether it is low now."""
        rtio_output(INPUT_SAMPLE_CHANNEL_BASE + self.channel, 1)
        return self.sample_get() == 0

    @kernel
    def watch_done(self):
        """Stops watching; returns whether the input stayed as it was (no edge came)."""
        rtio_gate(self.channel, 0)
        success = True
        try:
            while rtio_input_timestamp(self.channel, now_mu()) >= 0:
                success = False
        except RTIOOverflow:
            success = False
        return success


class TTLClockGen:
    """A clock generator channel, as ARTIQ's: a phase accumulator in the RTIO core advanced by a
    frequency tuning word every RTIO coarse cycle (8 ns), its top bit the output. Setting a word
    starts the clock with a rising edge at the timeline cursor; 0 stops it low. The timeline cursor
    does not move. Frequencies are multiples of 125 MHz / 2**24 (about 7.45 Hz); words that are not
    powers of two give one coarse cycle of jitter."""

    #: Which RTIO channels it may be on (`Core.check_channels`).
    rtio_channel_kind = "clock generator"

    kernel_invariants = {"core", "channel", "acc_width"}

    def __init__(self, dmgr, channel, acc_width=CLOCK_GENERATOR_FTW_BITS, core_device="core"):
        if int(acc_width) != CLOCK_GENERATOR_FTW_BITS:
            raise ValueError(f"TTLClockGen: acc_width={acc_width}, but the core device's clock "
                             f"generators have {CLOCK_GENERATOR_FTW_BITS}-bit accumulators")
        self.core = dmgr.get(core_device)
        self.channel = int(channel)
        self.acc_width = int(acc_width)

    @portable
    def frequency_to_ftw(self, frequency: TFloat):
        """The tuning word of `frequency` (Hz), rounded to nearest."""
        return round(float(1 << self.acc_width) * frequency * self.core.coarse_ref_period)

    @portable
    def ftw_to_frequency(self, ftw: TInt32):
        """The frequency (Hz) of tuning word `ftw`."""
        return ftw / self.core.coarse_ref_period / float(1 << self.acc_width)

    @kernel
    def set_mu(self, frequency: TInt32):
        """Sets the tuning word at the timeline cursor (restarting the phase: a rising edge then)."""
        rtio_output(self.channel, frequency)

    @kernel
    def set(self, frequency: TFloat):
        """Like :meth:`set_mu`, in Hz."""
        self.set_mu(self.frequency_to_ftw(frequency))

    @kernel
    def stop(self):
        """Stops the clock with the output low, at the timeline cursor."""
        self.set_mu(0)
