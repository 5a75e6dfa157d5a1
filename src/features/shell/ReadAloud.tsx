/**
 * Issue 14: read-aloud buttons.
 *
 *  - `<ReadAloud text=… />`: a 朗读 button (a speaker icon) that says `text` (src/app/speech.ts) and turns into 停止 while it
 *    speaks; it renders nothing where the device cannot say the text. For any screen or lesson step.
 *  - `<ScreenReadAloud />`: the button next to every screen's title (App.tsx puts it in ScreenTitle's head through
 *    readAloudSlot.tsx, which loads this module after the first bundle). It says
 *    the current screen's main instruction (`voice.i.<id>`, `instructionId`), and shows in 长辈版, on the resident
 *    app and on the signed-out screens (sign-in, sign-up); staff in the standard app switch 长辈版 on to get it.
 */
import { useEffect } from 'preact/hooks';
import { elderMode } from '../../app/display.ts';
import { t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/voice.zh.ts';
import { route, type Route } from '../../app/router.ts';
import { canSpeak, speak, speaking, stopSpeaking } from '../../app/speech.ts';
import type { Role } from '../../domain/org.ts';
import { Icon } from '../../ui/icons.tsx';
import { screenRole } from './readAloudSlot.tsx';

export { screenRole } from './readAloudSlot.tsx';

const STAFF_SCREENS = ['cases', 'case', 'report', 'board', 'work', 'tasks', 'village', 'stats', 'map', 'people', 'party', 'geo', 'storage', 'me', 'invites', 'inbox', 'apikeys', 'notFound'] as const;
const RESIDENT_SCREENS: Partial<Record<Route['name'], string>> = {
  home: 'residentHome',
  cases: 'residentHome',
  report: 'residentReport',
  case: 'residentCase',
  nearby: 'nearby',
  me: 'me',
  inbox: 'inbox',
  notFound: 'notFound',
};

/** The id of a screen's main instruction (message `voice.i.<id>`, clip public/voice/<id>.opus). */
export function instructionId(name: Route['name'], role: Role | null): string {
  if (role === null) return name === 'signup' ? 'signup' : 'login';
  if (role === 'resident') return RESIDENT_SCREENS[name] ?? 'default';
  return (STAFF_SCREENS as readonly string[]).includes(name) ? name : 'default';
}

export function ReadAloud({ text, label }: { text: string; label?: string }) {
  // A screen that goes away stops its instruction.
  useEffect(() => () => stopSpeaking(), []);
  if (!canSpeak(text)) return null;
  const on = speaking.value;
  return (
    <button
      type="button"
      class="btn read-aloud"
      aria-label={on ? t('voice.stop') : (label ?? t('voice.readLabel'))}
      onClick={() => (on ? stopSpeaking() : void speak(text))}
    >
      <Icon name={on ? 'stop' : 'speaker'} />
      {on ? t('voice.stop') : t('voice.read')}
    </button>
  );
}

export function ScreenReadAloud() {
  const role = screenRole.value;
  if (!(elderMode.value !== 'off' || role === null || role === 'resident')) return null;
  const key = `voice.i.${instructionId(route.value.name, role)}` as MessageKey;
  return <ReadAloud text={t(key)} />;
}
