"""The core device's drivers, as in ARTIQ's ``artiq.coredevice``: one Python class per device whose
``@kernel`` methods are its kernel side, built on the typed system calls of :mod:`.rtio`. A lab's own
driver is written the same way (see ``examples/lab_driver``); the compiler knows no device."""
