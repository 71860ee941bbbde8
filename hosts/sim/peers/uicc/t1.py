# The card's side of ISO 7816-3 T=1 (section 11) for the simulated UICC, written from the standard
# apart from the reader's modules/pcsc-uart/t1.ts: blocks NAD PCB LEN INF LRC, I-blocks chained both
# ways (M bit, R-block acknowledgements), R-blocks asking again after an invalid block, the S-blocks
# IFS (either side), WTX (the card asks), RESYNCH and ABORT (the reader asks), and extended-length
# command APDUs (ISO 7816-4 5.1) handed to card.py. Faults for tests, once each, on the N-th APDU:
# t1-bad-lrc (first answer block sent with a wrong LRC), t1-lost (first answer block not sent),
# t1-wtx (S(WTX) first, then a delay longer than BWT), t1-ifs (S(IFS 16) first: the reader chains its commands from then on), t1-noise (every
# block of the answer corrupted: the reader must give up through RESYNCH), t1-abort (S(ABORT)).
import time

R, S, S_RESPONSE = 0x80, 0xC0, 0x20
RESYNCH, IFS, ABORT, WTX = 0, 1, 2, 3


def lrc(data):
    x = 0
    for b in data:
        x ^= b
    return x


def block(pcb, inf=b""):
    head = bytes([0, pcb, len(inf)]) + bytes(inf)
    return head + bytes([lrc(head)])


def parse_apdu(apdu):
    """(cla, ins, p1, p2, data, le, extended) from short or extended encodings; None if malformed."""
    n = len(apdu)
    if n < 4:
        return None
    cla, ins, p1, p2 = apdu[:4]
    body = apdu[4:]
    if not body:
        return cla, ins, p1, p2, b"", 0, False
    if len(body) == 1:
        return cla, ins, p1, p2, b"", body[0] or 256, False
    if body[0] != 0:
        lc = body[0]
        if len(body) == 1 + lc:
            return cla, ins, p1, p2, bytes(body[1:]), 0, False
        if len(body) == 2 + lc:
            return cla, ins, p1, p2, bytes(body[1:1 + lc]), body[-1] or 256, False
        return None
    if len(body) == 3:
        return cla, ins, p1, p2, b"", ((body[1] << 8) | body[2]) or 65536, True
    lc = (body[1] << 8) | body[2]
    if lc == 0:
        return None
    if len(body) == 3 + lc:
        return cla, ins, p1, p2, bytes(body[3:]), 0, True
    if len(body) == 5 + lc:
        return cla, ins, p1, p2, bytes(body[3:3 + lc]), ((body[-2] << 8) | body[-1]) or 65536, True
    return None


