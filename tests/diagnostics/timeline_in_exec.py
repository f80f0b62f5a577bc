def main():
    delay_mu(int64(100))
    print(now_mu())
