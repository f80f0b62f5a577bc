def main():
    pulse(10)
