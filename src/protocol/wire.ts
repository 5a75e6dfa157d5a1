/**
 * Gridlink's additions to the y-websocket protocol, shared by the relay and the app.
 *
 * src/protocol/ is the layer both ends import: this wire format, the slicing of big updates (chunks.ts) and how
 * a doc's content is read (caseindex.ts: the events of a cases doc; orgdoc.ts: the org doc). It imports only
 * src/domain, yjs, lib0 and y-protocols (eslint.config.js enforces it), so the relay never loads the app's sync
 * layer and the app never loads the relay.
 *
 * Standard y-websocket messages (sync = 0, awareness = 1, auth = 2, query awareness = 3) are unchanged.
 * Our own message types, encoded like theirs (lib0 varUint type, then payload):
 *  - ACK (100), relay -> client: varUint8Array state vector. "Everything in this state vector of this doc is
 *    committed to the relay's store." Sent after every durable write of the client's own update, and once right
 *    after the relay's sync step 1, so a client knows which of its changes are not yet saved on the server.
 *  - REFUSED (101), relay -> client: varString code, varString detail. The client's last update was refused
 *    whole and not applied (forged actor, invalid event, write to a read-only doc, missing dependencies).
 *    The connection stays open; the client recovers by rebuilding its doc from the relay and re-appending
 *    its own valid events (see src/sync/rescue.ts).
 *
 * Close codes: 1009 message too large; 4400 malformed message; 4401 the token expired while the socket was open
 * (the app renews its token and reconnects: y-websocket's default would stop for good on a 44xx, src/sync/websocket.ts
 * retries this one); 4429 repeated abuse (oversized or too frequent awareness: y-websocket stops retrying); 4500 the
 * client reads too slowly (its unsent data passed the relay's limit or did not drain in time: reconnect and resync).
 * Refusals at upgrade are HTTP 401 / 403 / 404 / 503.
 *
 * Multiplexing (one socket per device and user, all of its docs; a town center holds about 90): the relay also
 * accepts `/sync?token=<jwt>` with no doc name. Every frame on such a socket starts with a varUint channel id.
 * Channel 0 carries control messages; any other channel carries the messages above, unchanged, for one doc.
 *  - client -> relay: MUX_OPEN (varUint channel, varString docName); MUX_CLOSE (varUint channel).
 *    Channel ids are chosen by the client, never reused on one socket.
 *  - relay -> client: MUX_OPENED (varUint channel) before the doc's sync step 1; MUX_REJECTED (varUint channel,
 *    varUint http status 403 / 404 / 429 / 503, varString code) instead of opening; MUX_CLOSED (varUint channel,
 *    varUint close code, varString reason) when the relay ends one doc's channel (4400 malformed, 4429 abuse,
 *    1011 internal).
 * Authentication (401) and the message size limit (1009) apply to the socket as a whole.
 */
import * as encoding from 'lib0/encoding';

export const MSG_SYNC = 0;
export const MSG_AWARENESS = 1;
export const MSG_AUTH = 2;
export const MSG_QUERY_AWARENESS = 3;
export const MSG_ACK = 100;
export const MSG_REFUSED = 101;

export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_MALFORMED = 4400;
/** The socket's token expired: renew it, then reconnect (unsaved work stays on the device and is sent then). */
export const CLOSE_TOKEN_EXPIRED = 4401;
/** Repeated over-limit messages (oversized or too frequent awareness) from this connection. */
export const CLOSE_ABUSE = 4429;
/** The client did not read what the relay sent it fast enough; it may reconnect and resync. */
export const CLOSE_SLOW_READER = 4500;

/** Default cap on one websocket message (bytes); the relay's MAX_MESSAGE_BYTES overrides it. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** Name of the Y.Array holding a cases doc's events. */
export const EVENTS_ARRAY = 'events';
/** The relay-written array of receipts next to `events` in every cases doc (src/domain/receipts.ts). */
export const RECEIPTS_ARRAY = 'receipts';

export const MUX_CONTROL = 0;
export const MUX_OPEN = 0;
export const MUX_CLOSE = 1;
export const MUX_OPENED = 0;
export const MUX_REJECTED = 1;
export const MUX_CLOSED = 2;
/** Most docs one multiplexed socket may hold open at once (a town center holds about 90). */
export const MUX_MAX_CHANNELS = 1024;

/** A control frame of a multiplexed socket: channel 0, the op, the channel it is about, then each field (numbers as varUint, strings as varString). */
export function muxControl(op: number, channel: number, ...fields: Array<number | string>): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MUX_CONTROL);
  encoding.writeVarUint(enc, op);
  encoding.writeVarUint(enc, channel);
  for (const f of fields) {
    if (typeof f === 'number') encoding.writeVarUint(enc, f);
    else encoding.writeVarString(enc, f);
  }
  return encoding.toUint8Array(enc);
}

/** A doc's message on its channel of a multiplexed socket. */
export function muxFrame(channel: number, msg: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, channel);
  encoding.writeUint8Array(enc, msg);
  return encoding.toUint8Array(enc);
}
