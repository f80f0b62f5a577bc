"""An exception raised while others are handled, as ARTIQ's test_nested_formatted_kernel_exception
has it: the host raises the first of the chain, and its core device text lists every exception
of the chain, oldest first, each with its kernel traceback (see exception_chains.stdout)."""

from strobe import *


class CustomException(Exception):
    pass


class ExceptionChains(EnvExperiment):
    def build(self):
        self.setattr_device("core")

    def throw_foo(self):
        raise CustomException("foo")

    def throw_buzz(self):
        raise RTIOUnderflow("buzz")

    @kernel
    def nested(self):
        try:
            self.throw_foo()
        except:
            try:
                raise RTIOUnderflow("bar")
            except:
                try:
                    raise RTIOOverflow("bizz")
                except:
                    self.throw_buzz()

    @kernel
    def handled_then_raised(self):
        # A handler that ended leaves no trace: this ValueError has no chain.
        try:
            self.throw_foo()
        except CustomException:
            pass
        raise ValueError("alone")

    def run(self):
        for kernel in [self.nested, self.handled_then_raised]:
            try:
                kernel()
            except Exception as e:
                print(type(e).__name__, e)
                print(e.strobe_core_exception)
