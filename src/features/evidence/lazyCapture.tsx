/**
 * PhotoCapture and VoiceRecorder, loaded when a form first shows them (a dynamic import): the compression and
 * recording code stays out of the initial JS (<= 100 KB gzip) and out of the screens that never capture.
 * The service worker precaches the chunk, so it loads offline too.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/capture.zh.ts';
import type { PhotoCaptureProps } from './PhotoCapture.tsx';
import type { VoiceRecorderProps } from './VoiceRecorder.tsx';

interface CaptureModule {
  PhotoCapture: ComponentType<PhotoCaptureProps>;
  VoiceRecorder: ComponentType<VoiceRecorderProps>;
}

let loading: Promise<CaptureModule> | null = null;
const load = (): Promise<CaptureModule> =>
  (loading ??= Promise.all([import('./PhotoCapture.tsx'), import('./VoiceRecorder.tsx')]).then(
    ([a, b]) => ({ PhotoCapture: a.PhotoCapture, VoiceRecorder: b.VoiceRecorder }),
    (e: unknown) => {
      loading = null;
      throw e;
    },
  ));

function useCapture(): CaptureModule | null | 'failed' {
  const [m, setM] = useState<CaptureModule | null | 'failed'>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (x) => live && setM(x),
      () => live && setM('failed'),
    );
    return () => {
      live = false;
    };
  }, []);
  return m;
}

function Placeholder({ failed }: { failed: boolean }) {
  return (
    <p class="hint" role="status">
      {failed ? t('capture.loadFailed') : t('capture.loading')}
    </p>
  );
}

export function LazyPhotoCapture(p: PhotoCaptureProps) {
  const m = useCapture();
  return m && m !== 'failed' ? <m.PhotoCapture {...p} /> : <Placeholder failed={m === 'failed'} />;
}

export function LazyVoiceRecorder(p: VoiceRecorderProps) {
  const m = useCapture();
  return m && m !== 'failed' ? <m.VoiceRecorder {...p} /> : <Placeholder failed={m === 'failed'} />;
}
