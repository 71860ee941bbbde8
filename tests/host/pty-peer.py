#!/usr/bin/env python3
# The far end of a pty for tests/host/serial.test.ts (Node cannot allocate a pty itself).
# Prints "slave PATH" and "fifo PATH"; answers every byte from the pty with byte ^ 0x5A, reporting
# "rx HEX"; reports each byte on the reset FIFO as "reset C"; on the stdin line "termios" prints the
# slave's "termios cs8=.. parenb=.. parodd=.. cstopb=.."; ends on "quit" or when stdin closes.
import os, select, sys, tempfile, termios

master, slave = os.openpty()
slave_path = os.ttyname(slave)
fifo_dir = tempfile.mkdtemp(prefix="xsdm-reset-")
fifo_path = os.path.join(fifo_dir, "rst")
os.mkfifo(fifo_path)
fifo = os.open(fifo_path, os.O_RDONLY | os.O_NONBLOCK)
keep_writer = os.open(fifo_path, os.O_WRONLY | os.O_NONBLOCK)  # so the FIFO never reports EOF
print(f"slave {slave_path}\nfifo {fifo_path}", flush=True)

def report_termios():
    cflag = termios.tcgetattr(slave)[2]
    flags = {"cs8": (cflag & termios.CSIZE) == termios.CS8, "parenb": bool(cflag & termios.PARENB),
             "parodd": bool(cflag & termios.PARODD), "cstopb": bool(cflag & termios.CSTOPB)}
    print("termios " + " ".join(f"{k}={int(v)}" for k, v in flags.items()), flush=True)

try:
    while True:
        ready, _, _ = select.select([master, fifo, sys.stdin], [], [])
        if master in ready:
            data = os.read(master, 4096)
            print(f"rx {data.hex()}", flush=True)
            os.write(master, bytes(b ^ 0x5A for b in data))
        if fifo in ready:
            for c in os.read(fifo, 64).decode():
                print(f"reset {c}", flush=True)
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line or line.strip() == "quit":
                break
            if line.strip() == "termios":
                report_termios()
finally:
    os.unlink(fifo_path)
    os.rmdir(fifo_dir)
