// DM 1.3 DDF XML → the TypeScript module of a frozen MO schema (6.4). The elements 6.4 marks
// Mandatory or Optional are read; those it marks Ignored (RTProperties and below, Description,
// DFTitle, Man, Mod, Path) are skipped; any other element is an error, as is a DDF that says
// something the schema cannot hold. Every error names the line of the element at fault.
import { defineSchema, type Format, type Occurrence, type SchemaNodeSource, ACCESS_NAMES, Access, FORMATS } from "../../modules/dm/tree/schema.js";
import { validText } from "../../modules/dm/tree/format.js";
import { parseXml, type XmlElement } from "./xml.js";

export class DdfError extends Error {
	constructor(file: string, line: number, message: string) {
		super(`${file}:${line}: ${message}`);
		this.name = "DdfError";
	}
}

const OCCURRENCES: readonly Occurrence[] = ["One", "ZeroOrOne", "ZeroOrMore", "OneOrMore", "ZeroOrN", "OneOrN"];

export interface CompiledMo { constName: string; moid: string; source: SchemaNodeSource; text: string }

/** `schemaModule`: how the generated file imports modules/dm/tree/index.js (relative to where it is written). */
export function compileDdf(xml: string, file: string, constName: string, schemaModule = "../../tree/index.js"): CompiledMo {
	let doc: XmlElement;
	try {
		doc = parseXml(xml);
	} catch (e) {
		const err = e as { line?: number; message: string };
		throw new DdfError(file, err.line ?? 1, `not well-formed XML: ${err.message}`);
	}
	const fail = (el: XmlElement, message: string): never => { throw new DdfError(file, el.line, message); };
	const only = (el: XmlElement, allowed: readonly string[]): void => {
		for (const c of el.children) if (!allowed.includes(c.name)) fail(c, `<${c.name}> is not allowed in <${el.name}> (allowed: ${allowed.join(", ")})`);
	};
	const one = (el: XmlElement, name: string, required: boolean): XmlElement | undefined => {
		const found = el.children.filter((c) => c.name === name);
		if (found.length > 1) fail(found[1]!, `<${name}> given twice in <${el.name}>`);
		if (required && !found.length) fail(el, `<${el.name}> needs a <${name}>`);
		return found[0];
	};
	const empty = (el: XmlElement): void => {
		if (el.children.length || el.text.trim()) fail(el, `<${el.name}> is an empty element`);
	};
	const choice = <T extends string>(el: XmlElement, options: readonly T[]): XmlElement & { name: T } => {
		if (el.text.trim()) fail(el, `<${el.name}> holds one of ${options.join(", ")}, not text`);
		if (el.children.length !== 1) fail(el, `<${el.name}> holds exactly one of ${options.join(", ")}`);
		const c = el.children[0]!;
		if (!options.includes(c.name as T)) fail(c, `<${c.name}> is not one of ${options.join(", ")}`);
		return c as XmlElement & { name: T };
	};

	if (doc.name !== "MgmtTree") fail(doc, `the root element is <${doc.name}>, a DDF's is <MgmtTree>`);
	only(doc, ["VerDTD", "Man", "Mod", "Node"]);
	const ver = one(doc, "VerDTD", true)!;
	if (!/^1\.[0-9]$/.test(ver.text.trim())) fail(ver, `VerDTD ${JSON.stringify(ver.text.trim())} is not a DM 1.x DDF version`);
	const tops = doc.children.filter((c) => c.name === "Node");
	if (tops.length !== 1) fail(doc, `a DDF here describes one MO: ${tops.length} top-level <Node>s`);

	let moid: string | undefined;
	const node = (el: XmlElement, depth: number): SchemaNodeSource => {
		only(el, ["NodeName", "Path", "Value", "RTProperties", "DFProperties", "Node"]);
		const nameEl = one(el, "NodeName", true)!;
		if (nameEl.children.length) fail(nameEl, "<NodeName> holds text");
		const rawName = nameEl.text.trim();
		const unnamed = rawName === "" || /^<[^<>]+>$/.test(rawName) || /^\[[^[\]]+\]$/.test(rawName);
		if (!unnamed && !/^[A-Za-z0-9\-._~]+$/.test(rawName)) fail(nameEl, `node name ${JSON.stringify(rawName)} is not 1*unreserved (6.3.1)`);
		const name = rawName === "" ? "<x>" : rawName;

		const props = one(el, "DFProperties", true)!;
		only(props, ["AccessType", "DefaultValue", "Description", "DFFormat", "Occurrence", "Scope", "DFTitle", "DFType", "CaseSense"]);
		const accessEl = one(props, "AccessType", true)!;
		only(accessEl, ACCESS_NAMES);
		let access = 0;
		for (const a of accessEl.children) {
			empty(a);
			const bit = Access[a.name as keyof typeof Access];
			if (access & bit) fail(a, `<${a.name}> given twice`);
			access |= bit;
		}
		const format = choice(one(props, "DFFormat", true)!, FORMATS).name as Format;
		const out: SchemaNodeSource = { name, format, access };
		if (unnamed) out.unnamed = true;
		const occEl = one(props, "Occurrence", false);
		if (occEl) {
			const o = choice(occEl, OCCURRENCES);
			out.occurrence = o.name;
			if (o.name === "ZeroOrN" || o.name === "OneOrN") {
				if (!/^[1-9][0-9]{0,5}$/.test(o.text.trim())) fail(o, `<${o.name}> holds N, a positive integer`);
				out.n = Number(o.text.trim());
			}
			else empty(o);
		}
		const scopeEl = one(props, "Scope", false);
		if (scopeEl) {
			const s = choice(scopeEl, ["Permanent", "Dynamic"] as const);
			empty(s);
			if (s.name === "Permanent") out.permanent = true;
		}
		const caseEl = one(props, "CaseSense", false);
		if (caseEl) {
			const c = choice(caseEl, ["CS", "CIS"] as const);
			empty(c);
			out.caseSense = c.name === "CS";	// explicit either way: it is inherited below (6.4)
		}
		const typeEl = one(props, "DFType", false);
		if (typeEl) {
			const t = choice(typeEl, ["MIME", "DDFName"] as const);
			const v = t.text.trim();
			if (t.name === "DDFName") {
				if (format !== "node") fail(t, "<DDFName> belongs to an interior node; a leaf has a <MIME>");
				if (depth === 0) moid = v;
				else if (v) fail(t, "a DDFName below the root would root another MO: describe it in its own DDF");
			}
			else {
				if (format === "node") fail(t, "an interior node has a <DDFName>, not a <MIME>");
				if (!/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/.test(v)) fail(t, `MIME ${JSON.stringify(v)} is not type/subtype`);
				out.mime = v;
			}
		}
		const defEl = one(props, "DefaultValue", false) ?? one(el, "Value", false);
		if (defEl) {
			if (defEl.children.length) fail(defEl, `<${defEl.name}> holds text`);
			if (format === "node" || format === "null") fail(defEl, `a ${format} node has no value`);
			if (!validText(format, defEl.text)) fail(defEl, `default ${JSON.stringify(defEl.text)} is not a ${format} value`);
			out.defaultValue = defEl.text;
		}
		const kids = el.children.filter((c) => c.name === "Node");
		if (kids.length) {
			if (format !== "node") fail(kids[0]!, `a ${format} leaf cannot have child nodes`);
			out.children = kids.map((k) => node(k, depth + 1));
			const names = new Set<string>();
			let unnamedCount = 0;
			kids.forEach((k, i) => {
				const c = out.children![i]!;
				if (c.unnamed && ++unnamedCount > 1) fail(k, "a second unnamed child: at most one x-node per interior node");
				if (!c.unnamed && names.has(c.name)) fail(k, `a second child named ${c.name}`);
				names.add(c.name);
			});
		}
		return out;
	};

	const rootEl = tops[0]!;
	const source = node(rootEl, 0);
	if (source.format !== "node") fail(rootEl, "the root of an MO is an interior node");
	if (!moid) return fail(rootEl, "the root node needs <DFType><DDFName>MOID</DDFName></DFType>");
	if (!/^[A-Za-z0-9\-._~:]+$/.test(moid)) fail(rootEl, `MOID ${JSON.stringify(moid)} has characters a ClientURI cannot carry`);
	try {
		defineSchema(moid, source);
	} catch (e) {
		fail(rootEl, (e as Error).message);
	}
	return { constName, moid, source, text: emit(constName, moid, source, file, schemaModule) };
}

