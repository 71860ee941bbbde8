// dm/session: the package flow of a DM session, the alert queue, backoff between failed sessions,
// and the HTTP contract the transport implements for it.
export { AlertQueue, type AlertDestination, type QueueLimits, type QueuedAlert } from "./alerts.js";
export { Backoff, type BackoffPolicy } from "./backoff.js";
export { TransportError, TransportFailure, type BodyWriter, type HttpClient, type HttpMethod, type HttpRequest, type HttpResponse } from "./http.js";
export { chooseConnection, connectionName, type ConnectionChoice, type Network } from "./connection.js";
export { PackageMime } from "./mime.js";
export { ReportInbox } from "./reports.js";
export { DmSession, runSession, supportedMos, type Bearer, type SessionEvent, type SessionOptions, type SessionOutcome, type Trigger } from "./session.js";
