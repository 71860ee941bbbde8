// Fuzz of the Package#0 codec. Generated notifications must decode to what was encoded; mutated
// packages (bit flips, byte overwrites, truncation, extension, option records repeated,
// reordered, dropped, a wrong option count) must either be refused with DmError(400) at an offset
// inside the input, or decode to a value that re-encodes to the very same bytes. A mutated signed
// package verifies only if it is byte for byte the signed one.
import { DmError } from "../../modules/dm/error.js";
import { ConnectionType, decodePackage0, encodePackage0, signPackage0, verifyPackage0, type ExtensionOption, type Notification } from "../../modules/dm/codec/index.js";
import { PACKAGE0_SEEDS } from "./seeds/package0/seeds.js";
import { prng } from "./json.js";

export interface Package0FuzzStats { generated: number; mutated: number; accepted: number; refused: number; signed: number }

const SERVER_IDS = ["dms1", "s", "DM server é", "€uro", "😀", "x".repeat(300), "a:b", "0"];

function hex(b: Uint8Array): string {
	let s = "";
	for (const x of b) s += (x < 16 ? "0" : "") + x.toString(16);
	return s;
}

function fromHex(s: string): Uint8Array {
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
	return out;
}

/** Every field, in one canonical text, for comparing a notification with its decoding. */
function describeNotification(n: Notification): string {
	return JSON.stringify([n.serverId ?? null, n.preferredConnections ?? null, n.notificationId ?? null, n.digest ? hex(n.digest) : null,
		n.timestamp ?? null, n.timestampLength ?? null, n.requestMos, n.reserved ?? 0, n.extensions ? n.extensions.map((e) => [e.number, hex(e.value)]) : null]);
}

function bytes(r: () => number, max: number): Uint8Array {
	return Uint8Array.from({ length: Math.floor(r() * (max + 1)) }, () => Math.floor(r() * 256));
}

function notification(r: () => number): Notification {
	const n: Notification = { requestMos: r() < 0.5 };
	let highest = 0;
	if (r() < 0.7) { n.serverId = SERVER_IDS[Math.floor(r() * SERVER_IDS.length)]! + (r() < 0.5 ? String(Math.floor(r() * 1000)) : ""); highest = 1; }
	if (r() < 0.4) {
		const types: ConnectionType[] = [];
		for (let k = Math.floor(r() * 4); k > 0; k--) types.push((1 + Math.floor(r() * 3)) as ConnectionType);
		if (r() < 0.5) types.push(ConnectionType.AnyAvailable);
		n.preferredConnections = types;
		highest = 2;
	}
	if (r() < 0.7) { n.notificationId = Math.floor(r() * 65536); highest = 3; }
	if (r() < 0.5) { n.digest = r() < 0.5 ? new Uint8Array(32) : Uint8Array.from({ length: 32 }, () => Math.floor(r() * 256)); highest = 4; }
	if (r() < 0.6) {
		const wide = r() < 0.3;
		n.timestamp = wide ? Math.floor(r() * Number.MAX_SAFE_INTEGER) : Math.floor(r() * 0x100000000);
		n.timestampLength = wide || r() < 0.2 ? 8 : 4;
		highest = 5;
	}
	if (n.requestMos) highest = 6;
	if (r() < 0.2) n.reserved = Math.floor(r() * 128);
	if (r() < 0.2) {
		// Deltas are 4 bits: each extension lies 1..15 above the option before it, and above 6.
		const extensions: ExtensionOption[] = [];
		let last = highest;
		for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
			const least = Math.max(7, last + 1) - last;
			last += least + Math.floor(r() * (16 - least));
			extensions.push({ number: last, value: bytes(r, 12) });
		}
		n.extensions = extensions;
	}
	return n;
}

/** The [start, end) of each option record, as far as the lengths can be followed. */
function records(b: Uint8Array): [number, number][] {
	const out: [number, number][] = [];
	let at = 2;
	while (at + 2 <= b.length) {
		const end = at + 2 + (((b[at]! & 0x0f) << 8) | b[at + 1]!);
		if (end > b.length) break;
		out.push([at, end]);
		at = end;
	}
	return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) { out.set(p, at); at += p.length; }
	return out;
}

function count(m: Uint8Array): number {
	return m.length >= 2 ? (((m[0]! << 8) | m[1]!) >> 7) & 0x1f : 0;
}

function setCount(m: Uint8Array, oc: number): void {
	if (m.length < 2) return;
	m[0] = (m[0]! & 0xf0) | ((oc >> 1) & 0x0f);
	m[1] = (m[1]! & 0x7f) | ((oc & 1) << 7);
}

