# The card behind the simulated UICC: an ISO 7816-4 file system (Appendix G: EF.DIR, the PKCS#15
# DF/ADF with ODF, DODF and DM_Bootstrap), PIN, logical channels. It sees whole command APDUs
# (uicc.py does the T=0 bytes) and answers (data, sw). Profiles: "3g" (TS 102 221: CLA 0x/4x,
# SELECT by FID/path/AID with an FCP, MANAGE CHANNEL) and "2g" (TS 51.011: CLA A0, SELECT by FID
# only, the GSM response to SELECT, CHV1).

PKCS15_AID = bytes.fromhex("A000000063504B43532D3135")
BOOTSTRAP_OID = bytes.fromhex("672B0701")  # 2.23.43.7.1


def tlv(tag, value):
    n = len(value)
    if n < 0x80:
        head = bytes([n])
    elif n < 0x100:
        head = bytes([0x81, n])
    else:
        head = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + head + value


class EF:
    def __init__(self, fid, data, record_length=0, private=False):
        self.fid, self.data, self.record_length, self.private = fid, bytearray(data), record_length, private

    def records(self):
        return len(self.data) // self.record_length if self.record_length else 0


class DF:
    def __init__(self, fid, children, aid=None):
        self.fid, self.aid, self.children = fid, aid, {c.fid: c for c in children}
        self.parent = None
        for c in children:
            c.parent = self


def build_files(bootstrap, size, private, profile):
    """The Appendix G structure. A DODF with a non-bootstrap object first, so the walk must look at OIDs."""
    if bootstrap is None:  # a card without a DM bootstrap: EF.DIR names no PKCS#15 application
        return DF(0x3F00, [EF(0x2F00, b"\xff" * 0x44, record_length=0x22)])
    app_template = tlv(0x61, tlv(0x4F, PKCS15_AID) + tlv(0x50, b"OMA DM") + tlv(0x51, bytes.fromhex("3F005015")))
    ef_dir = EF(0x2F00, app_template.ljust(0x22, b"\xff") + b"\xff" * 0x22, record_length=0x22)
    # ODF: an AODF entry ([8]) before the DODF entry ([7]), then FF padding
    odf = tlv(0xA8, tlv(0x30, tlv(0x04, bytes.fromhex("4401")))) + tlv(0xA7, tlv(0x30, tlv(0x04, bytes.fromhex("5207"))))
    flags = tlv(0x03, b"\x07\x80") if private else b""
    other = tlv(0x30, tlv(0x30, tlv(0x0C, b"Other data")) + tlv(0x30, tlv(0x06, bytes.fromhex("2B0601040182370101"))) + tlv(0xA1, tlv(0x30, tlv(0x04, bytes.fromhex("5209")))))
    boot = tlv(0x30, tlv(0x30, tlv(0x0C, b"DM Bootstrap") + flags) + tlv(0x30, tlv(0x06, BOOTSTRAP_OID)) + tlv(0xA1, tlv(0x30, tlv(0x04, bytes.fromhex("5208")))))
    dodf = other + boot
    body = bootstrap.ljust(max(size, len(bootstrap)), b"\xff")
    pkcs15 = DF(0x5015, [
        EF(0x5031, odf + b"\xff" * 16),
        EF(0x5207, dodf + b"\x00" * 8),
        EF(0x5208, body, private=private),
        EF(0x5209, b"not the bootstrap"),
    ], aid=PKCS15_AID if profile == "3g" else None)
    return DF(0x3F00, [ef_dir, pkcs15])


class Channel:
    def __init__(self, mf):
        self.df, self.ef = mf, None


