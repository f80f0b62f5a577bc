# numpy's and scipy.special's float functions, on numbers and elementwise on arrays (the C library's,
# as ARTIQ's kernels have them). Printed to 1e-9: the last bits may differ between math libraries.
import numpy
import numpy as np
import scipy.special
from scipy import special

from strobe import int64


def show(v):
    print(int64(v * 1e9))


def main():
    x = 0.51
    for v in [np.sqrt(2.0), np.sin(x), np.cos(x), np.tan(x), np.arcsin(x), np.arccos(x),
              np.arctan(x), np.sinh(x), np.cosh(x), np.tanh(x), np.arcsinh(x), np.arccosh(1.5),
              np.arctanh(x), np.exp(x), np.exp2(x), np.expm1(x), np.log(x), np.log2(x),
              np.log10(x), np.cbrt(x), np.fabs(-x), np.floor(-x), np.ceil(x), np.trunc(-1.5),
              np.rint(2.5), np.rint(-3.5), np.arctan2(1.0, 2.0), np.copysign(1.0, -2.0), np.fmax(1.0, 2),
              np.fmin(1, 2.0), np.hypot(3.0, 4.0), np.nextafter(1.0, 2.0) - 1.0,
              scipy.special.erf(x), special.erfc(x), special.gamma(x), special.gammaln(x),
              special.j0(x), special.j1(x), special.y0(x), special.y1(x)]:
        show(v)
    m = numpy.array([[0.3, 0.4], [0.51, 0.6]])
    for row in np.sin(m):
        for v in row:
            show(v)
    show(numpy.arctan2(m, 2.0)[1, 1])
    show(numpy.hypot(3, m)[0, 0])
    show(special.erf(m)[0, 1])
    print(np.floor(np.array([1.5, -1.5]))[1], np.sqrt(np.array([4, 9]))[1])


main()