function mutate(r: () => number, input: Uint8Array): Uint8Array {
	let m: Uint8Array = input.slice();
	for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
		const at = Math.floor(r() * Math.max(1, m.length));
		const recs = records(m);
		const head = m.subarray(0, 2), rec = (i: number): Uint8Array => m.subarray(recs[i]![0], recs[i]![1]);
		const tail = m.subarray(recs.length ? recs[recs.length - 1]![1] : Math.min(2, m.length));
		switch (Math.floor(r() * 9)) {
		case 0: if (m.length) m[at] = m[at]! ^ (1 << Math.floor(r() * 8)); break;
		case 1: if (m.length) m[at] = Math.floor(r() * 256); break;
		case 2: m = m.slice(0, at); break;
		case 3: m = concat([m, bytes(r, 8)]); break;
		case 4: {
			if (!recs.length) break;
			const i = Math.floor(r() * recs.length);
			const copy = rec(i).slice();
			if (r() < 0.7) copy[0] = copy[0]! & 0x0f;   // delta 0: the same option number again
			m = concat([head, ...recs.map((_, x) => (x === i ? concat([rec(x), copy]) : rec(x))), tail]);
			if (r() < 0.7) setCount(m, count(m) + 1);
			break;
		}
		case 5: {
			if (recs.length < 2) break;
			const i = Math.floor(r() * recs.length), j = Math.floor(r() * recs.length);
			const order = recs.map((_, x) => (x === i ? j : x === j ? i : x));
			m = concat([head, ...order.map(rec), tail]);
			break;
		}
		case 6: {
			if (!recs.length) break;
			const drop = Math.floor(r() * recs.length);
			m = concat([head, ...recs.map((_, x) => x).filter((x) => x !== drop).map(rec), tail]);
			if (r() < 0.5) setCount(m, count(m) - 1);
			break;
		}
		case 7: setCount(m, Math.floor(r() * 32)); break;
		default: if (m.length >= 2 && recs.length) { const [s] = recs[Math.floor(r() * recs.length)]!; m[s] = (m[s]! & 0x0f) | (Math.floor(r() * 16) << 4); } break;
		}
	}
	return m;
}

function check(m: Uint8Array, stats: Package0FuzzStats, signed?: { bytes: Uint8Array; secret: Uint8Array; data: Uint8Array }): void {
	let decoded;
	try {
		decoded = decodePackage0(m);
	} catch (e) {
		if (!(e instanceof DmError)) throw new Error(`${e instanceof Error ? e.name : typeof e} escaped decoding ${hex(m)}: ${String(e)}`);
		if (e.status !== 400 || e.offset === undefined || e.offset < 0 || e.offset > m.length) throw new Error(`refused ${hex(m)} with status ${e.status} at ${e.offset}`);
		stats.refused++;
		return;
	}
	stats.accepted++;
	const again = hex(encodePackage0(decoded));
	if (again !== hex(m)) throw new Error(`accepted ${hex(m)} but it re-encodes to ${again}`);
	if (signed) {
		const same = hex(m) === hex(signed.bytes);
		if (verifyPackage0(m, signed.secret, signed.data, decoded) !== same) throw new Error(`digest verdict wrong for ${hex(m)} (signed ${hex(signed.bytes)})`);
	}
}

export function fuzzPackage0(iterations: number, seed = 1): Package0FuzzStats {
	const r = prng(seed);
	const stats: Package0FuzzStats = { generated: 0, mutated: 0, accepted: 0, refused: 0, signed: 0 };
	const corpus = PACKAGE0_SEEDS.map((s) => fromHex(s.hex));
	for (let i = 0; i < iterations; i++) {
		let base: Uint8Array, signed: { bytes: Uint8Array; secret: Uint8Array; data: Uint8Array } | undefined;
		if (i % 4 === 3) base = corpus[Math.floor(r() * corpus.length)]!;
		else {
			const n = notification(r);
			base = encodePackage0(n);
			const back = decodePackage0(base);
			if (describeNotification(back) !== describeNotification(n)) throw new Error(`generated ${describeNotification(n)} decodes to ${describeNotification(back)}`);
			if (hex(encodePackage0(back)) !== hex(base)) throw new Error(`generated ${hex(base)} re-encodes differently`);
			stats.generated++;
			if (n.digest && i % 4 === 1) {
				const secret = concat([Uint8Array.of(1 + Math.floor(r() * 255)), bytes(r, 40)]), data = bytes(r, 20);
				const b = signPackage0(base, secret, data);
				signed = { bytes: b, secret, data };
				if (!verifyPackage0(b, secret, data)) throw new Error(`signed ${hex(b)} does not verify`);
				base = b;
				stats.signed++;
			}
		}
		check(mutate(r, base), stats, signed);
		stats.mutated++;
	}
	return stats;
}
