/**
 * Split a Yjs (v1) update into several smaller updates that, applied in order (or in any order: Yjs keeps structs
 * whose dependencies have not arrived yet as pending), give exactly the same doc as the whole update.
 *
 * Why: a 2,000-case town doc is about 1.8 MB of update (about 0.5 MB compressed). Sent as one websocket message on a
 * 2G link (70 kbps) it takes about a minute to arrive, longer than y-websocket's fixed 30 s "no message received"
 * watchdog, so the client closed the socket and reconnected forever without ever syncing (bench figure 5 hung).
 * The relay sends a big catch-up as slices of at most `maxBytes` instead, each a complete message that resets
 * the watchdog. The same slices keep each y-indexeddb row of a compacted doc small, so opening a doc can apply
 * them one at a time and yield to the main thread between them.
 *
 * Only struct boundaries and positions inside `ContentAny` items (the events arrays) are cut; the delete set is
 * carried by one last slice. An update holding Skip structs (a merged update with gaps) is returned whole.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

interface Piece {
  struct: Y.Item | Y.GC;
  /** Range [from, to) of the struct's length. */
  from: number;
  to: number;
}

export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
  if (update.length <= maxBytes) return [update];
  const { structs, ds } = Y.decodeUpdate(update);
  if (structs.some((s) => !(s instanceof Y.Item) && !(s instanceof Y.GC))) return [update];
  // Slices are cut by the encoded size of what they carry: each value of a ContentAny item weighs its JSON, any
  // other struct its length (a docs' events and receipts differ fivefold in size: an average would overflow).
  const slices: Piece[][] = [];
  let current: Piece[] = [];
  let room = maxBytes - 64;
  for (const s of structs as Array<Y.Item | Y.GC>) {
    const values = s instanceof Y.Item && isAny(s.content) ? s.content.arr : null;
    let from = 0;
    while (from < s.length) {
      let take = 0;
      if (values) {
        do room -= jsonBytes(values[from + take]) + 4;
        while (++take < s.length - from && room - jsonBytes(values[from + take]) - 4 > 0);
      } else {
        take = s.length;
        room -= s.length + 16;
      }
      current.push({ struct: s, from, to: from + take });
      from += take;
      if (room <= 0) {
        slices.push(current);
        current = [];
        room = maxBytes - 64;
      }
    }
  }
  if (current.length) slices.push(current);
  const out = slices.map(encodeSlice);
  // The delete set alone (no structs): the diff against the update's own state vector.
  if (ds.clients.size > 0) out.push(Y.diffUpdate(update, Y.encodeStateVectorFromUpdate(update)));
  return out;
}

/** The UTF-8 size of a value's JSON (what lib0 writes for strings; close enough for its other encodings). */
function jsonBytes(v: unknown): number {
  const json = JSON.stringify(v);
  if (json === undefined) return 1;
  let n = json.length;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

function isAny(c: Y.Item['content']): c is Y.ContentAny {
  return c instanceof Y.ContentAny;
}

function encodeSlice(pieces: Piece[]): Uint8Array {
  const enc = new Y.UpdateEncoderV1();
  // Consecutive pieces of one client form a group: count, client, first clock, structs.
  const groups: Piece[][] = [];
  for (const p of pieces) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (prev && prev.struct.id.client === p.struct.id.client && prev.struct.id.clock + prev.to === p.struct.id.clock + p.from) last!.push(p);
    else groups.push([p]);
  }
  encoding.writeVarUint(enc.restEncoder, groups.length);
  for (const g of groups) {
    const first = g[0]!;
    encoding.writeVarUint(enc.restEncoder, g.length);
    enc.writeClient(first.struct.id.client);
    encoding.writeVarUint(enc.restEncoder, first.struct.id.clock + first.from);
    for (const p of g) writePiece(enc, p);
  }
  // Empty delete set.
  encoding.writeVarUint(enc.restEncoder, 0);
  return enc.toUint8Array();
}

function writePiece(enc: Y.UpdateEncoderV1, p: Piece): void {
  const s = p.struct;
  if (p.to === s.length || !(s instanceof Y.Item) || !isAny(s.content)) {
    s.write(enc, p.from);
    return;
  }
  // Cut the end: write a copy of the content that stops at `to` (the start is cut by write's offset).
  const content = s.content;
  s.content = new Y.ContentAny(content.arr.slice(0, p.to));
  try {
    s.write(enc, p.from);
  } finally {
    s.content = content;
  }
}
