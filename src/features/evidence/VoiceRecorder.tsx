/**
 * A voice note on the report form: MediaRecorder (Opus in WebM at ~24 kbps where the browser has it, AAC in MP4 on
 * Safari), up to MAX_VOICE_SECONDS (its `maxSeconds` prop) with a visible countdown and an automatic stop, played back before submit,
 * removable. The clip is checked (src/domain/blobs.ts), hashed and kept on this device (session.evidence.keep,
 * offline too) before the form gets its VoiceRef. Where the browser cannot record (no MediaRecorder or
 * getUserMedia) or the microphone is refused, a message says to describe it in words instead.
 *
 * Contract: `onChange(ref)` after a clip is kept, `onChange(undefined)` when it is removed; `onBusy(true)` while
 * recording or saving (the form does not submit half a recording).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../app/i18n.ts';
import '../../app/locales/capture.zh.ts';
import type { Session } from '../../app/services.ts';
import type { VoiceRef } from '../../domain/evidence.ts';
import { capturedBlob } from './compress.ts';
import './capture.css';

export interface VoiceRecorderProps {
  session: Session;
  id: string;
  /** MAX_VOICE_SECONDS of src/domain/events.ts, passed by the form (see PhotoCaptureProps.max). */
  maxSeconds: number;
  onChange(voice: VoiceRef | undefined): void;
  onBusy?(busy: boolean): void;
}

/** The formats asked for, best first: Opus in WebM (Chromium, Firefox), AAC in MP4 (Safari), Opus in Ogg. */
const MIME_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus'];
const BITS_PER_SECOND = 24_000;

type State =
  | { kind: 'idle' }
  | { kind: 'recording'; left: number }
  | { kind: 'saving' }
  | { kind: 'done'; url: string; seconds: number }
  | { kind: 'unsupported' }
  | { kind: 'message'; key: MessageKey };

export function recorderSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

function pickMime(): string | undefined {
  const can = (m: string) => {
    try {
      return MediaRecorder.isTypeSupported(m);
    } catch {
      return false;
    }
  };
  return MIME_TYPES.find(can);
}

export function VoiceRecorder(p: VoiceRecorderProps) {
  const [state, setState] = useState<State>(() => (recorderSupported() ? { kind: 'idle' } : { kind: 'unsupported' }));
  const rec = useRef<{ recorder: MediaRecorder; stream: MediaStream; timer: ReturnType<typeof setInterval>; startMs: number } | null>(null);
  const urlRef = useRef<string | null>(null);
  const mounted = useRef(true);

  const stopTracks = () => {
    const r = rec.current;
    if (!r) return;
    clearInterval(r.timer);
    for (const track of r.stream.getTracks()) track.stop();
  };

  useEffect(
    () => () => {
      mounted.current = false;
      const r = rec.current;
      if (r && r.recorder.state !== 'inactive') r.recorder.stop();
      stopTracks();
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    },
    [],
  );

  const busy = state.kind === 'recording' || state.kind === 'saving';
  useEffect(() => p.onBusy?.(busy), [busy]);

  const start = async () => {
    if (!p.session.evidence) return;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (mounted.current) setState({ kind: 'message', key: name === 'NotAllowedError' || name === 'SecurityError' ? 'capture.micDenied' : 'capture.micFailed' });
      return;
    }
    if (!mounted.current) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const mimeType = pickMime();
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, { ...(mimeType ? { mimeType } : {}), audioBitsPerSecond: BITS_PER_SECOND });
    } catch {
      for (const track of stream.getTracks()) track.stop();
      setState({ kind: 'unsupported' });
      return;
    }
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data);
    };
    recorder.onstop = () => {
      const r = rec.current;
      const ms = r ? Date.now() - r.startMs : 0;
      stopTracks();
      rec.current = null;
      if (!mounted.current) return;
      void save(new Blob(chunks, { type: recorder.mimeType || mimeType || 'audio/webm' }), ms);
    };
    const startMs = Date.now();
    const timer = setInterval(() => {
      const left = p.maxSeconds - Math.floor((Date.now() - startMs) / 1000);
      if (left <= 0) stop();
      else if (mounted.current) setState({ kind: 'recording', left });
    }, 250);
    rec.current = { recorder, stream, timer, startMs };
    recorder.start(1000);
    setState({ kind: 'recording', left: p.maxSeconds });
  };

  const stop = () => {
    const r = rec.current;
    if (!r || r.recorder.state === 'inactive') return;
    clearInterval(r.timer);
    setState({ kind: 'saving' });
    r.recorder.stop();
  };

  const save = async (blob: Blob, ms: number) => {
    if (ms < 1000) return setState({ kind: 'message', key: 'capture.voiceTooShort' });
    const seconds = Math.min(p.maxSeconds, Math.max(1, Math.round(ms / 1000)));
    try {
      const clip = await capturedBlob(blob, 'voice');
      await p.session.evidence!.keep([clip]);
      if (!mounted.current) return;
      const url = URL.createObjectURL(blob);
      urlRef.current = url;
      setState({ kind: 'done', url, seconds });
      p.onChange({ hash: clip.hash, seconds });
    } catch {
      if (mounted.current) setState({ kind: 'message', key: 'capture.voiceFailed' });
    }
  };

  const remove = () => {
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    urlRef.current = null;
    setState({ kind: 'message', key: 'capture.voiceRemoved' });
    p.onChange(undefined);
    requestAnimationFrame(() => document.getElementById(`${p.id}-record`)?.focus());
  };

  const canRecord = Boolean(p.session.evidence) && state.kind !== 'unsupported';
  return (
    <fieldset class="capture voice" aria-describedby={`${p.id}-hint`}>
      <legend>{t('capture.voice')}</legend>
      <p class="hint" id={`${p.id}-hint`}>
        {t('capture.voiceHint')}
      </p>
      {state.kind === 'unsupported' ? (
        <p class="alert alert-warning" role="status">
          {t('capture.noRecorder')}
        </p>
      ) : !p.session.evidence ? (
        <p class="hint">{t('capture.noStore')}</p>
      ) : null}
      {canRecord && state.kind === 'recording' ? (
        <div class="button-row">
          <button type="button" class="btn btn-recording" id={`${p.id}-stop`} onClick={stop}>
            {t('capture.stop')}
          </button>
          <span class="voice-countdown" role="timer" aria-live="off">
            {t('capture.recording', { s: state.left })}
          </span>
        </div>
      ) : canRecord && state.kind === 'done' ? (
        <div class="voice-done">
          <span>{t('capture.recorded', { s: state.seconds })}</span>
          <audio controls preload="metadata" src={state.url} />
          <button type="button" class="btn" onClick={remove}>
            {t('capture.removeVoice')}
          </button>
        </div>
      ) : canRecord ? (
        <div class="button-row">
          <button type="button" class="btn" id={`${p.id}-record`} disabled={state.kind === 'saving'} onClick={() => void start()}>
            {state.kind === 'saving' ? t('capture.voiceSaving') : t('capture.record')}
          </button>
        </div>
      ) : null}
      <p role="status" class={state.kind === 'message' && state.key !== 'capture.voiceRemoved' ? 'hint voice-message' : 'visually-hidden'}>
        {state.kind === 'message' ? t(state.key) : ''}
      </p>
    </fieldset>
  );
}
