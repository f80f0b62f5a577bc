"""Kernels run as plain Python on the host, with a simulated timeline (ARTIQ's ``artiq.sim``):
``devices.Core`` runs a kernel by calling it, the timeline calls (``delay``, ``now_mu``,
``with parallel:`` ...) move :data:`time.manager`'s clock, and the devices of :mod:`.devices`
record what they do on it; each outermost kernel call prints that timeline.

One machine unit is one second here (``Core.ref_period = 1``), so times read as seconds.
"""
