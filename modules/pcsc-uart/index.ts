// ISO 7816-3 T=0 and T=1 over a UART: ATR, PPS, procedure bytes; APDUs, logical channels; the PKCS#15
// DM bootstrap file (Appendix G). IO only through the serial port the host gives.
// SCP03 (Appendix H) needs the host's native AES/CMAC when it runs; modules/crypto binds them
// lazily, so everything here also loads (and is unit-tested) where they are absent.
export { CardError, type CardFault } from "./error.js";
export { convert, inverseByte, type Convention } from "./convention.js";
export { ATR_MAX, NEED_MORE, TA1_DEFAULT, baudFor, blockWaitingMs, charWaitingMs, extendedLength, fiDi, parseAtr, scanAtr, workWaitingMs, type Atr, type T1Parameters } from "./atr.js";
export { checkCommand, decodeResponse, encodeCommand, getResponseCla, isSuccess, type Command, type Response } from "./apdu.js";
export { RESPONSE_MAX, Step, T0, T0Exchange } from "./t0.js";
export { IFSD_MAX, IFS_DEFAULT, SType, T1Exchange, T1State, sBlock } from "./t1.js";
export { choosePps, ppsAccepted, ppsLength, ppsRequest } from "./pps.js";
export { CardLink, type Activation, type CardPort, type LinkOptions, type PortEvents, type PpsOutcome } from "./link.js";
export { findTlv, readTlv, type Tlv } from "./der.js";
export { classByte, closeChannel, openChannel, pinStatus, readBinary, readRecord, selectAid, selectFid, selectPath, verifyPin, type Profile, type SelectAnswer } from "./commands.js";
export { CHUNK_MAX, EXTENDED_CHUNK_DEFAULT, EXTENDED_CHUNK_MAX, OFFSET_MAX, SECURE_CHUNK_MAX, CardFiles, type Selected, type Transmitter } from "./card.js";
export { JsonEnd, PKCS15_AID, dodfPaths, findBootstrap, pkcs15Path, readBootstrap, type BootstrapObject, type BootstrapOptions, type BootstrapResult } from "./pkcs15.js";
export { LEVEL_FULL, PLAIN_MAX, Scp03Session, scp03Kdf, staticKeyBits, type KdfBits, type Scp03Options, type StaticKeys } from "./scp03.js";
