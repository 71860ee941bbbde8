#!/usr/bin/env python3
"""A null-modem cable between two ptys, for testing the HIL runner's serial target without a board.

Prints one JSON line {"board": PATH, "runner": PATH} (the two pty slaves), then copies bytes from
each master to the other until stdin closes or SIGTERM. With --banner FILE, the file's bytes reach
the runner's side first, as a board's boot ROM and ESP-IDF logs do before the firmware speaks
(Node cannot open a pty, hence Python).
"""
import json, os, pty, select, signal, sys, termios, tty

def open_pair():
    master, slave = pty.openpty()
    tty.setraw(slave)          # no echo, no line discipline: bytes as a UART moves them
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    return master, slave

def main():
    banner = b""
    if len(sys.argv) == 3 and sys.argv[1] == "--banner":
        with open(sys.argv[2], "rb") as f:
            banner = f.read()
    board_master, board_slave = open_pair()
    runner_master, runner_slave = open_pair()
    print(json.dumps({"board": os.ttyname(board_slave), "runner": os.ttyname(runner_slave)}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if banner:
        os.write(runner_master, banner)
    peer = {board_master: runner_master, runner_master: board_master}
    while True:
        ready, _, _ = select.select([board_master, runner_master, sys.stdin], [], [])
        for fd in ready:
            if fd is sys.stdin:
                if not sys.stdin.buffer.read1(1):
                    return
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""     # the far side has no opener yet: nothing to copy
            if data:
                os.write(peer[fd], data)

if __name__ == "__main__":
    main()
