// Issue 14: in 长辈版 nothing pops up unasked or leaves on a timer: the one-time "works offline" note is not shown
// (the update prompt, which needs the user's action, still is).
import { afterEach, describe, expect, it } from 'vitest';
import { initElderMode, setElderMode } from '../../src/app/display.ts';
import { pwaState } from '../../src/app/pwa.ts';
import { UpdatePrompt } from '../../src/features/shell/UpdatePrompt.tsx';
import { mount, settle, type Mounted } from './helpers.ts';

describe('长辈版 is calm', () => {
  let m: Mounted | undefined;
  afterEach(() => {
    m?.unmount();
    pwaState.value = { needRefresh: false, offlineReady: false };
    localStorage.clear();
    initElderMode();
  });

  it('shows no offline note in 长辈版, and still asks to refresh for a new version', async () => {
    pwaState.value = { needRefresh: false, offlineReady: true };
    m = await mount(<UpdatePrompt offlineNote />);
    expect(m.root.querySelector('.toast')?.textContent).toContain('离线');
    setElderMode('on');
    await settle();
    expect(m.root.querySelector('.toast')).toBeNull();
    pwaState.value = { needRefresh: true, offlineReady: true };
    await settle();
    expect(m.root.querySelector('.toast')?.textContent).toContain('新版本');
  });
});
