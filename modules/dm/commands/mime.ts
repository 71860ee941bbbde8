// Which media type a body to the data repository goes in (5.5): application/dmmo+json always
// (the format section 7 mandates), and a single leaf's own MIME (its DFType, text/plain by
// default, application/octet-stream for bin) when one leaf is all that is sent (Appendix F, I.1).
// The server's OMADM-Accept, written like HTTP Accept, decides among them in its own order of
// preference; without one, dmmo+json.
import { isLeaf, type Tree } from "../tree/index.js";
import type { NodeRef } from "../uri/index.js";
import { pattern } from "../../bytes/index.js";

const MEDIA_PART = pattern(/^[\w.+*-]+$/);	// type and subtype of a media range, either side of its /
const Q_DECIMALS = pattern(/^[0-9]{0,3}$/);	// a qvalue's digits after its point (RFC 9110 12.4.2)

export const DMMO = "application/dmmo+json";

/** What this client can send for the selected nodes, dmmo+json first. */
export function offers(tree: Tree, refs: readonly NodeRef[]): string[] {
	if (refs.length !== 1) return [DMMO];
	const def = tree.exposed(refs[0]!.moid, refs[0]!.path);
	if (!def || !isLeaf(def) || def.format === "null") return [DMMO];
	return [DMMO, (def.mime ?? (def.format === "bin" ? "application/octet-stream" : "text/plain")).toLowerCase()];
}

interface Range { type: string; q: number; order: number }

function ranges(accept: string): Range[] {
	const out: Range[] = [];
	accept.split(",").forEach((part, order) => {
		const [type, ...params] = part.split(";").map((p) => p.trim());
		const slash = type?.indexOf("/") ?? -1;
		if (!type || slash < 0 || !MEDIA_PART.test(type.slice(0, slash)) || !MEDIA_PART.test(type.slice(slash + 1))) return;
		let q = 1;
		for (const p of params) {
			const value = qValue(p);
			if (value !== undefined) q = Number(value);
		}
		out.push({ type: type.toLowerCase(), q, order });
	});
	return out.sort((a, b) => b.q - a.q || a.order - b.order);
}

function matches(range: string, type: string): boolean {
	if (range === "*/*" || range === type) return true;
	return range.endsWith("/*") && type.startsWith(range.slice(0, -1));
}

/** The offer the server prefers among those it accepts; undefined when it accepts none of them. */
export function choose(accept: string | undefined, available: readonly string[]): string | undefined {
	if (accept === undefined || accept.trim() === "") return available[0];
	for (const r of ranges(accept)) {
		if (r.q <= 0) continue;
		const hit = available.find((t) => matches(r.type, t) && !ranges(accept).some((x) => x.q <= 0 && x.type === t));
		if (hit) return hit;
	}
	return undefined;
}

/** The weight of a `q=0.5` parameter (q without case, spaces around =), as written; undefined for
    any other parameter or a malformed weight. */
export function qValue(param: string): string | undefined {
	const eq = param.indexOf("=");
	if (eq < 1 || (param.charAt(0) !== "q" && param.charAt(0) !== "Q") || param.slice(1, eq).trim() !== "") return undefined;
	const value = param.slice(eq + 1).trimStart();
	const whole = value.charAt(0);
	if (whole !== "0" && whole !== "1") return undefined;
	if (value.length === 1) return value;
	return value.charAt(1) === "." && Q_DECIMALS.test(value.slice(2)) ? value : undefined;
}
