// A small strict XML reader for DDF files (build time, Node): elements, attributes, text, the five
// predefined entities and character references, CDATA, comments, processing instructions and a
// DOCTYPE without an internal subset. Anything else (mismatched tags, a stray "<" or "&", a second
// root, text outside the root) is an XmlError naming the line and column.

export class XmlError extends Error {
	constructor(message: string, readonly line: number, readonly column: number) {
		super(`line ${line}, column ${column}: ${message}`);
		this.name = "XmlError";
	}
}

export interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	/** the element's own text (not its children's), entities decoded */
	text: string;
	line: number;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_:.\-]*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: "\"", apos: "'" };

export function parseXml(source: string): XmlElement {
	let i = 0;
	const stack: XmlElement[] = [];
	let root: XmlElement | undefined;

	const position = (at: number): [number, number] => {
		let line = 1, col = 1;
		for (let k = 0; k < at && k < source.length; k++) {
			if (source.charCodeAt(k) === 10) { line++; col = 1; } else col++;
		}
		return [line, col];
	};
	const fail = (message: string, at = i): never => {
		const [line, col] = position(at);
		throw new XmlError(message, line, col);
	};
	const expect = (s: string): void => {
		if (!source.startsWith(s, i)) fail(`expected "${s}"`);
		i += s.length;
	};
	const skipSpace = (): void => { while (i < source.length && /\s/.test(source.charAt(i))) i++; };
	const name = (): string => {
		NAME.lastIndex = i;
		const m = NAME.exec(source);
		if (!m) return fail("expected a name");
		i += m[0].length;
		return m[0];
	};
	const decode = (raw: string, at: number): string => raw.replace(/&([^;&<]*);|&/g, (whole, ref: string | undefined, offset: number) => {
		if (ref === undefined) return fail("a bare \"&\" (write &amp;)", at + offset);
		if (ENTITIES[ref] !== undefined) return ENTITIES[ref]!;
		const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
		const code = m ? (m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2])) : -1;
		if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return fail(`unknown entity ${whole}`, at + offset);
		return String.fromCodePoint(code);
	});
	const addText = (t: string, at: number): void => {
		const top = stack[stack.length - 1];
		if (top) top.text += t;
		else if (/\S/.test(t)) fail("text outside the root element", at);
	};

	if (source.charCodeAt(0) === 0xfeff) i = 1;
	while (i < source.length) {
		const lt = source.indexOf("<", i);
		const end = lt < 0 ? source.length : lt;
		if (end > i) {
			const raw = source.slice(i, end);
			if (raw.includes("]]>")) fail("\"]]>\" in text", i + raw.indexOf("]]>"));
			addText(decode(raw, i), i);
			i = end;
			continue;
		}
		if (source.startsWith("<!--", i)) {
			const close = source.indexOf("-->", i + 4);
			if (close < 0) fail("an unclosed comment");
			if (source.slice(i + 4, close).includes("--")) fail("\"--\" inside a comment");
			i = close + 3;
		}
		else if (source.startsWith("<![CDATA[", i)) {
			if (!stack.length) fail("CDATA outside the root element");
			const close = source.indexOf("]]>", i + 9);
			if (close < 0) fail("an unclosed CDATA section");
			addText(source.slice(i + 9, close), i);
			i = close + 3;
		}
		else if (source.startsWith("<!DOCTYPE", i)) {
			if (root || stack.length) fail("DOCTYPE after the root element started");
			const close = source.indexOf(">", i);
			if (close < 0) fail("an unclosed DOCTYPE");
			if (source.slice(i, close).includes("[")) fail("a DOCTYPE with an internal subset is not supported");
			i = close + 1;
		}
		else if (source.startsWith("<?", i)) {
			const close = source.indexOf("?>", i + 2);
			if (close < 0) fail("an unclosed processing instruction");
			i = close + 2;
		}
		else if (source.startsWith("</", i)) {
			const at = i;
			i += 2;
			const n = name();
			skipSpace();
			expect(">");
			const open = stack.pop();
			if (!open) fail(`</${n}> closes nothing`, at);
			else if (open.name !== n) fail(`</${n}> closes <${open.name}> of line ${open.line}`, at);
		}
		else {
			const at = i;
			i++;
			const el: XmlElement = { name: name(), attributes: {}, children: [], text: "", line: position(at)[0] };
			if (root && !stack.length) fail("a second root element", at);
			const parent = stack[stack.length - 1];
			if (parent) parent.children.push(el);
			else root = el;
			for (;;) {
				const before = i;
				skipSpace();
				if (source.startsWith("/>", i)) { i += 2; break; }
				if (source.startsWith(">", i)) { i++; stack.push(el); break; }
				if (i === before) fail(`expected whitespace, ">" or "/>" in <${el.name}>`);
				const attr = name();
				skipSpace();
				expect("=");
				skipSpace();
				const q = source.charAt(i);
				if (q !== "\"" && q !== "'") fail("an attribute value in quotes");
				const close = source.indexOf(q, i + 1);
				if (close < 0) fail("an unclosed attribute value");
				const raw = source.slice(i + 1, close);
				if (raw.includes("<")) fail("\"<\" in an attribute value", i);
				if (attr in el.attributes) fail(`attribute ${attr} given twice`, i);
				el.attributes[attr] = decode(raw, i + 1);
				i = close + 1;
			}
		}
	}
	if (stack.length) fail(`<${stack[stack.length - 1]!.name}> of line ${stack[stack.length - 1]!.line} is never closed`);
	if (!root) return fail("no root element");
	return root;
}
