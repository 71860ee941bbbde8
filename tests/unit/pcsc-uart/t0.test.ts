// T=0 (ISO 7816-3 section 10) against scripted card answers. Each step is "reader sends / card
// answers": the card's bytes are fed one at a time, as they arrive on the line.
//
//   reader                         card
//   CLA INS P1 P2 P3  ───────────▶
//                     ◀─────────── 60 (NULL) | INS (all) | INS^FF (one) | SW1 SW2
//   data / nothing    ───────────▶
//                     ◀─────────── data ... SW1 SW2 | 61xx → GET RESPONSE | 6Cxx → re-issue
import { CardError, RESPONSE_MAX, Step, T0Exchange, type Command, type Response } from "../../../modules/pcsc-uart/index.js";
import { assert, describe, it } from "../../harness/index.js";

const { fromHex: h, toHex } = assert;

function run(command: Command, script: [string, string][]): Response {
	const ex = new T0Exchange(command);
	for (let i = 0; i < script.length; i++) {
		const [sent, answer] = script[i]!;
		assert.equal(toHex(ex.take()), sent.replace(/\s+/g, "").toLowerCase(), `step ${i}: reader sends`);
		const bytes = h(answer);
		for (let j = 0; j < bytes.length; j++) {
			const step = ex.feed(bytes[j]!);
			const last = j === bytes.length - 1;
			if (step === Step.Send) { assert.ok(last, `step ${i}: send asked at byte ${j} of ${bytes.length}`); assert.ok(i < script.length - 1, "script ends"); }
			else if (step === Step.Done) { assert.ok(last && i === script.length - 1, `step ${i}: done too early`); return ex.response(); }
			else assert.ok(!last, `step ${i}: the card's answer left the exchange waiting`);
		}
	}
	throw new Error("script ended before the exchange");
}

const readBinary = (le: number): Command => ({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le });

describe("pcsc-uart: T=0 cases", () => {
	it("case 1: header with P3 = 00, then the status word", () => {
		const r = run({ cla: 0x00, ins: 0x70, p1: 0x80, p2: 0x01 }, [["00 70 80 01 00", "90 00"]]);
		assert.equal(r.sw, 0x9000);
		assert.equal(r.data.length, 0);
	});

	it("case 2: INS acknowledges all Le bytes, NULLs before and after", () => {
		const r = run(readBinary(4), [["00 B0 00 00 04", "60 60 B0 01 02 03 04 60 90 00"]]);
		assert.bytes(r.data, "01020304");
		assert.equal(r.sw, 0x9000);
	});

	it("case 2: INS^FF moves one byte at a time, then INS the rest", () => {
		const r = run(readBinary(4), [["00 B0 00 00 04", "4F 01 4F 02 B0 03 04 90 00"]]);
		assert.bytes(r.data, "01020304");
	});

	it("case 2: 6Cxx re-issues the header with the length the card has", () => {
		const r = run(readBinary(256), [["00 B0 00 00 00", "6C 03"], ["00 B0 00 00 03", "B0 AA BB CC 90 00"]]);
		assert.bytes(r.data, "AABBCC");
		assert.equal(r.sw, 0x9000);
	});

	it("case 2: a status word instead of data is passed on", () => {
		const r = run(readBinary(16), [["00 B0 00 00 10", "6A 82"]]);
		assert.equal(r.sw, 0x6a82);
		assert.equal(r.data.length, 0);
	});

	it("case 3: INS takes all data at once", () => {
		const r = run({ cla: 0x00, ins: 0xd6, p1: 0, p2: 0, data: h("A1A2A3") }, [["00 D6 00 00 03", "D6"], ["A1 A2 A3", "90 00"]]);
		assert.equal(r.sw, 0x9000);
	});

	it("case 3: INS^FF takes one byte at a time, INS the rest", () => {
		const r = run({ cla: 0x00, ins: 0xd6, p1: 0, p2: 0, data: h("A1A2A3") },
			[["00 D6 00 00 03", "29"], ["A1", "60 29"], ["A2", "D6"], ["A3", "60 90 00"]]);
		assert.equal(r.sw, 0x9000);
	});

	it("case 4: data out, 61xx, GET RESPONSE in the same class", () => {
		const r = run({ cla: 0x00, ins: 0xa4, p1: 4, p2: 0, data: h("A0B0C0"), le: 256 },
			[["00 A4 04 00 03", "A4"], ["A0 B0 C0", "61 04"], ["00 C0 00 00 04", "C0 62 02 82 01 90 00"]]);
		assert.bytes(r.data, "62028201");
		assert.equal(r.sw, 0x9000);
	});

	it("GET RESPONSE chains while the card says 61xx, and keeps the logical channel", () => {
		const r = run({ cla: 0x03, ins: 0xca, p1: 0, p2: 0xfe, le: 256 },
			[["03 CA 00 FE 00", "61 02"], ["03 C0 00 00 02", "C0 01 02 61 01"], ["03 C0 00 00 01", "C0 03 90 00"]]);
		assert.bytes(r.data, "010203");
		const further = run({ cla: 0x65, ins: 0xca, p1: 0, p2: 0xfe, le: 2 }, [["65 CA 00 FE 02", "61 02"], ["45 C0 00 00 02", "C0 01 02 90 00"]]);
		assert.bytes(further.data, "0102");
	});

	it("2G: class A0, 9Fxx fetched with A0 C0 when a response is wanted, passed on when not", () => {
		const sel = run({ cla: 0xa0, ins: 0xa4, p1: 0, p2: 0, data: h("3F00") }, [["A0 A4 00 00 02", "A4"], ["3F 00", "9F 17"]]);
		assert.equal(sel.sw, 0x9f17);
		const withLe = run({ cla: 0xa0, ins: 0xa4, p1: 0, p2: 0, data: h("3F00"), le: 256 },
			[["A0 A4 00 00 02", "A4"], ["3F 00", "9F 04"], ["A0 C0 00 00 04", "C0 01 02 03 04 90 00"]]);
		assert.bytes(withLe.data, "01020304");
	});
});

