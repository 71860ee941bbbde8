// The dm-server console page: plain DOM, no framework, no build step. Every value a device sent
// is hostile: it only ever reaches the page as textContent (el() below), never as HTML.
"use strict";

const SESSION_ALERTS = {
	"urn:oma:at:dm:2.0:ServerInitiatedMgmt": "ServerInitiatedMgmt",
	"urn:oma:at:dm:2.0:ClientInitiatedMgmt": "ClientInitiatedMgmt",
	"urn:oma:at:dm:2.0:BootstrapComplete": "BootstrapComplete",
};
const OUTCOME_TEXT = { ended: "ended (END)", violation: "failed: protocol violation", cut: "failed: the device went away before END", "in progress": "in progress" };

let selected = new URLSearchParams(location.search).get("device");
let refreshing = false, again = false;

/** An element with text (never parsed as HTML) and children. */
function el(tag, attrs, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (k === "class") e.className = v;
		else if (k.startsWith("data-")) e.dataset[k.slice(5).replace(/-(.)/g, (_, c) => c.toUpperCase())] = String(v);
		else if (k === "title") e.title = String(v);
		else if (k === "open") e.open = Boolean(v);
	}
	for (const c of children) if (c !== undefined && c !== null) e.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
	return e;
}

function ago(ms) {
	const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
	return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function time(ms) {
	return new Date(ms).toLocaleTimeString();
}

async function getJson(url) {
	const r = await fetch(url, { cache: "no-store" });
	if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
	return r.json();
}

async function post(url, body) {
	const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
	const answer = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
	if (!r.ok) throw new Error(answer.error || `HTTP ${r.status}`);
	return answer;
}

function renderDevices(devices) {
	const body = document.querySelector("#devices tbody");
	body.replaceChildren(...devices.sort((a, b) => b.lastSeen - a.lastSeen).map((d) => {
		const last = d.lastSession;
		const row = el("tr", { "data-dev-id": d.devId, class: d.devId === selected ? "selected" : "" },
			el("td", { class: "uri" }, d.devId),
			el("td", {}, ...d.accounts.map((a) => el("div", { class: "uri" }, a.srvId ? `${a.srvId} @ ${a.endpoint}` : a.endpoint))),
			el("td", {}, d.firmware ?? "—"),
			el("td", {}, last ? el("span", { class: `outcome-${last.outcome.replace(" ", "-")}`, "data-outcome": last.outcome }, `#${last.index + 1} ${SESSION_ALERTS[last.trigger] ?? last.trigger}: ${OUTCOME_TEXT[last.outcome]}`) : "—"),
			el("td", {}, d.online ? el("span", { class: "online" }, "in session") : ago(d.lastSeen)));
		row.addEventListener("click", () => select(d.devId));
		return row;
	}));
	document.getElementById("no-devices").hidden = devices.length > 0;
}

function renderTree(nodes) {
	// grouped by MO instance: MOID/instance
	const groups = new Map();
	for (const n of nodes) {
		const slash = n.uri.indexOf("/");
		const rest = n.uri.slice(slash + 1);
		const instance = rest.split("/")[0];
		const key = `${n.uri.slice(0, slash)}/${instance}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push({ ...n, path: rest.slice(instance.length) || "/" });
	}
	document.getElementById("tree").replaceChildren(...[...groups].map(([key, list]) =>
		el("details", { class: "mo", open: true },
			el("summary", { class: "uri" }, key),
			el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Node"), el("th", {}, "Format"), el("th", {}, "Value"))),
				el("tbody", {}, ...list.filter((n) => n.path !== "/").map((n) => el("tr", { "data-uri": n.uri },
					el("td", { class: "uri" }, n.path),
					el("td", {}, n.format),
					n.hidden ? el("td", { class: "hidden-value" }, "(secret: never shown)") : el("td", { class: "value" }, n.format === "node" ? "" : n.value))))))));
}

function describeCommand(c) {
	return c.join(" ");
}

function renderTimeline(sessions) {
	document.getElementById("timeline").replaceChildren(...sessions.slice().reverse().map((s) => {
		const r = s.record;
		const packages = [];
		let p2 = 0;
		for (const received of r.received) {
			if (received.kind === "package1") {
				packages.push(el("div", { class: "package" }, `Package#1: ${(received.body.Alert || []).map((a) => SESSION_ALERTS[a.AlertType] ?? `alert ${a.AlertType}`).join(", ")}`));
			} else {
				const commands = r.sent[p2 - 1] || [];
				packages.push(el("div", { class: "package" }, `Package#3: ${received.body.Status.map((st, i) => `${commands[i] ? commands[i][0] : "?"} ${st.sc}`).join(", ")}${(received.body.Alert || []).length ? `; ${received.body.Alert.length} alert(s)` : ""}`));
			}
			if (r.sent[p2]) { packages.push(el("div", { class: "package" }, `Package#2: ${r.sent[p2].map(describeCommand).join(", ")}`)); p2++; }
		}
		for (const v of r.violations) packages.push(el("div", { class: "package outcome-violation" }, `violation: ${v}`));
		const took = s.endedAt !== undefined ? ` in ${s.endedAt - s.startedAt} ms` : "";
		return el("li", { "data-session": s.index, "data-outcome": s.outcome },
			el("details", {},
				el("summary", {}, `#${s.index + 1} ${time(s.startedAt)} ${SESSION_ALERTS[s.trigger] ?? s.trigger} `,
					el("span", { class: `outcome-${s.outcome.replace(" ", "-")}` }, OUTCOME_TEXT[s.outcome] + took)),
				el("div", { class: "uri" }, s.endpoint),
				...packages,
				el("pre", {}, JSON.stringify(r, null, 1))));
	}));
}

