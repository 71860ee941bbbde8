// The transport of the DM client: TLS 1.2 (PSK or X.509) through mbedTLS over the host's TCP socket, HTTP/1.1 on it, and the WAP push listener that wakes it.
export { SecureSocket, TLSSession } from "./secure-socket.js";
export type { SecureSocketOptions, SecureOptions, PskCredentials, X509Credentials, TcpConstructor, TcpSocket, TcpOptions, TlsInfo, Bytes } from "./secure-socket.js";
export { PSK_SUITES, X509_SUITES, resumptionPays, suiteNamed } from "./suites.js";
export type { CipherSuite } from "./suites.js";
export { ResponseParser } from "./http/response-parser.js";
export type { ResponseHead, ResponseHandler, ParserLimits } from "./http/response-parser.js";
export { HttpError, HttpErrorKind } from "./http/error.js";
export { requestHead, chunkPrefix, chunkEnd, lastChunk } from "./http/request.js";
export type { RequestHead } from "./http/request.js";
export { basicAuthorization, digestAuthorization, parseDigestChallenge } from "./http/auth.js";
export type { Credentials, DigestChallenge } from "./http/auth.js";
export { HttpConnection } from "./http/connection.js";
export type { ConnectionOptions, Request, RequestBody, ResponseCallbacks, SocketCallbacks, StreamSocket } from "./http/connection.js";
export { Client } from "./http/client.js";
export type { HttpClientOptions, OriginCredentials, Resolver } from "./http/client.js";
export { parseUrl, resolveLocation, type HttpUrl, type Scheme } from "../http/index.js";
export { MAX_PUSH_HEADERS, PushDrop, WAP_PUSH_PORT, WapPushError, WapPushListener, parseWapPush } from "./wap-push.js";
export type { PushCounts, PushSender, UdpConstructor, UdpSocket, WapPushListenerOptions } from "./wap-push.js";
