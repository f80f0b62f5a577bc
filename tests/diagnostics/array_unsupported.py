from numpy import array


def main():
    v = array([1, 2, 3])
    m = array([[1, 2], [3, 4]])
    print(v[::2])
    print(v + m)
    print(m[0, 1, 0])
    m[0] = v
    print(v @ 2)
    print(array([[[1]]]) @ v)
    print(v << 1)
    print(array(["a"]))
    print(array(5))
    print(v.size)
    print(v == v)
