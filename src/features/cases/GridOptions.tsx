/** <option>s for a list of grids; grouped by town when they span several towns. */
import type { OrgView } from '../../app/services.ts';
import type { Grid } from '../../domain/org.ts';
import { gridLabel, townLabel } from './lookup.ts';

export function GridOptions({ grids, org }: { grids: Grid[]; org: OrgView }) {
  const towns = new Map<string, Grid[]>();
  for (const g of grids) {
    const list = towns.get(g.townId) ?? [];
    list.push(g);
    towns.set(g.townId, list);
  }
  const option = (g: Grid) => (
    <option key={g.id} value={g.id}>
      {gridLabel(org, g.id)}
    </option>
  );
  if (towns.size <= 1) return <>{grids.map(option)}</>;
  return (
    <>
      {[...towns].map(([townId, list]) => (
        <optgroup key={townId} label={townLabel(org, townId)}>
          {list.map(option)}
        </optgroup>
      ))}
    </>
  );
}