function renderFeed(alerts, reports) {
	const items = [
		...alerts.map((a) => ({ at: a.at, node: el("li", { "data-kind": "alert" }, `${time(a.at)} Generic Alert in session #${a.session + 1}: `, el("span", { class: "value" }, JSON.stringify(a.alert))) })),
		...reports.map((r) => ({ at: r.at, node: el("li", { "data-kind": "report" }, `${time(r.at)} SUB report (${r.method}, ${r.contentType ?? "untyped"}): `, el("span", { class: "value" }, r.body + (r.truncated ? " …" : ""))) })),
	].sort((a, b) => b.at - a.at);
	document.getElementById("feed").replaceChildren(...items.map((i) => i.node));
}

function renderActions(actions) {
	document.querySelector("#actions tbody").replaceChildren(...actions.slice().reverse().map((a) => el("tr", { "data-action": a.id, "data-state": a.state },
		el("td", {}, a.id),
		el("td", { class: "uri" }, describeCommand(a.command)),
		el("td", {}, a.state === "answered" ? `status ${a.status} (session #${a.session + 1})` : a.state === "sent" ? `sent in session #${a.session + 1}` : a.state === "cut" ? `session #${a.session + 1} cut: no status` : "queued"))));
}

async function refresh() {
	if (refreshing) { again = true; return; }
	refreshing = true;
	try {
		do {
			again = false;
			renderDevices(await getJson("/api/devices"));
			const pane = document.getElementById("device-pane");
			if (selected) {
				const d = await getJson(`/api/devices/${encodeURIComponent(selected)}`).catch(() => undefined);
				pane.hidden = !d;
				if (d) {
					document.getElementById("device-id").textContent = selected;
					renderTree(d.tree);
					renderTimeline(d.sessions);
					renderFeed(d.alerts, d.reports);
					renderActions(d.actions);
					const port = document.getElementById("notify-port");
					if (!port.value && d.notifyPort) port.value = d.notifyPort;
				}
			} else pane.hidden = true;
			document.body.dataset.rendered = String(Date.now());
		} while (again);
	} finally {
		refreshing = false;
	}
}

function select(devId) {
	selected = devId;
	history.replaceState(null, "", `?device=${encodeURIComponent(devId)}`);
	document.getElementById("notify-port").value = "";
	document.getElementById("action-error").textContent = "";
	void refresh();
}

function showFields() {
	const kind = document.getElementById("action-kind").value;
	document.getElementById("action-value").hidden = kind !== "HGET";
	document.getElementById("action-server-uri").hidden = kind !== "EXEC";
}

document.addEventListener("DOMContentLoaded", () => {
	document.getElementById("action-kind").addEventListener("change", showFields);
	document.getElementById("action-form").addEventListener("submit", async (e) => {
		e.preventDefault();
		const error = document.getElementById("action-error");
		error.textContent = "";
		const kind = document.getElementById("action-kind").value;
		const body = { kind, clientUri: document.getElementById("action-uri").value };
		if (kind === "HGET") body.value = document.getElementById("action-value").value;
		if (kind === "EXEC") body.serverUri = document.getElementById("action-server-uri").value;
		try {
			await post(`/api/devices/${encodeURIComponent(selected)}/actions`, body);
			document.getElementById("action-uri").value = "";
		} catch (x) {
			error.textContent = `Refused: ${x.message}`;
		}
		void refresh();
	});
	document.getElementById("notify-form").addEventListener("submit", async (e) => {
		e.preventDefault();
		const out = document.getElementById("notify-result");
		try {
			const r = await post(`/api/devices/${encodeURIComponent(selected)}/notify`, { port: Number(document.getElementById("notify-port").value) });
			out.textContent = `Package#0 sent (NOTIFICATION-ID ${r.notificationId}) to UDP ${r.port}`;
		} catch (x) {
			out.textContent = `Not sent: ${x.message}`;
		}
	});
	showFields();
	const live = document.getElementById("live");
	const events = new EventSource("/events");
	events.onopen = () => { live.dataset.state = "live"; live.textContent = "live"; void refresh(); };
	events.onerror = () => { live.dataset.state = "lost"; live.textContent = "connection lost: retrying"; };
	events.onmessage = () => void refresh();
	void refresh();
});
