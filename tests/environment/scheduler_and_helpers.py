# Helper experiments (underscore-prefixed) do not count for discovery; the scheduler's expid, RID and
# submissions; a payload made as a child experiment.
from strobe import *


class _Payload(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    @kernel
    def run(self):
        delay(1 * us)


class _Report(EnvExperiment):
    def run(self):
        pass


class Benchmark(EnvExperiment):
    """Scheduler benchmark"""

    def build(self):
        self.setattr_device("core")
        self.setattr_device("scheduler")
        self.setattr_argument("mode", EnumerationValue(["local", "submit"]))
        self.setattr_argument("nruns", NumberValue(2, step=1, precision=0))

    def run(self):
        s = self.scheduler
        print("rid", s.rid, "pipeline", s.pipeline_name, "priority", s.priority)
        print("expid class", s.expid["class_name"], "arguments", sorted(s.expid["arguments"]))
        if self.mode == "local":
            payload = _Payload(self)
            for i in range(self.nruns):
                payload.run()
            print("ran", self.nruns, "payloads")
        else:
            expid = dict(s.expid, class_name="_Payload", arguments={})
            rids = [s.submit(s.pipeline_name, expid, s.priority, None, False) for i in range(self.nruns)]
            print("submitted", rids, [sub["expid"]["class_name"] for sub in s.submitted])
        print("status", s.get_status(), "pause?", s.check_pause())
