/**
 * Which package each byte of a built chunk comes from, read from its source map: every mapping segment owns the
 * generated text up to the next segment on its line. Bytes without a mapping are counted as `(unmapped)`.
 */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

interface RawMap {
  sources: string[];
  mappings: string;
}

/** Decode one line of VLQ mappings: [generatedColumn, sourceIndex?] per segment (absolute values). */
function* segments(mappings: string): Generator<{ line: number; col: number; source: number | null }> {
  let line = 0;
  let source = 0;
  let i = 0;
  let col = 0;
  while (i < mappings.length) {
    const c = mappings[i]!;
    if (c === ';') {
      line++;
      col = 0;
      i++;
      continue;
    }
    if (c === ',') {
      i++;
      continue;
    }
    const fields: number[] = [];
    while (i < mappings.length && mappings[i] !== ',' && mappings[i] !== ';') {
      let value = 0;
      let shift = 0;
      let cont = true;
      while (cont) {
        const digit = B64_INDEX.get(mappings[i++]!);
        if (digit === undefined) throw new Error('bad source map');
        cont = (digit & 32) !== 0;
        value += (digit & 31) << shift;
        shift += 5;
      }
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    }
    col += fields[0]!;
    if (fields.length >= 4) {
      source += fields[1]!;
      yield { line, col, source };
    } else {
      yield { line, col, source: null };
    }
  }
}

/** `node_modules/@scope/name/...` -> `@scope/name`; app sources -> `app`. */
export function packageOf(source: string): string {
  const parts = source.replace(/\\/g, '/').split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0 && at + 1 < parts.length) {
    const first = parts[at + 1]!;
    return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
  }
  if (source.includes('\0') || source.startsWith('vite/') || source.includes('preload-helper') || source.startsWith('\x00')) return '(vite runtime)';
  return 'app';
}

/** Bytes (UTF-8) of `code` per package. */
export function bytesByPackage(code: string, mapJson: string): Map<string, number> {
  const map = JSON.parse(mapJson) as RawMap;
  const lines = code.split('\n');
  const out = new Map<string, number>();
  const add = (pkg: string, text: string) => out.set(pkg, (out.get(pkg) ?? 0) + Buffer.byteLength(text));
  const byLine = new Map<number, Array<{ col: number; source: number | null }>>();
  for (const s of segments(map.mappings)) {
    let list = byLine.get(s.line);
    if (!list) byLine.set(s.line, (list = []));
    list.push({ col: s.col, source: s.source });
  }
  lines.forEach((text, line) => {
    const segs = (byLine.get(line) ?? []).sort((a, b) => a.col - b.col);
    if (!segs.length) return add('(unmapped)', text);
    if (segs[0]!.col > 0) add('(unmapped)', text.slice(0, segs[0]!.col));
    segs.forEach((s, k) => {
      const end = k + 1 < segs.length ? segs[k + 1]!.col : text.length;
      const src = s.source === null ? null : map.sources[s.source];
      add(src ? packageOf(src) : '(unmapped)', text.slice(s.col, end));
    });
  });
  return out;
}
