import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { route, startRouter } from '../../src/app/router.ts';
import { matchCategories } from '../../src/features/report/CategoryPicker.tsx';
import { ReportForm, validateReport } from '../../src/features/report/ReportForm.tsx';
import { FakeSession, FakeWorld, orgView } from './fake-services.ts';
import { byText, choose, click, mount, mustFind, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';

describe('report form', () => {
  let m: Mounted | undefined;
  let stop: (() => void) | undefined;
  beforeEach(async () => {
    await resetLang();
    location.hash = '#/report';
    stop = startRouter();
  });
  afterEach(() => {
    m?.unmount();
    stop?.();
  });

  it('validates before calling report(): every problem named, first field focused', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    m = await mount(<ReportForm session={session} />);
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports).toHaveLength(0);
    const alert = mustFind(m.root, 'form [role="alert"]');
    expect(alert.textContent).toContain('请选择类别。');
    expect(alert.textContent).toContain('请填写问题描述。');
    expect(alert.textContent).not.toContain('纬度');
    expect(document.activeElement?.id).toBe('r-category-search');
    expect(mustFind(m.root, '#r-description').getAttribute('aria-invalid')).toBe('true');
    // Errors follow the input once corrected.
    await type(mustFind(m.root, '#r-description'), '道路塌陷');
    expect(mustFind(m.root, 'form [role="alert"]').textContent).not.toContain('请填写问题描述。');
    await type(mustFind(m.root, '#r-lat'), '123');
    expect(mustFind(m.root, 'form [role="alert"]').textContent).toContain('纬度应为 -90 到 90 之间的数字。');
  });

  it('reports with the worker’s own grid and the grid centre as location, then opens the case', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    m = await mount(<ReportForm session={session} />);
    expect(m.root.querySelector('#r-grid')).toBeNull();
    expect(mustFind(m.root, '.grid-auto').textContent).toBe('网格：太平村 · 第一网格');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lat').value).toBe('41.2034');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lng').value).toBe('122.0512');

    await type(mustFind(m.root, '#r-category-search'), 'road');
    const radios = Array.from(m.root.querySelectorAll<HTMLInputElement>('input[type="radio"]'));
    expect(radios.map((r) => r.value)).toEqual(['0102']);
    await click(radios[0]!);
    expect(mustFind(m.root, '#r-category-chosen').textContent).toContain('0102 城乡建设 / 道路损坏');
    await type(mustFind(m.root, '#r-description'), '  村口道路塌陷约两米  ');
    await type(mustFind(m.root, '#r-address'), '太平村村口');
    await submit(mustFind(m.root, 'form'));

    expect(session.calls.reports).toEqual([
      { category: '0102', description: '村口道路塌陷约两米', location: { lat: 41.2034, lng: 122.0512 }, gridId: 'g0001', address: '太平村村口' },
    ]);
    const caseId = world.events.at(-1)!.caseId;
    await waitFor(() => route.value.name === 'case', 'navigation to the case');
    expect(route.value).toEqual({ name: 'case', id: caseId });
    expect(session.status.value.unsaved).toBe(1);
  });

  it('offers a grid select to a town center and shows decide() errors by code', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('town01'));
    m = await mount(<ReportForm session={session} />);
    const options = Array.from(mustFind(m.root, '#r-grid').querySelectorAll('option')).map((o) => o.value);
    expect(options).toEqual(['', 'g0001', 'g0002', 'g0003']);
    await choose(mustFind(m.root, '#r-grid'), 'g0003');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lat').value).toBe('41.1912');
    await type(mustFind(m.root, '#r-category-search'), '0301');
    await click(m.root.querySelector('input[value="0301"]'));
    await type(mustFind(m.root, '#r-description'), '邻里纠纷');
    session.failNext = { ok: false, error: 'out_of_scope' };
    await submit(mustFind(m.root, 'form'));
    expect(session.calls.reports).toHaveLength(1);
    await waitFor(() => byText(m!.root, '[role="alert"]', '上报失败：超出您的管辖范围'), 'error message');
    expect(route.value.name).toBe('report');
  });

  it('uses GPS when asked and falls back to manual entry when denied', async () => {
    const world = new FakeWorld();
    const session = new FakeSession(world, world.user('w0001'));
    let mode: 'ok' | 'deny' = 'deny';
    Object.defineProperty(navigator, 'geolocation', {
      configurable: true,
      value: {
        getCurrentPosition(ok: PositionCallback, fail: PositionErrorCallback) {
          if (mode === 'ok') ok({ coords: { latitude: 41.123456789, longitude: 122.987654321, accuracy: 12.4 } } as GeolocationPosition);
          else fail({ code: 1, message: 'denied' } as GeolocationPositionError);
        },
      },
    });
    m = await mount(<ReportForm session={session} />);
    await click(byText(m.root, 'button', '使用当前位置'));
    expect(mustFind(m.root, '.gps-status').textContent).toBe('未获准使用定位，请手动填写经纬度。');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lat').value).toBe('41.2034');
    mode = 'ok';
    await click(byText(m.root, 'button', '使用当前位置'));
    expect(mustFind(m.root, '.gps-status').textContent).toBe('已定位（误差约 12 米）');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lat').value).toBe('41.123457');
    expect(mustFind<HTMLInputElement>(m.root, '#r-lng').value).toBe('122.987654');
  });

  it('searches categories by Chinese, English and code', () => {
    const org = orgView();
    const codes = (q: string) => matchCategories(org, q).flatMap((g) => g.subs.map((s) => s.code));
    expect(codes('')).toHaveLength(5);
    expect(codes('养老')).toEqual(['0201']);
    expect(codes('SOCIAL')).toEqual(['0201', '0202']);
    expect(codes('01')).toEqual(['0101', '0102']);
    expect(codes('0102')).toEqual(['0102']);
    expect(codes('xyz')).toEqual([]);
  });

  it('validateReport accepts a comma decimal and drops an empty address', () => {
    const r = validateReport({ category: '0101', description: ' x ', lat: '41,5', lng: '122', gridId: 'g0001', address: '  ' }, () => true);
    expect(r.errors).toEqual({});
    expect(r.input).toEqual({ category: '0101', description: 'x', location: { lat: 41.5, lng: 122 }, gridId: 'g0001' });
  });
});
