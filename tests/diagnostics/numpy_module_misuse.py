import numpy
import scipy.special


def apply(m, x):
    return m.sqrt(x)


def main():
    print(apply(numpy, 4.0))
    keep = numpy
    print(numpy.cosine(1.0))
    print(scipy.special.zeta(2.0))
    print(numpy(3))
    print(numpy.arctan2(1.0))
