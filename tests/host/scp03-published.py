#!/usr/bin/env python3
# Checks the UICC simulator's SCP03 primitives (hosts/sim/peers/uicc/scp03.py, Python `cryptography`)
# against published transcripts read as JSON from stdin (tests/unit-xs/pcsc-uart/scp03-published-vectors.ts:
# osmocom/pysim's test data): the card cryptogram the card sent, the host cryptogram and C-MAC of
# EXTERNAL AUTHENTICATE, and the R-MAC + R-ENC of the card's answer. Prints "ok NAME" per transcript.
import json, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../hosts/sim/peers/uicc"))
from scp03 import aes_cmac, cbc, ecb, kdf, unpad  # noqa: E402

for t in json.load(sys.stdin):
    enc, mac = bytes.fromhex(t["enc"]), bytes.fromhex(t["mac"])
    bits = len(enc) * 8
    host_challenge = bytes.fromhex(t["initUpdateCommand"])[5:13]
    answer = bytes.fromhex(t["initUpdateResponse"])
    context = host_challenge + answer[13:21]
    s_enc, s_mac, s_rmac = kdf(enc, 4, bits, context), kdf(mac, 6, bits, context), kdf(mac, 7, bits, context)
    assert kdf(s_mac, 0, 64, context) == answer[21:29], f"{t['name']}: card cryptogram"
    ext = bytes.fromhex(t["externalAuthenticate"])
    host = kdf(s_mac, 1, 64, context)
    chain = aes_cmac(s_mac, bytes(16) + ext[:5] + host)
    assert ext[5:21] == host + chain[:8], f"{t['name']}: EXTERNAL AUTHENTICATE"
    wrapped = bytes.fromhex(t["getEid"][1])
    chain = aes_cmac(s_mac, chain + wrapped[:5] + wrapped[5:5 + wrapped[4] - 8])
    assert chain[:8] == wrapped[5 + wrapped[4] - 8:5 + wrapped[4]], f"{t['name']}: C-MAC"
    r = bytes.fromhex(t["getEid"][2])
    assert aes_cmac(s_rmac, chain + r[:-8] + b"\x90\x00")[:8] == r[-8:], f"{t['name']}: R-MAC"
    plain = unpad(cbc(s_enc, ecb(s_enc, b"\x80" + (1).to_bytes(15, "big")), r[:-8], False))
    assert plain == bytes.fromhex(t["getEid"][3]), f"{t['name']}: R-ENC"
    print(f"ok {t['name']}")
