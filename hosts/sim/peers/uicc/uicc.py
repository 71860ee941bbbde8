#!/usr/bin/env python3
# A UICC on a pty, speaking ISO 7816-3 T=0 bytes: ATR when RST is released, PPS, procedure bytes,
# 61xx / 9Fxx / 6Cxx, the direct or inverse convention, and a baud rate that follows PPS (it reads
# the tty's rate back from the kernel: bytes sent by a reader at the wrong rate are lost, as they
# would be on a wire). The card itself (files, PIN, channels, SCP03) is in card.py.
# With --t1 (3G only) the ATR also offers T=1 (TA3 IFSC, TB3 BWI/CWI) and extended Lc/Le in its
# card capabilities, and once PPS selects T=1 the card speaks blocks (t1.py) and extended APDUs.
#
# Prints "slave PATH" and "fifo PATH" first (the reader opens the pty's slave side and the reset
# FIFO), then one line per event: "reset 0|1", "atr HEX", "pps HEX accepted|refused", "baud N",
# "apdu HEX sw XXXX", "fault KIND", "baud mismatch N". Ends on "quit" or when stdin closes.
import argparse, fcntl, json, os, select, struct, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from card import Card  # noqa: E402
from t1 import T1Card  # noqa: E402

FI = [372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0]
DI = [0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0]
TCGETS2 = 0x802C542A


def inverse(b):
    return (~int(f"{b:08b}"[::-1], 2)) & 0xFF


def tty_baud(fd):
    buf = bytearray(44)
    fcntl.ioctl(fd, TCGETS2, buf)
    return struct.unpack_from("<I", buf, 40)[0]


def make_atr(ta1, inverse_convention, wi, t1=None):
    """TS T0 TA1 TD1 [TC2] TD2(T=15) TA3, historical bytes, TCK; with t1 = (IFSC, TB3):
    TD2(T=1) TA3 TB3 TD3(T=15) TA4, and card capabilities saying "extended Lc and Le fields"."""
    hist = bytes.fromhex("8031E073FE21" + ("5B" if t1 else "1B") + "65444D3230830090")
    td1 = 0xC0 if wi != 10 else 0x80  # Y2: TD2 (+ TC2), T=0
    tail = bytes([0xB1, t1[0], t1[1], 0x1F, 0xC7]) if t1 else bytes([0x1F, 0xC7])
    body = bytes([0x90 | len(hist), ta1, td1]) + (bytes([wi]) if wi != 10 else b"") + tail + hist
    tck = 0
    for b in body:
        tck ^= b
    return bytes([0x3F if inverse_convention else 0x3B]) + body + bytes([tck])