class T1Card:
    def __init__(self, line, ifsc):
        self.line, self.log = line, line.log
        self.ifsc_atr = ifsc
        self.resynch()

    def resynch(self):
        self.ns = 0  # N(S) of the card's next I-block
        self.nr = 0  # N(S) expected from the reader
        self.ifsc = self.ifsc_atr  # what the card receives
        self.ifsd = 32  # what the reader receives, until its S(IFS)
        self.command = bytearray()
        self.answer = b""  # response still to chain out
        self.last = None  # the last block sent, for retransmission
        self.chaining = False  # the card's chain is under way, waiting for acks
        self.noise = False
        self.after_wtx = None

    def send_block(self, b, keep=True):
        if keep:
            self.last = b
        if self.noise:
            b = b[:-1] + bytes([b[-1] ^ 0x5A])
        self.line.send(b)

    def step(self, rx):
        """Takes one whole block off rx when it is there."""
        if len(rx) < 3:
            return False
        n = 4 + rx[2] if rx[2] != 0xFF else 4
        if len(rx) < n:
            return False
        b = bytes(rx[:n])
        del rx[:n]
        self.on_block(b)
        return True

    def on_block(self, b):
        if lrc(b) != 0 or b[0] != 0 or b[2] == 0xFF or b[2] > 254:
            self.log("t1 invalid block")
            self.send_block(block(R | (self.nr << 4) | (1 if lrc(b) else 2)), keep=False)
            return
        pcb, inf = b[1], b[3:-1]
        if not pcb & 0x80:
            return self.on_i(pcb, inf)
        if pcb & 0xC0 == R:
            nr = (pcb >> 4) & 1
            if self.chaining and nr == self.ns:
                return self.next_chunk()
            self.log(f"t1 retransmit {self.last.hex().upper() if self.last else '-'}")
            if self.last:
                self.send_block(self.last)
            return
        kind = pcb & 0x1F
        if pcb & S_RESPONSE:
            if kind == WTX and self.after_wtx:
                self.log("t1 wtx granted")
                go, self.after_wtx = self.after_wtx, None
                time.sleep(self.line.bwt_s() * 1.5)
                return go()
            if kind == IFS and self.after_wtx:
                self.ifsc = inf[0]
                self.log(f"t1 ifsc {inf[0]}")
                go, self.after_wtx = self.after_wtx, None
                return go()
            self.send_block(block(R | (self.nr << 4) | 2), keep=False)
            return
        if kind == IFS and len(inf) == 1 and 1 <= inf[0] <= 254:
            self.ifsd = inf[0]
            self.log(f"t1 ifsd {inf[0]}")
            return self.send_block(block(S | S_RESPONSE | IFS, inf))
        if kind == RESYNCH:
            self.log("t1 resynch")
            self.resynch()
            return self.send_block(block(S | S_RESPONSE | RESYNCH))
        if kind == ABORT:
            self.log("t1 abort")
            self.command, self.answer, self.chaining = bytearray(), b"", False
            return self.send_block(block(S | S_RESPONSE | ABORT))
        self.send_block(block(R | (self.nr << 4) | 2), keep=False)

    def on_i(self, pcb, inf):
        ns = (pcb >> 6) & 1
        if ns != self.nr or len(inf) > self.ifsc or self.chaining:
            self.log("t1 unexpected I-block")
            self.send_block(block(R | (self.nr << 4) | 2), keep=False)
            return
        self.nr ^= 1
        self.command += inf
        if pcb & 0x20:
            self.send_block(block(R | (self.nr << 4)))
            return
        apdu, self.command = bytes(self.command), bytearray()
        self.answer = self.apdu(apdu)
        line = self.line
        if line.fault("t1-abort"):
            self.answer = b""
            return self.send_block(block(S | ABORT))
        if line.fault("t1-wtx"):
            self.after_wtx = self.start_answer
            return self.send_block(block(S | WTX, b"\x02"))
        if line.fault("t1-ifs"):
            self.after_wtx = self.start_answer
            return self.send_block(block(S | IFS, b"\x10"))
        self.start_answer()

    def start_answer(self):
        line = self.line
        self.noise = line.fault("t1-noise")
        if line.fault("t1-lost"):
            self.chaining = True
            self.last = self.chunk()
            return
        if line.fault("t1-bad-lrc"):
            self.chaining = True
            b = self.chunk()
            self.last = b
            self.line.send(b[:-1] + bytes([b[-1] ^ 0x01]))
            return
        self.chaining = True
        self.next_chunk(first=True)

    def chunk(self):
        part, self.answer = self.answer[:self.ifsd], self.answer[self.ifsd:]
        more = bool(self.answer)
        b = block((self.ns << 6) | (0x20 if more else 0), part)
        self.ns ^= 1
        if not more:
            self.chaining = False
        return b

    def next_chunk(self, first=False):
        if not first and not self.answer:
            return self.send_block(self.last) if self.last else None
        b = self.chunk()
        self.send_block(b)

    def apdu(self, apdu):
        line, card = self.line, self.line.card
        line.apdus += 1
        p = parse_apdu(apdu)
        if p is None:
            line.log(f"apdu {apdu.hex().upper()} sw 6700")
            return b"\x67\x00"
        cla, ins, p1, p2, data, le, extended = p
        le = min(le, line.args.ext_max) if le else 256
        # a wrapped answer carries 16 bytes of padding at most and the 8-byte R-MAC: within Ne,
        # and within a short response when the command came short
        secure = min(le, ((65536 if extended else 256) - 8) // 16 * 16 - 1)
        out, sw = card.process(cla, ins, p1, p2, data, le, secure_le=secure)
        line.log(f"apdu {apdu.hex().upper()} sw {sw:04X}")
        return bytes(out) + bytes([sw >> 8, sw & 0xFF])
