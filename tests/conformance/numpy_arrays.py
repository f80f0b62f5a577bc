# numpy arrays of one to three dimensions: creation from nested lists and arrays, shape, indexing
# and row views, slices as views, iteration, elementwise arithmetic (in place for op=), unary
# operators, math functions, `@`, and the errors numpy raises (printed by type: the messages differ).
import numpy
from numpy import array


# Element by element: numpy's own print form differs from ARTIQ's. One function per dimension
# count (a kernel function's body is typed for each argument type).
def show(a):
    print(a.shape, [float(x) for x in a])


def show2(a):
    print(a.shape, [[float(x) for x in row] for row in a])


def main():
    v = array([1, 2, 3])
    m = array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    print(len(v), v.shape, len(m), m.shape, m[1, 2], m[-1, 0], m[0][1], v[-1])
    show2(array([v, v]))
    print(array([[[1, 2]], [[3, 4]]]).shape)

    row = m[1]
    row[0] = 40.0
    show2(m)
    top = m[:1]
    top[0, 2] = 30.0
    show2(m)
    print(m[1:0].shape, v[5:].shape, v[-2:].shape)

    for r in m:
        print(r[0] + r[1])
    print(sum([x * x for x in v]))

    show(v + v)
    show(v * 2.5)
    show(10 - v)
    show(v / 2)
    show(7 // v)
    show(v % 2)
    show(v ** 2)
    show2(m * m)
    show(-v)
    show2(+m)
    show2(numpy.sqrt(m))

    w = array([1, 2, 3])
    w += v
    w *= 3
    show(w)
    f = array([1.0, 2.0, 4.0])
    f /= 4
    f += v
    show(f)

    a = array([[1, 2, 3], [4, 5, 6]])
    b = array([[1, 2], [3, 4], [5, 6]])
    show2(a @ b)
    show(a @ v)
    show(v @ b)
    print(v @ v)
    sq = array([[1, 2], [3, 4]])
    sq @= sq
    show2(sq)
    alias = f
    alias += f
    print(f[2], alias[2])

    print(bool(array([0])), bool(array([3])))

    for bad in range(6):
        try:
            if bad == 0:
                array([[1, 2], [3]])
            elif bad == 1:
                print(v[3])
            elif bad == 2:
                print(m[0, -4])
            elif bad == 3:
                show(v + array([1, 2]))
            elif bad == 4:
                show2(a @ a)
            else:
                print(bool(v))
        except ValueError:
            print(bad, "ValueError")
        except IndexError:
            print(bad, "IndexError")


main()
