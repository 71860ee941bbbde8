// http: the contract between the DM core and the transport that carries its exchanges (types and
// the one error class), and the absolute http(s) URLs both sides reason about (which origin a
// request goes to decides which credentials it may carry). No IO. Imports nothing.
export { TransportError, TransportFailure, type BodyWriter, type HttpClient, type HttpMethod, type HttpRequest, type HttpResponse } from "./contract.js";
export { authorityEnd, httpAuthorityEnd, isHttps, parseUrl, schemeOf, resolveLocation, type HttpUrl, type Scheme } from "./url.js";
