# The card's side of GlobalPlatform SCP03 (Amendment D) with AES-128, -192 or -256 static keys
# (session keys as long as the static ones, L in the KDF = their length in bits), written against the Python
# `cryptography` package (Debian python3-cryptography): an implementation independent of the
# reader's, which uses mbedTLS through modules/crypto. INITIALIZE UPDATE, EXTERNAL AUTHENTICATE,
# then every command C-MAC + C-DECRYPTION checked and every 9000/62xx/63xx answer R-ENC + R-MAC.
import hmac
import os

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SECURE_ANSWERS = lambda sw: sw == 0x9000 or (sw >> 8) in (0x62, 0x63)  # noqa: E731


def aes_cmac(key, data):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def kdf(key, constant, bits, context):
    """NIST SP 800-108 counter mode with AES-CMAC, GP Amendment D 6.2.2 layout."""
    out = b""
    for counter in range(1, (bits + 127) // 128 + 1):
        out += aes_cmac(key, bytes(11) + bytes([constant, 0]) + bits.to_bytes(2, "big") + bytes([counter]) + context)
    return out[: bits // 8]


def ecb(key, block):
    e = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return e.update(block) + e.finalize()


def cbc(key, iv, data, encrypt):
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    x = c.encryptor() if encrypt else c.decryptor()
    return x.update(data) + x.finalize()


def pad(data):
    data = data + b"\x80"
    return data + bytes(-len(data) % 16)


def unpad(data):
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise ValueError("bad padding")
    return stripped[:-1]


class Scp03:
    """One card's static keys and its session (at most one, on one logical channel)."""

    I_PARAM = 0x70  # pseudo-random card challenge, R-MAC and R-ENC supported

    def __init__(self, enc, mac, dek, kvn=0x30, aid=b"", log=print, faults=None):
        if len(enc) not in (16, 24, 32) or len(mac) != len(enc) or len(dek) != len(enc):
            raise ValueError("SCP03 static keys: ENC, MAC and DEK of one AES length (16, 24 or 32 bytes)")
        self.enc, self.mac, self.dek, self.kvn, self.aid, self.log = enc, mac, dek, kvn, aid, log
        self.bits = len(enc) * 8
        self.faults = faults or {}
        self.sequence = 0
        self.end()
        self.last_answer = None

    def end(self):
        self.session = None  # dict while a channel is open or authenticated
        self.wrapped = 0

    def initialize_update(self, channel, p1, data):
        if len(data) != 8:
            return b"", 0x6700
        if p1 not in (0, self.kvn):
            return b"", 0x6A88
        self.end()
        self.sequence += 1
        seq = self.sequence.to_bytes(3, "big")
        card_challenge = kdf(self.enc, 0x02, 64, seq + self.aid)
        context = bytes(data) + card_challenge
        s = {
            "channel": channel,
            "enc": kdf(self.enc, 0x04, self.bits, context),
            "mac": kdf(self.mac, 0x06, self.bits, context),
            "rmac": kdf(self.mac, 0x07, self.bits, context),
            "context": context, "auth": False, "chain": bytes(16), "counter": 0,
        }
        cryptogram = kdf(s["mac"], 0x00, 64, context)
        if self.faults.pop("scp-bad-cryptogram", None) is not None:  # once: a retry then succeeds
            self.log("fault scp-bad-cryptogram")
            cryptogram = bytes(b ^ 0xFF for b in cryptogram)
        self.session = s
        self.log("scp03 initialize-update")
        return bytes(10) + bytes([self.kvn, 0x03, self.I_PARAM]) + card_challenge + cryptogram + seq, 0x9000

    def external_authenticate(self, channel, cla, p1, p2, data):
        s = self.session
        if s is None or s["channel"] != channel or s["auth"]:
            return b"", 0x6985
        if len(data) != 16:
            return b"", 0x6700
        full = aes_cmac(s["mac"], s["chain"] + bytes([cla & 0xFC, 0x82, p1, p2, 16]) + data[:8])
        host = kdf(s["mac"], 0x01, 64, s["context"])
        if not hmac.compare_digest(full[:8], data[8:]) or not hmac.compare_digest(host, data[:8]):
            self.log("scp03 external-authenticate refused")
            self.end()
            return b"", 0x6300
        if p1 != 0x33:
            self.end()
            return b"", 0x6A86  # this card insists on C-MAC + C-DEC + R-MAC + R-ENC (Appendix H note 2)
        s.update(auth=True, chain=full, counter=1)
        self.log("scp03 authenticated 33")
        return b"", 0x9000

    def active(self, channel):
        return self.session is not None and self.session["auth"] and self.session["channel"] == channel

    def unwrap(self, cla, ins, p1, p2, data):
        """The plain command, or a status word when the C-MAC or the padding is wrong."""
        s = self.session
        if len(data) < 8:
            self.end()
            return None, 0x6982
        body, mac = data[:-8], data[-8:]
        full = aes_cmac(s["mac"], s["chain"] + bytes([cla & 0xFC, ins, p1, p2, len(data)]) + body)
        if not hmac.compare_digest(full[:8], mac):
            self.log("scp03 c-mac mismatch")
            self.end()
            return None, 0x6982
        s["chain"] = full
        plain = b""
        if body:
            icv = ecb(s["enc"], s["counter"].to_bytes(16, "big"))
            try:
                plain = unpad(cbc(s["enc"], icv, body, False))
            except ValueError:
                self.end()
                return None, 0x6982
        return plain, 0

    def wrap(self, data, sw):
        s = self.session
        counter = s["counter"]
        s["counter"] += 1
        self.wrapped += 1
        if not SECURE_ANSWERS(sw):
            return data, sw
        enc = b""
        if data:
            icv = ecb(s["enc"], b"\x80" + counter.to_bytes(15, "big"))
            enc = cbc(s["enc"], icv, pad(data), True)
        rmac = aes_cmac(s["rmac"], s["chain"] + enc + bytes([sw >> 8, sw & 0xFF]))[:8]
        if self.faults.get("scp-bad-rmac") == str(self.wrapped):
            del self.faults["scp-bad-rmac"]
            self.log("fault scp-bad-rmac")
            rmac = bytes(b ^ 0x01 for b in rmac)
        answer = (enc + rmac, sw)
        if self.faults.get("scp-replay") == str(self.wrapped) and self.last_answer:
            del self.faults["scp-replay"]
            self.log("fault scp-replay")
            answer = self.last_answer
        self.last_answer = answer
        return answer