function emitNode(n: SchemaNodeSource, indent: string): string {
	const parts = [`name: ${JSON.stringify(n.name)}`];
	if (n.unnamed) parts.push("unnamed: true");
	parts.push(`format: ${JSON.stringify(n.format)}`, `access: ${n.access}`);
	if (n.occurrence) parts.push(`occurrence: ${JSON.stringify(n.occurrence)}`);
	if (n.n !== undefined) parts.push(`n: ${n.n}`);
	if (n.permanent) parts.push("permanent: true");
	if (n.caseSense !== undefined) parts.push(`caseSense: ${n.caseSense}`);
	if (n.mime !== undefined) parts.push(`mime: ${JSON.stringify(n.mime)}`);
	if (n.defaultValue !== undefined) parts.push(`defaultValue: ${JSON.stringify(n.defaultValue)}`);
	if (n.children && n.children.length) {
		const inner = indent + "\t";
		parts.push(`children: [\n${n.children.map((c) => inner + "\t" + emitNode(c, inner + "\t")).join(",\n")},\n${inner}]`);
	}
	const oneLine = `{ ${parts.join(", ")} }`;
	return n.children && n.children.length ? `{\n${indent}\t${parts.join(`,\n${indent}\t`)},\n${indent}}` : oneLine;
}

function emit(constName: string, moid: string, source: SchemaNodeSource, file: string, schemaModule: string): string {
	return `// Generated by tools/ddf from ${file}: do not edit. Regenerate with \`npm run ddf\`.
// Access bits: Add 1, Copy 2, Delete 4, Exec 8, Get 16, Replace 32 (0: not exposed to servers).
import { defineSchema } from "${schemaModule}";

export const ${constName} = defineSchema(${JSON.stringify(moid)}, ${emitNode(source, "")});
`;
}
