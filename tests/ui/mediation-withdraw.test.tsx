// Issue 17: 撤销登记 on the dispute screen. The opener and the town center are offered it while the dispute is open
// (a mediator who did not open it is not); the reason is checked at the field, then a confirm step; the withdrawal
// is one dispute_withdrawn, and the list's ended tab shows 已撤销 with the reason.
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/app/services.ts';
import { formatHlc } from '../../src/domain/hlc.ts';
import { newId } from '../../src/domain/ids.ts';
import { MediationScreen } from '../../src/features/mediation/MediationScreen.tsx';
import { NOW, recordsSession } from './fake-services.ts';
import { byText, click, mount, mustFind, settle, submit, type, type Mounted } from './helpers.ts';

const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const D1 = newId(NOW - 3_600_000, rnd);
const opened = () => ({
  id: D1,
  type: 'dispute_opened',
  actor: 'w0001',
  at: formatHlc({ ms: NOW - 3_600_000, counter: 0, node: 'ui' }),
  data: { disputeId: D1, gridId: 'g0001', type: 'neighbour', mediators: ['w0001'] },
});

function sessionOf(who: string, docs: Record<string, unknown[]>): Session {
  return recordsSession(who, docs) as unknown as Session;
}

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

describe('撤销登记 (issue 17)', () => {
  it('the opener: reason checked at the field, a confirm step, one dispute_withdrawn; the list shows 已撤销 with the reason', async () => {
    const docs: Record<string, unknown[]> = { 'mediation.t01': [opened()] };
    const session = sessionOf('w0001', docs);
    m = await mount(<MediationScreen session={session} dispute={D1} />);
    await click(byText(m.root, 'button', '撤销这条登记'));
    await submit(mustFind(m.root, '.md-wd form'));
    expect(mustFind(m.root, '#md-wd-reason-error').textContent).toBe('请写撤销原因。');
    expect(mustFind(m.root, '#md-wd-reason').getAttribute('aria-invalid')).toBe('true');
    expect(m.root.querySelector('.md-wd-confirm')).toBeNull();
    await type(mustFind(m.root, '#md-wd-reason'), '重复登记');
    await submit(mustFind(m.root, '.md-wd form'));
    expect(mustFind(m.root, '.md-wd-confirm').textContent).toContain('撤销后不能恢复');
    expect(docs['mediation.t01'], 'nothing written before the confirm').toHaveLength(1);
    await click(byText(m.root, 'button', '确定撤销'));
    await settle();
    expect(docs['mediation.t01']).toHaveLength(2);
    expect(docs['mediation.t01']![1]).toMatchObject({ type: 'dispute_withdrawn', actor: 'w0001', data: { disputeId: D1, reason: '重复登记' } });
    expect(m.root.textContent).toContain('已撤销');
    expect(m.root.textContent).toContain('原因：重复登记');
    expect(byText(m.root, 'button', '撤销这条登记'), 'no second withdrawal').toBeUndefined();
    expect(byText(m.root, 'button', '记录调解结果'), 'no outcome on a withdrawn dispute').toBeUndefined();
    m.unmount();
    m = await mount(<MediationScreen session={session} />);
    await click(byText(m.root, 'button', /已结束/));
    const card = mustFind(m.root, '#md-panel .md-card');
    expect(card.textContent).toContain('已撤销');
    expect(card.textContent).toContain('原因：重复登记');
  });

  it('the town center is offered it; a mediator who did not open it is not', async () => {
    m = await mount(<MediationScreen session={sessionOf('town01', { 'mediation.t01': [opened()] })} dispute={D1} />);
    expect(byText(m.root, 'button', '撤销这条登记')).toBeDefined();
    m.unmount();
    const other = { ...opened(), actor: 'town01', data: { ...opened().data, mediators: ['w0001'] } };
    m = await mount(<MediationScreen session={sessionOf('w0001', { 'mediation.t01': [other] })} dispute={D1} />);
    await settle();
    expect(byText(m.root, 'button', '记录调解结果'), 'a mediator records outcomes').toBeDefined();
    expect(byText(m.root, 'button', '撤销这条登记')).toBeUndefined();
  });
});
