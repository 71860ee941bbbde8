// dm/bootstrap: the four bootstraps (8): factory (a document applied at first start), smartcard
// (8.1, Appendix G, under the device's card policy), client-initiated (8.3) and server-initiated
// (8.4); applying a dmmo+json bootstrap as the device in one commit; the BootstrapComplete sessions
// each bootstrap leaves owed.
export { applyBootstrap, bootstrapWriter, placedAccounts, type BootstrapTarget, type BootstrapWriter } from "./writer.js";
export { isOwed, markOwed, owedAccounts, settleOwed } from "./owed.js";
export { clientBootstrap, type ClientBootstrapContext } from "./client-initiated.js";
export { serverBootstrap, type ServerBootstrapSteps } from "./server-initiated.js";
export { CARD_RECORD_KEY, CardUnreadable, bootstrapFromCard, cardRecord, type CardBootstrapSource, type CardOutcome } from "./card.js";
export { CARD_POLICIES, cardAtStart, cardChannel, type CardChannel, type CardPolicy, type CardReader, type CardStart } from "./card-policy.js";