class Line:
    """The card side of T=0 on the pty master."""

    def __init__(self, args, card, master, slave):
        self.args, self.card, self.master, self.slave = args, card, master, slave
        self.inverse = args.convention == "inverse"
        self.ta1 = int(args.ta1, 16)
        self.clock = args.clock
        self.default_baud = round(self.clock / 372)
        self.baud = self.default_baud
        self.powered = False
        self.rx = bytearray()
        self.state = "off"
        self.apdus = 0
        self.stash = b""  # response waiting for GET RESPONSE
        self.stash_sw = 0x9000  # the command's own status, which the last GET RESPONSE ends with
        self.faults = dict(f.split(":") for f in args.fault)  # kind -> APDU number
        self.t1 = None  # the block layer, once PPS selected T=1

    def log(self, text):
        print(text, flush=True)

    def send(self, data):
        data = bytes(data)
        if self.inverse:
            data = bytes(inverse(b) for b in data)
        if tty_baud(self.slave) != self.baud:
            self.log(f"baud mismatch {tty_baud(self.slave)}")
            data = bytes(b ^ 0xA5 for b in data)  # what a misframed line delivers
        os.write(self.master, data)

    def bwt_s(self):
        """T=1 block waiting time at the current rate (ISO 7816-3 11.4.3)."""
        etu = 1 / self.baud
        return 11 * etu + (1 << self.args.bwi) * 960 * 372 / self.clock

    def on_reset(self, level):
        self.log(f"reset {level}")
        if level == "0":
            self.powered, self.state, self.rx = False, "off", bytearray()
            return
        self.powered = True
        self.baud = self.default_baud
        self.t1 = None
        self.card.t1 = False
        self.card.reset()
        self.stash = b""
        if "mute-atr" in self.faults:
            self.log("fault mute-atr")
            self.state = "off"
            return
        atr = make_atr(self.ta1, self.inverse, self.args.wi, (self.args.ifsc, (self.args.bwi << 4) | self.args.cwi) if self.args.t1 else None)
        if self.faults.pop("bad-tck", None) is not None:  # once: the next reset is clean
            self.log("fault bad-tck")
            atr = atr[:-1] + bytes([atr[-1] ^ 0x10])
        self.log(f"atr {atr.hex().upper()}")
        self.state = "atr"  # PPS allowed as the first exchange
        self.send(atr)

    def on_bytes(self, data):
        if not self.powered or self.state in ("off", "mute"):
            return
        if tty_baud(self.slave) != self.baud:
            self.log(f"baud mismatch {tty_baud(self.slave)}")
            return  # misframed: the card sees no valid character
        if self.inverse:
            data = bytes(inverse(b) for b in data)
        self.rx += data
        while self.step():
            pass

    def step(self):
        if self.state == "atr" and self.rx[:1] == b"\xff":
            return self.pps()
        if self.t1:
            return self.t1.step(self.rx)
        if self.state in ("atr", "idle"):
            if len(self.rx) < 5:
                return False
            self.header = bytes(self.rx[:5])
            del self.rx[:5]
            self.state = "idle"
            return self.command()
        if self.state == "data":
            return self.take_data()
        return False

    # --- PPS (ISO 7816-3 9)
    def pps(self):
        if len(self.rx) < 2:
            return False
        pps0 = self.rx[1]
        n = 3 + bin(pps0 & 0x70).count("1")
        if len(self.rx) < n:
            return False
        req = bytes(self.rx[:n])
        del self.rx[:n]
        self.state = "idle"
        check = 0
        for b in req:
            check ^= b
        fi_di = req[2] if pps0 & 0x10 else 0x11
        ours = self.ta1
        protocol = pps0 & 0x0F
        ok = (check == 0 and (protocol == 0 or (protocol == 1 and self.args.t1)) and not self.args.refuse_pps
              and FI[fi_di >> 4] == FI[ours >> 4] and 0 < DI[fi_di & 0x0F] <= DI[ours & 0x0F])
        if ok and self.faults.pop("pps-garbage", None) is not None:
            self.log("fault pps-garbage")
            self.send(b"\xff\x10\x96\x00")  # a corrupted echo (PCK wrong)
            self.state = "mute"
            return False
        if not ok:
            # a card that cannot do what is asked stays mute; the reader must reset (ISO 7816-3 9.3)
            self.log(f"pps {req.hex().upper()} refused")
            self.state = "mute"
            return False
        self.log(f"pps {req.hex().upper()} accepted")
        self.send(req)
        if protocol == 1:
            self.card.t1 = True
            self.t1 = T1Card(self, self.args.ifsc)
            self.log("protocol 1")
        self.baud = round(self.clock * DI[fi_di & 0x0F] / FI[fi_di >> 4])
        self.log(f"baud {self.baud}")
        return True

    # --- T=0 commands
    def fault(self, kind):
        if self.faults.get(kind) == str(self.apdus):
            self.log(f"fault {kind}")
            return True
        return False

    def procedure(self, ins, remaining):
        """The procedure byte before `remaining` more bytes move: INS for all, INS^FF for one."""
        mode = self.args.procedure
        prefix = b"\x60" if mode == "null" else b""
        if mode == "single" and remaining > 1:
            return prefix + bytes([ins ^ 0xFF]), 1
        return prefix + bytes([ins]), remaining

    def command(self):
        self.apdus += 1
        cla, ins, p1, p2, p3 = self.header
        if self.fault("silent"):
            self.state = "mute"
            return False
        if self.fault("null-flood"):
            self.state = "flood"  # NULL bytes forever: the main loop sends one every 100 ms
            return False
        if self.fault("garbage"):
            self.send(b"\x20\x21")
            return False
        if self.fault("eof"):
            os.close(self.master)
            sys.exit(0)
        if self.card.has_data(cla, ins, p1) and p3 > 0:
            self.data = bytearray()
            self.want = p3
            proc, self.chunk = self.procedure(ins, p3)
            self.send(proc)
            self.state = "data"
            return True
        return self.respond(b"")

    def take_data(self):
        if not self.rx:
            return False
        n = min(self.chunk, len(self.rx))
        self.data += self.rx[:n]
        del self.rx[:n]
        self.chunk -= n
        if len(self.data) == self.want:
            self.state = "idle"
            return self.respond(bytes(self.data))
        if self.chunk == 0:
            proc, self.chunk = self.procedure(self.header[1], self.want - len(self.data))
            self.send(proc)
        return True

    def respond(self, data):
        cla, ins, p1, p2, p3 = self.header
        le = 256 if p3 == 0 else p3
        two_g = self.card.profile == "2g"
        if ins == 0xC0:
            out, sw = self.get_response(le)
        else:
            out, sw = self.card.process(cla, ins, p1, p2, data, le if not data else 256)
            self.stash = b""
            if data and out:
                # case 4: the response waits for GET RESPONSE (61xx, or 9Fxx on a 2G card); a
                # warning (62xx/63xx, e.g. 63Cx under R-MAC) comes with the data at its end
                self.stash, self.stash_sw = out, sw
                out, sw = b"", (0x9F00 if two_g else 0x6100) | (len(out) & 0xFF)
            elif out and len(out) != le:
                # case 2 with a wrong Le: tell the exact length (ISO 6Cxx, the reader re-issues;
                # a SIM says 67xx, "incorrect parameter P3", TS 51.011 9.4.6)
                self.stash = b""
                out, sw = b"", (0x6700 if two_g else 0x6C00) | (len(out) & 0xFF)
        self.log(f"apdu {bytes(self.header).hex().upper()}{data.hex().upper()} sw {sw:04X}")
        if out:
            proc, _ = self.procedure(ins, len(out))
            if self.args.procedure == "single":
                for b in out:
                    self.send(bytes([ins ^ 0xFF, b]))
            else:
                self.send(proc + out)
        if self.args.procedure == "null":
            self.send(b"\x60")
        self.send(bytes([sw >> 8, sw & 0xFF]))
        return True

    def get_response(self, le):
        if not self.stash:
            return b"", 0x6985
        if le > len(self.stash):
            return b"", (0x6700 if self.card.profile == "2g" else 0x6C00) | (len(self.stash) & 0xFF)
        out, self.stash = self.stash[:le], self.stash[le:]
        return out, (0x6100 | (len(self.stash) & 0xFF)) if self.stash else self.stash_sw


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--profile", choices=["3g", "2g"], default="3g")
    p.add_argument("--convention", choices=["direct", "inverse"], default="direct")
    p.add_argument("--ta1", default="96", help="TA1 in hex (FI/DI the card offers)")
    p.add_argument("--wi", type=int, default=10)
    p.add_argument("--clock", type=int, default=3571200, help="card clock in Hz, as the reader drives it")
    p.add_argument("--refuse-pps", action="store_true")
    p.add_argument("--procedure", choices=["all", "single", "null"], default="all")
    p.add_argument("--bootstrap", help="JSON file for EF DM_Bootstrap")
    p.add_argument("--no-bootstrap", action="store_true", help="a readable card that carries no DM bootstrap (no PKCS#15 application)")
    p.add_argument("--bootstrap-size", type=int, default=0, help="file size; FF padding after the JSON")
    p.add_argument("--pin", help="PIN (ASCII digits) protecting the bootstrap object (private in the DODF)")
    p.add_argument("--pin-tries", type=int, default=3, help="PIN tries left at power-on (0: blocked)")
    p.add_argument("--scp03", help="static keys ENC:MAC:DEK in hex: the card offers SCP03 (Appendix H)")
    p.add_argument("--t1", action="store_true", help="3G: offer T=1 (and extended Lc/Le) beside T=0")
    p.add_argument("--ifsc", type=int, default=254, help="T=1: IFSC in TA3")
    p.add_argument("--bwi", type=int, default=4, help="T=1: BWI in TB3")
    p.add_argument("--cwi", type=int, default=5, help="T=1: CWI in TB3")
    p.add_argument("--ext-max", type=int, default=4096, help="T=1: the longest response data the card sends for an extended Le")
    p.add_argument("--fault", action="append", default=[], help="KIND:N on the N-th APDU: silent, garbage, eof, null-flood; mute-atr:0, bad-tck:0, pps-garbage:0; scp-bad-cryptogram:0, scp-bad-rmac:N, scp-replay:N (N-th wrapped command); T=1: t1-bad-lrc, t1-lost, t1-wtx, t1-ifs, t1-noise (every block of the answer corrupted), t1-abort")
    args = p.parse_args()
    if args.t1 and args.profile == "2g":
        p.error("a 2G SIM (TS 51.011) speaks T=0 only")

    bootstrap = b"[]"
    if args.bootstrap:
        with open(args.bootstrap, "rb") as f:
            bootstrap = f.read()
        json.loads(bootstrap)
    if args.no_bootstrap:
        bootstrap = None
    master, slave = os.openpty()
    fifo_dir = tempfile.mkdtemp(prefix="uicc-reset-")
    fifo_path = os.path.join(fifo_dir, "rst")
    os.mkfifo(fifo_path)
    fifo = os.open(fifo_path, os.O_RDONLY | os.O_NONBLOCK)
    keep_writer = os.open(fifo_path, os.O_WRONLY | os.O_NONBLOCK)  # so the FIFO never reports EOF
    print(f"slave {os.ttyname(slave)}\nfifo {fifo_path}", flush=True)
    log = lambda t: print(t, flush=True)  # noqa: E731
    scp = None
    if args.scp03:
        from scp03 import Scp03
        enc, mac, dek = (bytes.fromhex(k) for k in args.scp03.split(":"))
        faults = dict(f.split(":") for f in args.fault)
        scp = Scp03(enc, mac, dek, aid=bytes.fromhex("A000000063504B43532D3135"), log=log, faults=faults)
    card = Card(args.profile, bootstrap, args.bootstrap_size, args.pin.encode() if args.pin else None, log=log, scp=scp, pin_tries=args.pin_tries)
    line = Line(args, card, master, slave)
    try:
        while True:
            ready, _, _ = select.select([master, fifo, sys.stdin], [], [], 0.1 if line.state == "flood" else None)
            if line.state == "flood" and line.powered:
                line.send(b"\x60")
            if fifo in ready:
                for c in os.read(fifo, 64).decode():
                    line.on_reset(c)
            if master in ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                if data:
                    line.on_bytes(data)
            if sys.stdin in ready:
                text = sys.stdin.readline()
                if not text or text.strip() == "quit":
                    break
    finally:
        os.close(keep_writer)
        os.unlink(fifo_path)
        os.rmdir(fifo_dir)


if __name__ == "__main__":
    main()
