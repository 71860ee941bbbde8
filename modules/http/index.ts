// http: the contract between the DM core and the transport that carries its exchanges (types and
// the one error class); no implementation. Imports nothing.
export { TransportError, TransportFailure, type BodyWriter, type HttpClient, type HttpMethod, type HttpRequest, type HttpResponse } from "./contract.js";
