/**
 * Text with foreign literals marked: file formats, file names and settings an administrator must type exactly
 * (GeoJSON, basemap.pmtiles, DATA_DIR) keep their Latin spelling inside Chinese sentences. Each is wrapped in
 * `<span lang="en">` so screen readers pronounce it in English and translators leave it alone.
 */
import type { JSX } from 'preact';

/** Technical names that have no Chinese equivalent, as they appear in messages. */
export const LITERALS = ['basemap.pmtiles', 'DATA_DIR', 'GeoJSON', 'PMTiles', 'GIS', 'Excel', 'CSV'];

export function Foreign({ text, terms = LITERALS }: { text: string; terms?: readonly string[] }): JSX.Element {
  const escaped = terms.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = text.split(new RegExp(`(${escaped.join('|')})`, 'g'));
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <span key={i} lang="en">
            {p}
          </span>
        ) : (
          p
        ),
      )}
    </>
  );
}

/**
 * Text whose Latin runs are all literals (ids such as t01 or g0001, usernames, file names and extensions such as
 * .xlsx): each run is wrapped as `Foreign` does, without a list of terms.
 */
export function Literal({ text }: { text: string }): JSX.Element {
  const parts = text.split(/([A-Za-z0-9._-]*[A-Za-z][A-Za-z0-9._-]*)/g);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <span key={i} lang="en">
            {p}
          </span>
        ) : (
          p
        ),
      )}
    </>
  );
}
