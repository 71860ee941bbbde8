// The cipher suites of section 9.2.2 (DM-SEC-009, DM-SEC-011), by IANA name and number. All are
// TLS 1.2 suites (interpretation 8). The order is the client's preference: AEAD first, then the
// forward-secret key exchanges.

export interface CipherSuite {
	readonly name: string;
	readonly id: number;
}

function suite(name: string, id: number): CipherSuite {
	return Object.freeze({ name, id });
}

/** The seven PSK suites of 9.2.2, offered in this order unless the caller narrows them. */
export const PSK_SUITES: readonly CipherSuite[] = Object.freeze([
	suite("TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", 0x00aa),
	suite("TLS_PSK_WITH_AES_128_GCM_SHA256", 0x00a8),
	suite("TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", 0x00ac),
	suite("TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", 0xc037),
	suite("TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", 0x00b2),
	suite("TLS_PSK_WITH_AES_128_CBC_SHA256", 0x00ae),
	suite("TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", 0x00b6),
]);

/** The six X.509 suites of 9.2.2. */
export const X509_SUITES: readonly CipherSuite[] = Object.freeze([
	suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 0xc02b),
	suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009e),
	suite("TLS_RSA_WITH_AES_128_GCM_SHA256", 0x009c),
	suite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 0xc023),
	suite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x0067),
	suite("TLS_RSA_WITH_AES_128_CBC_SHA256", 0x003c),
]);

/** The suite of a list with this IANA name; a RangeError names the ones allowed. */
export function suiteNamed(name: string, among: readonly CipherSuite[]): CipherSuite {
	for (const s of among) if (s.name === name) return s;
	throw new RangeError(`cipher suite ${name} is not one of section 9.2.2's: ${among.map((s) => s.name).join(", ")}`);
}

/** Whether resuming a session with this suite (IANA or mbedTLS spelling) saves more than the ticket
    costs: a plain PSK handshake is two hashes and no key exchange, so a resumed one sends more
    bytes (the ticket, ~200 bytes each way) for a few percent of CPU (bench tls, the table of
    handshakes). Every other suite of 9.2.2 exchanges keys (DHE, ECDHE, RSA) or checks a certificate. */
export function resumptionPays(suite: string): boolean {
	// TLS-PSK-WITH- or TLS_PSK_WITH_, either separator at each place (the IANA and mbedTLS spellings)
	const separator = (at: number): boolean => suite.charAt(at) === "-" || suite.charAt(at) === "_";
	return !(suite.startsWith("TLS") && separator(3) && suite.startsWith("PSK", 4) && separator(7) && suite.startsWith("WITH", 8) && separator(12));
}
