/**
 * Length-prefixed frames in a byte stream: each frame is lib0's `writeVarUint8Array` (a varuint length, then the
 * bytes). The body of GET /api/docs/<name> (server/firststate.ts) is the doc's state as such frames, one Yjs update
 * each; `readFrames` yields each frame as soon as its last byte has arrived, whatever the chunks' boundaries.
 */

/** The varuint at `at` and where its frame's bytes start, or null when the buffer ends inside it. */
function readLength(buf: Uint8Array, at: number): { length: number; start: number } | null {
  let length = 0;
  let mult = 1;
  for (let i = at; i < buf.length; i++) {
    const b = buf[i]!;
    length += (b & 0x7f) * mult;
    if (b < 0x80) return { length, start: i + 1 };
    mult *= 128;
    if (mult > 2 ** 35) throw new Error('frame: bad length');
  }
  return null;
}

/** The frames of a byte stream, in order; throws on a frame longer than `maxFrame` or a stream that ends inside one. */
export async function* readFrames(chunks: AsyncIterable<Uint8Array>, maxFrame: number): AsyncGenerator<Uint8Array> {
  // Chunks are joined only once a frame is complete (on 2G a 64 kB frame comes in about 45 chunks).
  let parts: Uint8Array[] = [];
  let size = 0;
  let need = 1;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
    if (size < need) continue;
    const buf = parts.length === 1 ? parts[0]! : join(parts, size);
    let at = 0;
    for (;;) {
      const head = readLength(buf, at);
      if (!head) {
        need = buf.length - at + 1;
        break;
      }
      if (head.length > maxFrame) throw new Error('frame: too long');
      if (head.start + head.length > buf.length) {
        need = head.start + head.length - at;
        break;
      }
      yield buf.slice(head.start, head.start + head.length);
      at = head.start + head.length;
    }
    parts = at < buf.length ? [buf.subarray(at)] : [];
    size = buf.length - at;
  }
  if (size > 0) throw new Error('frame: the stream ended inside a frame');
}

function join(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