class Card:
    PIN_TRIES = 3

    def __init__(self, profile="3g", bootstrap=b"[]", size=0, pin=None, log=print, scp=None, pin_tries=PIN_TRIES):
        self.profile, self.pin, self.log, self.scp = profile, pin, log, scp
        self.mf = build_files(bootstrap, size, pin is not None, profile)
        # the retry counter lives in the card's non-volatile memory: a reset does not restore it
        self.pin_tries = pin_tries
        # T=1 with extended lengths (uicc.py --t1): Le arrives with every command, so answers follow
        # it (under SCP03 too) and a read past the end of a file says so (6282) instead of 6Cxx
        self.t1 = False
        self.reset()

    def reset(self):
        self.channels = {0: Channel(self.mf)}
        self.pin_verified = False
        if self.scp:
            self.scp.end()

    # --- T=0 needs to know, from the header alone, whether a command carries data (case 3/4)
    def has_data(self, cla, ins, p1):
        # under a secure channel every command carries at least its C-MAC
        return ins in (0xA4, 0x20, 0xD6, 0xDC, 0x50, 0x82, 0x2C, 0x24) or (not cla & 0x40 and cla & 0x04 != 0)

    def channel_of(self, cla):
        if self.profile == "2g":
            return 0
        if cla & 0x40:
            return 4 + (cla & 0x0F)
        return cla & 0x03

    def process(self, cla, ins, p1, p2, data, le, secure_le=239):
        """secure_le: the plaintext a wrapped answer may hold (T=0 sends no Le: one short APDU's worth)."""
        if self.profile == "2g" and cla != 0xA0:
            return b"", 0x6E00
        if self.profile == "3g" and cla == 0xA0:
            return b"", 0x6E00
        channel = self.channel_of(cla)
        ch = self.channels.get(channel)
        if ch is None:
            return b"", 0x6881  # logical channel not supported / not open
        if self.scp and self.profile == "3g" and not cla & 0x40:
            if ins == 0x50 and cla & 0x80:
                return self.scp.initialize_update(channel, p1, data)
            if ins == 0x82 and cla & 0x84 == 0x84:
                return self.scp.external_authenticate(channel, cla, p1, p2, data)
            if self.scp.active(channel):
                if not cla & 0x04:
                    return b"", 0x6982  # plain commands are refused inside the secure channel
                plain, sw = self.scp.unwrap(cla, ins, p1, p2, data)
                if plain is None:
                    return b"", sw
                # under T=0 the Le of a wrapped command is not sent: answer what fits one R-ENC + R-MAC APDU
                out, sw = self.plain(ch, cla & ~0x04, ins, p1, p2, plain, secure_le)
                return self.scp.wrap(out, sw)
        return self.plain(ch, cla, ins, p1, p2, data, le)

    def plain(self, ch, cla, ins, p1, p2, data, le):
        if ins == 0x70 and self.profile == "3g":
            return self.manage_channel(p1, p2)
        if ins == 0xA4:
            return self.select(ch, p1, p2, data)
        if ins == 0xB0:
            return self.read_binary(ch, p1, p2, le)
        if ins == 0xB2:
            return self.read_record(ch, p1, p2, le)
        if ins == 0x20:
            return self.verify(p1, p2, data)
        return b"", 0x6D00

    def manage_channel(self, p1, p2):
        if p1 == 0x00:
            for n in range(1, 20):
                if n not in self.channels:
                    self.channels[n] = Channel(self.mf)
                    self.log(f"channel open {n}")
                    return bytes([n]), 0x9000
            return b"", 0x6A81
        if p1 == 0x80 and p2 in self.channels and p2 != 0:
            del self.channels[p2]
            if self.scp and self.scp.session and self.scp.session["channel"] == p2:
                self.scp.end()
            self.log(f"channel close {p2}")
            return b"", 0x9000
        return b"", 0x6A86

    # --- SELECT
    def child(self, df, fid):
        if fid == 0x3F00:
            return self.mf
        if isinstance(df, DF) and fid in df.children:
            return df.children[fid]
        if df.parent is not None and fid == df.parent.fid:
            return df.parent
        return None

    def select(self, ch, p1, p2, data):
        target = None
        if p1 == 0x00 and len(data) == 2:
            target = self.child(ch.df, int.from_bytes(data, "big"))
        elif p1 == 0x04 and self.profile == "3g":
            target = self.find_aid(self.mf, data)
        elif p1 in (0x08, 0x09) and self.profile == "3g" and len(data) % 2 == 0 and data:
            node = self.mf if p1 == 0x08 else ch.df
            for i in range(0, len(data), 2):
                node = self.child(node, int.from_bytes(data[i:i + 2], "big")) if isinstance(node, DF) else None
                if node is None:
                    break
            target = node
        else:
            return b"", 0x6A86
        if target is None:
            return b"", 0x6A82
        if isinstance(target, DF):
            ch.df, ch.ef = target, None
        else:
            ch.df, ch.ef = target.parent, target
        self.log(f"select {target.fid:04X}")
        if self.profile == "2g":
            return self.gsm_response(target), 0x9000
        if p2 & 0x0C == 0x0C:
            return b"", 0x9000
        return self.fcp(target), 0x9000

    def find_aid(self, df, aid):
        if df.aid is not None and df.aid[:len(aid)] == aid and aid:
            return df
        for c in df.children.values():
            if isinstance(c, DF):
                found = self.find_aid(c, aid)
                if found:
                    return found
        return None

    def fcp(self, f):
        if isinstance(f, DF):
            return tlv(0x62, tlv(0x82, b"\x78\x21") + tlv(0x83, f.fid.to_bytes(2, "big")) + (tlv(0x84, f.aid) if f.aid else b""))
        desc = bytes([0x42, 0x21, 0x00, f.record_length, 0x00, f.records()]) if f.record_length else b"\x41\x21"
        return tlv(0x62, tlv(0x82, desc) + tlv(0x83, f.fid.to_bytes(2, "big")) + tlv(0x80, len(f.data).to_bytes(2, "big")))

    def gsm_response(self, f):
        # TS 51.011 9.2.1: RFU(2) size(2) FID(2) type(1) ... ; EF: structure at 13, record length at 14
        if isinstance(f, DF):
            # bytes 14-22: file characteristics, DF/EF/CHV counts, then CHV1 status (b8 initialised,
            # b4-b1 false presentations remaining) at byte 19
            chv1 = (0x80 | self.pin_tries) if self.pin is not None else 0
            return bytes(2) + bytes(2) + f.fid.to_bytes(2, "big") + bytes([0x02]) + bytes(5) + bytes([9, 0x13, 0, 0, 0, 0, chv1, 0, 0, 0])
        structure = 0x01 if f.record_length else 0x00
        return bytes(2) + len(f.data).to_bytes(2, "big") + f.fid.to_bytes(2, "big") + bytes([0x04, 0, 0x11, 0xFF, 0xFF, 0x01, 0x02, structure, f.record_length])

    # --- reading
    def readable(self, ef):
        return not ef.private or self.pin_verified

    def read_binary(self, ch, p1, p2, le):
        if p1 & 0x80:
            return b"", 0x6A86  # SFI addressing is not offered here
        ef = ch.ef
        if ef is None or ef.record_length:
            return b"", 0x6986
        if not self.readable(ef):
            return b"", 0x6982
        offset = (p1 << 8) | p2
        if offset >= len(ef.data):
            return b"", 0x6B00
        out = bytes(ef.data[offset:offset + le])
        # ISO 7816-4 11.2.3: end of file reached before Ne bytes (T=0 answers 6Cxx in uicc.py instead)
        return out, 0x6282 if self.t1 and len(out) < le else 0x9000

    def read_record(self, ch, p1, p2, le):
        ef = ch.ef
        if ef is None or not ef.record_length:
            return b"", 0x6981
        if p2 != 0x04:
            return b"", 0x6A86
        if not self.readable(ef):
            return b"", 0x6982
        if p1 < 1 or p1 > ef.records():
            return b"", 0x6A83
        start = (p1 - 1) * ef.record_length
        return bytes(ef.data[start:start + min(le, ef.record_length)]), 0x9000

    def verify(self, p1, p2, data):
        """VERIFY CHV1 (TS 51.011 9.2.9: P3 = 08 always, 9804 / 9840) or PIN Appl 1 (TS 102 221
        11.1.9: 63CX, 6983; without data the retry counter, spending no try)."""
        two_g = self.profile == "2g"
        if p1 != 0x00:
            return b"", 0x6B00 if two_g else 0x6A86
        if self.pin is None or p2 != 0x01:
            return b"", 0x9404 if two_g else 0x6A88
        if not data and not two_g:
            if self.pin_tries == 0:
                return b"", 0x6983
            return b"", 0x9000 if self.pin_verified else 0x63C0 | self.pin_tries
        if len(data) != 8:
            return b"", 0x6700
        if self.pin_tries == 0:
            return b"", 0x9840 if two_g else 0x6983
        if data == self.pin.ljust(8, b"\xff"):
            self.pin_tries, self.pin_verified = self.PIN_TRIES, True
            self.log("pin ok")
            return b"", 0x9000
        self.pin_tries -= 1
        self.pin_verified = False
        self.log(f"pin wrong {self.pin_tries}")
        if two_g:
            return b"", 0x9840 if self.pin_tries == 0 else 0x9804
        return b"", 0x63C0 | self.pin_tries
