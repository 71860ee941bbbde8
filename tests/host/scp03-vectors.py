#!/usr/bin/env python3
# Computes SCP03 test vectors with the Python `cryptography` package (an implementation independent
# of modules/crypto's mbedTLS): the KDF, and a whole session transcript (host side written here,
# card side = the UICC simulator's hosts/sim/peers/uicc/scp03.py + card.py) with fixed challenges.
# Prints JSON; tests/unit-xs/pcsc-uart/scp03-vectors.ts holds the same, and
# tests/host/pcsc-scp03.test.ts checks that the two agree.
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../hosts/sim/peers/uicc"))
from scp03 import Scp03, aes_cmac, cbc, ecb, kdf, pad, unpad  # noqa: E402
from card import Card  # noqa: E402

ENC = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
MAC = bytes.fromhex("0F1E2D3C4B5A69788796A5B4C3D2E1F0")
DEK = bytes.fromhex("A1A2A3A4A5A6A7A8A9AAABACADAEAFB0")
HOST_CHALLENGE = bytes.fromhex("0102030405060708")
AID = bytes.fromhex("A000000063504B43532D3135")

out = {"keys": {"enc": ENC.hex(), "mac": MAC.hex(), "dek": DEK.hex()}, "hostChallenge": HOST_CHALLENGE.hex()}
ctx = bytes(range(16))
out["kdf"] = [
    {"key": ENC.hex(), "constant": c, "bits": b, "context": ctx.hex(), "out": kdf(ENC, c, b, ctx).hex()}
    for c, b in ((0x04, 128), (0x06, 128), (0x07, 128), (0x00, 64), (0x01, 64))
]
# AES-192 and AES-256 static keys: session keys as long as the static key (L = 00C0 / 0100, two PRF blocks)
KEY192 = bytes.fromhex("8899AABBCCDDEEFF00112233445566770F1E2D3C4B5A6978")
KEY256 = bytes.fromhex("00112233445566778899AABBCCDDEEFF0F1E2D3C4B5A69788796A5B4C3D2E1F0")
out["kdf"] += [
    {"key": k.hex(), "constant": c, "bits": b, "context": ctx.hex(), "out": kdf(k, c, b, ctx).hex()}
    for k in (KEY192, KEY256) for c, b in ((0x04, len(k) * 8), (0x07, len(k) * 8), (0x00, 64))
]

card = Card("3g", b'{"bootstrap":"vector"}', 64, log=lambda t: None, scp=Scp03(ENC, MAC, DEK, aid=AID, log=lambda t: None))
card.channels[1] = card.channels[0].__class__(card.mf)
card.process(0x01, 0xA4, 0x04, 0x04, AID, 256)  # the PKCS#15 ADF on channel 1

steps = []


def exchange(cla, ins, p1, p2, data, le=256):
    answer, sw = card.process(cla, ins, p1, p2, data, le)
    steps.append({"command": bytes([cla, ins, p1, p2]).hex() + (data.hex() if data else ""), "lc": len(data), "response": answer.hex(), "sw": sw})
    return answer, sw


init, _ = exchange(0x81, 0x50, 0x00, 0x00, HOST_CHALLENGE)
context = HOST_CHALLENGE + init[13:21]
s_enc, s_mac, s_rmac = kdf(ENC, 4, 128, context), kdf(MAC, 6, 128, context), kdf(MAC, 7, 128, context)
host = kdf(s_mac, 1, 64, context)
chain = aes_cmac(s_mac, bytes(16) + bytes([0x84, 0x82, 0x33, 0x00, 16]) + host)
exchange(0x85, 0x82, 0x33, 0x00, host + chain[:8])
counter = 1


def wrapped(cla, ins, p1, p2, plain):
    """The host side of C-MAC + C-DECRYPTION, then the card's answer unwrapped (R-MAC + R-ENC)."""
    global chain, counter
    body = cbc(s_enc, ecb(s_enc, counter.to_bytes(16, "big")), pad(plain), True) if plain else b""
    chain = aes_cmac(s_mac, chain + bytes([(cla | 4) & 0xFC, ins, p1, p2, len(body) + 8]) + body)
    answer, sw = exchange(cla | 4, ins, p1, p2, body + chain[:8])
    steps[-1]["plainCommand"] = plain.hex()
    if sw == 0x9000 or (sw >> 8) in (0x62, 0x63):
        enc, rmac = answer[:-8], answer[-8:]
        assert aes_cmac(s_rmac, chain + enc + bytes([sw >> 8, sw & 0xFF]))[:8] == rmac
        plain_answer = unpad(cbc(s_enc, ecb(s_enc, b"\x80" + counter.to_bytes(15, "big")), enc, False)) if enc else b""
        steps[-1]["plainResponse"] = plain_answer.hex()
    counter += 1


wrapped(0x01, 0xA4, 0x00, 0x04, bytes.fromhex("5208"))   # SELECT DM_Bootstrap, FCP back
wrapped(0x01, 0xB0, 0x00, 0x00, b"")                     # READ BINARY, no data: MAC only
wrapped(0x01, 0xA4, 0x00, 0x04, bytes.fromhex("7777"))   # a missing file: 6A82, bare
out["session"] = steps
print(json.dumps(out, indent="\t"))
