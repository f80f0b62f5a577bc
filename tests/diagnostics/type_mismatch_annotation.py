def delay_mu(t: int) -> int:
    return t * 2

def main():
    delay_mu(1.5)
