"""ARTIQ's ExceptionSyncTest hooks: `EmbeddingMap().str_reverse_map` names every builtin exception of
the core device by id, and each, raised in a kernel by id (`test_exception_id_sync`) or by a host
function, reaches the host as the class of that name in `strobe.coredevice.exceptions`
(see exception_ids.stdout)."""

from strobe import *
from strobe.compiler.embedding import EmbeddingMap
from strobe.coredevice.core import test_exception_id_sync
import strobe.coredevice.exceptions as exceptions

names = EmbeddingMap().str_reverse_map


class ExceptionIds(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    @rpc
    def raise_on_host(self, id):
        raise getattr(exceptions, names[id].split(".")[-1])

    @kernel
    def from_host(self, id):
        self.raise_on_host(id)

    @kernel
    def from_kernel(self, id):
        test_exception_id_sync(id)

    def run(self):
        for id, full in names.items():
            name = full.split(".")[-1]
            expected = getattr(exceptions, name)
            results = []
            for call in [self.from_kernel, self.from_host]:
                try:
                    call(id)
                    results.append("nothing raised")
                except Exception as e:
                    results.append(type(e) is expected)
            print(id, name, results)
