/**
 * Gridlink's additions to the y-websocket protocol, shared by the relay and the app.
 *
 * Standard y-websocket messages (sync = 0, awareness = 1, auth = 2, query awareness = 3) are unchanged.
 * Our own message types, encoded like theirs (lib0 varUint type, then payload):
 *  - ACK (100), relay -> client: varUint8Array state vector. "Everything in this state vector of this doc is
 *    committed to the relay's store." Sent after every durable write of the client's own update, and once right
 *    after the relay's sync step 1, so a client knows which of its changes are not yet saved on the server.
 *  - REFUSED (101), relay -> client: varString code, varString detail. The client's last update was refused
 *    whole and not applied (forged actor, invalid event, write to a read-only doc, missing dependencies).
 *    The connection stays open; the client recovers by rebuilding its doc from the relay and re-appending
 *    its own valid events (see sync/engine.ts).
 *
 * Close codes: 1009 message too large; 4400 malformed message. Refusals at upgrade are HTTP 401 / 403 / 404.
 */
export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;
export const MSG_ACK = 100;
export const MSG_REFUSED = 101;

export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_MALFORMED = 4400;

/** Default cap on one websocket message (bytes); the relay's MAX_MESSAGE_BYTES overrides it. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Name of the Y.Array holding a cases doc's events. */
export const EVENTS_ARRAY = 'events';
