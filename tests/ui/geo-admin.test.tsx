// Issue 5: the administrator's boundary import/export screen. Export downloads the relay's files; a chosen file is
// checked on the device with the relay's validator and every problem is listed (feature and reason, in Chinese)
// before anything is uploaded; the relay's answer (counts or its problems) is shown; offline, the import says it
// needs the network; after an import the boundaries cached on the device are downloaded again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { setLang } from '../../src/app/i18n.ts';
import { parseHash, routeHref } from '../../src/app/router.ts';
import { GeoAdmin } from '../../src/features/map/GeoAdmin.tsx';
import { loadGeo } from '../../src/features/map/geodata.ts';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, resetLang, settle, waitFor, type Mounted } from './helpers.ts';

type Pos = [number, number];
const square = (x: number, y: number, d = 0.01): Pos[][] => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];
const feature = (gridId: string, villageId: string, coordinates: Pos[][]) => ({ type: 'Feature', properties: { gridId, villageId }, geometry: { type: 'Polygon', coordinates } });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const VALID = fc(feature('g0001', 't01v01', square(122.0, 41.2)), feature('g0002', 't01v01', square(122.02, 41.2)));
const bowtie: Pos[][] = [
  [
    [122.1, 41.2],
    [122.11, 41.21],
    [122.11, 41.2],
    [122.1, 41.21],
    [122.1, 41.2],
  ],
];
const INVALID = fc(feature('g0001', 't01v01', square(122.0, 41.2)), feature('g0002', 't01v01', bowtie), feature('g0001', 't01v02', square(122.04, 41.2)), feature('g0009', 'nowhere', square(122.06, 41.2)));

function admin(opts: { offline?: boolean } = {}): FakeSession {
  const world = new FakeWorld();
  return new FakeSession(world, world.user('admin'), opts.offline ? { status: { connection: 'offline' } } : {});
}

