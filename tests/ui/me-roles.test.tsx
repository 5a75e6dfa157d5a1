// Issue 15: 我的身份 on #/me: a village secretary who is also a grid worker sees both roles with their places, the one
// in use marked, switches with one tap, is asked the password on a shared PC, and is told in words when a switch
// cannot be made.
import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoleChoice } from '../../src/domain/accounts.ts';
import type { AuthService, Session } from '../../src/app/services.ts';
import { Me } from '../../src/features/me/Me.tsx';
import { FakeSession, FakeWorld } from './fake-services.ts';
import { byText, click, mount, resetLang, submit, type, waitFor, type Mounted } from './helpers.ts';

const world = new FakeWorld();
const me = world.org.data.users.find((u) => u.role === 'secretary')!;
const roles: RoleChoice[] = [
  { id: me.id, role: 'secretary', townId: 't01', villageId: 't01v01' },
  { id: `${me.id}.worker`, role: 'worker', townId: 't01', villageId: 't01v01', gridId: 'g0002' },
];

let m: Mounted | null = null;
beforeEach(async () => {
  await resetLang();
});
afterEach(() => {
  m?.unmount();
  m = null;
});

function setup(answers: Array<Awaited<ReturnType<NonNullable<AuthService['switchRole']>>>>) {
  const session = new FakeSession(world, me);
  (session as { roles?: unknown }).roles = signal(roles);
  const calls: Array<{ userId: string; password: string | undefined }> = [];
  const switched: Session[] = [];
  const switchRole: NonNullable<AuthService['switchRole']> = async (_from, userId, password) => {
    calls.push({ userId, password });
    return answers.shift() ?? { ok: false, error: 'network' };
  };
  return { session, calls, switched, switchRole };
}

describe('我的身份', () => {
  it('lists the roles with their places and switches to the other one', async () => {
    const other = new FakeSession(world, { ...me, id: `${me.id}.worker`, role: 'worker', gridId: 'g0002' });
    const s = setup([{ ok: true, session: other }]);
    m = await mount(<Me session={s.session} onLogout={() => {}} switchRole={s.switchRole} onSwitched={(x) => s.switched.push(x)} />);
    const section = await waitFor(() => byText(m!.root, 'section', '我的身份'), 'the roles');
    expect(section.textContent).toContain('村书记 · 太平村');
    expect(section.textContent).toContain('网格员 · 第二网格');
    expect(section.textContent).toContain('正在使用');
    // The role in use has no switch button.
    expect(byText(section, 'button', '切换为村书记')).toBeUndefined();
    await click(byText(section, 'button', '切换为网格员'));
    await waitFor(() => s.switched.length === 1, 'switched');
    expect(s.calls).toEqual([{ userId: `${me.id}.worker`, password: undefined }]);
    expect(s.switched[0]!.user.role).toBe('worker');
  });

  it('asks the password on a shared PC, and says why a switch failed', async () => {
    const s = setup([{ ok: false, error: 'need_password' }, { ok: false, error: 'bad_password' }, { ok: false, error: 'network' }]);
    m = await mount(<Me session={s.session} onLogout={() => {}} switchRole={s.switchRole} onSwitched={(x) => s.switched.push(x)} />);
    const section = await waitFor(() => byText(m!.root, 'section', '我的身份'), 'the roles');
    await click(byText(section, 'button', '切换为网格员'));
    const field = await waitFor(() => section.querySelector<HTMLInputElement>('#me-role-password'), 'the password field');
    await type(field, 'wrong-one');
    await submit(field.form);
    await waitFor(() => section.textContent?.includes('密码不对'), 'bad password said');
    expect(s.calls[1]).toEqual({ userId: `${me.id}.worker`, password: 'wrong-one' });
    await click(byText(section, 'button', '切换为网格员'));
    await waitFor(() => section.textContent?.includes('第一次切换到这个身份需要联网'), 'offline said');
    expect(s.switched).toEqual([]);
  });

  it('is not shown to a person with one role', async () => {
    const session = new FakeSession(world, me);
    m = await mount(<Me session={session} onLogout={() => {}} switchRole={async () => ({ ok: false, error: 'network' })} onSwitched={() => {}} />);
    await waitFor(() => byText(m!.root, 'h1', '我的账号'), 'the account screen');
    expect(byText(m.root, 'section', '我的身份')).toBeUndefined();
  });
});
