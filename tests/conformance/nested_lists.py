def main():
    grid = [[0, 0, 0], [0, 0, 0]]
    grid[1][2] = 5
    grid[0][0] = 1
    print(grid)
    row = grid[1]
    row.append(9)
    print(grid)
    for r in grid:
        print(len(r))


if __name__ == "__main__":
    main()
