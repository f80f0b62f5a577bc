@rpc
def report(x):
    print(x)


@kernel
def main():
    report(1)
