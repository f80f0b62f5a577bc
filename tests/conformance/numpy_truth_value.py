# numpy's (2.x) truth value of an array: its one element's; an empty one, or one of more elements,
# raise ValueError with numpy's messages (uncaught at the condition here).
from numpy import array


def main():
    print(bool(array([0])), bool(array([2.5])), bool(array([[True]])))
    try:
        print(bool(array([])))
    except ValueError as e:
        print(e)
    v = array([1, 2])
    if v:
        print("yes")


main()
