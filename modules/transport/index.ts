// The transport of the DM client: TLS 1.2 (PSK) through mbedTLS over the host's TCP socket.
export { SecureSocket, TLSSession } from "./secure-socket.js";
export type { SecureSocketOptions, SecureOptions, PskCredentials, TcpConstructor, TcpSocket, TcpOptions, TlsInfo, Bytes } from "./secure-socket.js";
export { PSK_SUITES, X509_SUITES, suiteNamed } from "./suites.js";
export type { CipherSuite } from "./suites.js";
