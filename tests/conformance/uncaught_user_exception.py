class CalibrationError(Exception):
    pass

def calibrate(n):
    if n > 2:
        raise CalibrationError("drift too large")
    print("calibrated", n)

def main():
    for i in range(5):
        calibrate(i)

if __name__ == "__main__":
    main()