/** Choose a file in the screen's file input, as a user would (fires `change`). */
async function chooseFile(m: Mounted, name: string, content: string): Promise<void> {
  const input = m.root.querySelector<HTMLInputElement>('#geo-file')!;
  const file = new File([content], name, { type: 'application/geo+json' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle(6);
}

const uploadButton = (m: Mounted) => byText(m.root, 'button', '上传并导入') as HTMLButtonElement;

let m: Mounted | null = null;
beforeEach(() => resetLang());
afterEach(() => {
  m?.unmount();
  m = null;
  vi.restoreAllMocks();
});

describe('boundary import/export', () => {
  it('has its own route, #/geo', () => {
    expect(parseHash('#/geo')).toEqual({ name: 'geo' });
    expect(routeHref({ name: 'geo' })).toBe('#/geo');
  });

  it('is for administrators only', async () => {
    const world = new FakeWorld();
    m = await mount(<GeoAdmin session={new FakeSession(world, world.user('town01'))} />);
    expect(m.root.querySelector('[role="alert"]')?.textContent).toContain('只有管理员');
    expect(m.root.querySelector('#geo-file')).toBeNull();
  });

  it('exports each layer as a download, and says when a file is not available', async () => {
    const s = admin();
    s.geoFiles['grids.geojson'] = VALID;
    const created = vi.fn((_b: Blob) => 'blob:grids');
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    m = await mount(<GeoAdmin session={s} />);
    const buttons = Array.from(m.root.querySelectorAll<HTMLButtonElement>('section button')).slice(0, 3);
    expect(buttons.map((b) => b.textContent)).toEqual(['下载网格边界', '下载村（社区）边界', '下载镇（街道）边界']);
    await click(buttons[0]);
    expect(clicks).toEqual(['gridlink-grids.geojson']);
    expect(JSON.parse(await created.mock.calls[0]![0].text())).toEqual(VALID);
    expect(byText(m.root, '[role="status"]', '已下载 grids.geojson')).toBeTruthy();
    await click(buttons[1]);
    expect(clicks).toHaveLength(1);
    expect(m.root.querySelector('[role="alert"]')?.textContent).toContain('无法下载 villages.geojson');
  });

  it('lists every problem of a bad file with its feature and reason, and uploads nothing', async () => {
    const s = admin();
    m = await mount(<GeoAdmin session={s} />);
    await chooseFile(m, 'bad.geojson', JSON.stringify(INVALID));
    const alert = await waitFor(() => byText(m!.root, '[role="alert"]', '问题'), 'the problems alert');
    expect(alert.textContent).toContain('3 个问题');
    const items = Array.from(m.root.querySelectorAll('#geo-local-problems > li'));
    expect(items.map((li) => li.getAttribute('data-code'))).toEqual(['self_intersection', 'duplicate_id', 'unknown_village']);
    // Grids by the names people know them by (issue 11), the reasons in their words, the relay's own in a disclosure.
    expect(items[0]!.textContent).toMatch(/第 2 个网格（\S+ · 第二网格）/);
    expect(items[0]!.textContent).toContain('边界线自相交');
    expect(items[0]!.querySelector('details:not([open]) summary')?.textContent).toBe('技术细节');
    expect(items[1]!.textContent).toMatch(/第 3 个网格（\S+ · 第一网格）/);
    expect(items[1]!.textContent).toContain('网格编号重复');
    expect(items[2]!.textContent).toContain('第 4 个网格（g0009）'); // not a grid of the org: only the file's number
    expect(items[2]!.textContent).toContain('村（社区）编号不存在');
    expect(uploadButton(m).disabled).toBe(true);
    await click(uploadButton(m));
    expect(s.geoPosts).toEqual([]);

    await chooseFile(m, 'junk.geojson', '{not json');
    expect(m.root.querySelector('[role="alert"]')?.textContent).toContain('不是有效的 JSON');
    expect(m.root.querySelector('#geo-local-problems')).toBeNull();
  });

  it('uploads a valid file, shows the counts and downloads the boundaries again', async () => {
    const s = admin();
    s.geoFiles = { 'grids.geojson': fc(), 'villages.geojson': fc(), 'towns.geojson': fc() };
    expect(await loadGeo(s)).toBeNull(); // no boundaries before the import
    m = await mount(<GeoAdmin session={s} />);
    await chooseFile(m, 'grids.geojson', JSON.stringify(VALID));
    await waitFor(() => byText(m!.root, '[role="status"]', '本机检查通过：2 个网格'), 'the check passing');
    expect(m.root.textContent).toContain('2 个网格不在文件里'); // g0003, g0004 of the org
    s.geoPostAnswer = { status: 200, body: { ok: true, grids: 2, withoutGeometry: ['g0003', 'g0004'] } };
    // The relay now serves the new boundaries.
    s.geoFiles = { 'grids.geojson': VALID, 'villages.geojson': fc(), 'towns.geojson': fc() };
    await click(uploadButton(m));
    expect(s.geoPosts).toEqual([{ file: 'grids', body: JSON.stringify(VALID) }]);
    await waitFor(() => byText(m!.root, '[role="status"]', '导入成功：已更新 2 个网格边界'), 'the success');
    await waitFor(() => byText(m!.root, '[role="status"]', '本机地图边界已更新'), 'the refresh');
    const geo = await loadGeo(s);
    expect(geo?.grids.features.map((f) => f.properties.gridId)).toEqual(['g0001', 'g0002']);
  });

  it("shows the relay's problems when it refuses the file", async () => {
    const s = admin();
    m = await mount(<GeoAdmin session={s} />);
    await chooseFile(m, 'grids.geojson', JSON.stringify(VALID));
    s.geoPostAnswer = {
      status: 400,
      body: { error: 'invalid_geometry', problems: [{ code: 'overlap', feature: 0, gridId: 'g0001', otherGridId: 'g0002', message: 'feature 0 (g0001) overlaps feature 1 (g0002)' }] },
    };
    await click(uploadButton(m));
    await waitFor(() => byText(m!.root, '[role="alert"]', '服务器拒绝了该文件（1 个问题）'), 'the refusal');
    const li = m.root.querySelector('#geo-relay-problems > li')!;
    expect(li.textContent).toMatch(/第 1 个网格（\S+ · 第一网格）/);
    expect(li.textContent).toContain('与另一网格重叠');
    expect(li.textContent).toMatch(/另一网格：\S+ · 第二网格/);
    s.geoPostAnswer = { status: 403, body: { error: 'forbidden' } };
    await click(uploadButton(m));
    await waitFor(() => byText(m!.root, '[role="alert"]', '只有管理员可以导入'), 'forbidden');
  });

  it('says the import needs the network: offline, and when the relay cannot be reached', async () => {
    const s = admin({ offline: true });
    m = await mount(<GeoAdmin session={s} />);
    expect(m.root.textContent).toContain('导入需要联网');
    await chooseFile(m, 'grids.geojson', JSON.stringify(VALID));
    await waitFor(() => byText(m!.root, '[role="status"]', '本机检查通过'), 'the check passing offline');
    expect(uploadButton(m).disabled).toBe(true);
    expect(uploadButton(m).getAttribute('aria-describedby')).toBe('geo-offline');
    m.unmount();

    const online = admin();
    online.geoPostAnswer = null; // the network fails under us
    m = await mount(<GeoAdmin session={online} />);
    await chooseFile(m, 'grids.geojson', JSON.stringify(VALID));
    await click(uploadButton(m));
    await waitFor(() => byText(m!.root, '[role="alert"]', '无法连接服务器，导入需要联网'), 'the network error');
  });

  it('names the problems in English too', async () => {
    await setLang('en');
    m = await mount(<GeoAdmin session={admin()} />);
    await chooseFile(m, 'bad.geojson', JSON.stringify(INVALID));
    const items = await waitFor(() => {
      const li = Array.from(m!.root.querySelectorAll('#geo-local-problems > li'));
      return li.length ? li : null;
    }, 'the problems');
    expect(items[0]!.textContent).toMatch(/Grid 2 \(\S+ · 第二网格\): The boundary line crosses itself/);
    expect(items[2]!.textContent).toContain('Unknown village id');
    expect(m.root.querySelector('[role="alert"]')?.textContent).toContain('found 3 problems');
  });

  it('says whether a basemap is installed, and how to install one (issue 11)', async () => {
    const s = admin();
    s.geoFiles['grids.geojson'] = VALID;
    s.geoFiles['villages.geojson'] = fc();
    s.geoFiles['towns.geojson'] = { ...fc(), basemap: false };
    m = await mount(<GeoAdmin session={s} />);
    await waitFor(() => byText(m!.root, 'p', '没有安装底图'), 'no basemap');
    const how = byText(m.root, 'details', '如何安装或更换底图') as HTMLDetailsElement;
    expect(how.open).toBe(true);
    expect(how.textContent).toContain('basemap.pmtiles');
    m.unmount();
    const t2 = admin();
    t2.geoFiles['grids.geojson'] = VALID;
    t2.geoFiles['villages.geojson'] = fc();
    t2.geoFiles['towns.geojson'] = { ...fc(), basemap: true };
    m = await mount(<GeoAdmin session={t2} />);
    await waitFor(() => byText(m!.root, 'p', '已安装底图'), 'a basemap');
    expect(m.root.textContent).not.toContain('没有安装底图');
  });
});