describe("pcsc-uart: T=0 faults", () => {
	const fault = (kind: string) => (e: unknown) => e instanceof CardError && e.fault === kind;

	it("refuses a byte that is no procedure byte", () => {
		const ex = new T0Exchange(readBinary(4));
		ex.take();
		assert.throws(() => ex.feed(0x20), /no procedure byte/);
	});

	it("refuses a second 6Cxx for the same command and any byte after the status word", () => {
		const ex = new T0Exchange(readBinary(4));
		ex.take();
		ex.feed(0x6c); assert.equal(ex.feed(0x02), Step.Send); ex.take();
		ex.feed(0x6c);
		assert.throws(() => ex.feed(0x01), fault("protocol"));
		const done = new T0Exchange({ cla: 0, ins: 0x70, p1: 0, p2: 0 });
		done.take(); done.feed(0x90); done.feed(0x00);
		assert.throws(() => done.feed(0x90), /after the status word/);
	});

	it("refuses commands T=0 cannot carry", () => {
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0x60, p1: 0, p2: 0 }), fault("command"));
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0x92, p1: 0, p2: 0 }), fault("command"));
		assert.throws(() => new T0Exchange({ cla: 0xff, ins: 0xa4, p1: 0, p2: 0 }), /PPS/);
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(256) }), /Lc/);
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 0 }), /Le/);
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 257 }), /Le/);
		assert.throws(() => new T0Exchange({ cla: 0, ins: 0xb0, p1: 256, p2: 0 }), /P1/);
	});

	it(`bounds a response chained past ${RESPONSE_MAX} bytes`, () => {
		const ex = new T0Exchange({ cla: 0, ins: 0xca, p1: 0, p2: 0, le: 256 });
		ex.take();
		ex.feed(0x61); ex.feed(0x00);
		assert.throws(() => {
			for (;;) {
				ex.take();
				ex.feed(0xc0);
				for (let i = 0; i < 256; i++) ex.feed(i);
				ex.feed(0x61); ex.feed(0x00);
			}
		}, /longer than/);
	});
});
