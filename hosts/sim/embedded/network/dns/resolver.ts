// embedded:network/dns/resolver on xsdm: host names to IPv4 addresses, shaped as the ECMA-419 DNS
// resolver the Moddable SDK offers (resolve({ host, onResolved(host, address), onError(host, error) })),
// so module code that is handed this class runs unchanged on the device.
// Here the lookup is getaddrinfo (hosts/sim/src/dns.c), which BLOCKS the event loop while it runs;
// the answer is still delivered asynchronously, as on the device. Only IPv4 ("a.b.c.d") comes back.

export interface ResolveOptions {
	host: string;
	onResolved: (host: string, address: string) => void;
	onError?: (host: string, error: Error) => void;
}

const lookup = native("xs_dns_lookup");

export default class Resolver {
	constructor(_options: object = {}) {
		Object.freeze(this);
	}

	resolve(options: ResolveOptions): void {
		const { host, onResolved, onError } = options;
		if (typeof host !== "string" || typeof onResolved !== "function") throw new TypeError("resolve({ host, onResolved, onError? })");
		let address: string | undefined, failure: Error | undefined;
		try {
			address = lookup(host);
			if (address === undefined) failure = new Error(`no IPv4 address for host "${host}"`);
		}
		catch (e) {
			failure = e instanceof Error ? e : new Error(String(e));
		}
		Promise.resolve().then(() => {
			if (address !== undefined) onResolved(host, address);
			else onError?.(host, failure!);
		});
	}
}
Object.freeze(Resolver.prototype);
