/**
 * A case's voice note: one play/pause button that shows the note's length ("0:12", from the event, known before
 * any byte is downloaded) and, while playing, the time played. Contract: the clip loads only when the user asks
 * for it (a minute of speech is far more than a thumbnail on 2G), then plays at once; a clip that cannot be had
 * says why in words (not uploaded yet / offline), one this browser cannot decode says that.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/show.zh.ts';
import type { Session } from '../../app/services.ts';
import type { VoiceRef } from '../../domain/evidence.ts';
import { ShowIcon, unavailableText } from './Thumb.tsx';
import { clipLength, useBlobUrl } from './useBlob.ts';
import './show.css';

export function VoicePlayer({ session, voice }: { session: Session; voice: VoiceRef }) {
  const [asked, setAsked] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [played, setPlayed] = useState(0);
  const [failed, setFailed] = useState(false);
  const audio = useRef<HTMLAudioElement>(null);
  // Before the first tap nothing is fetched.
  const blob = useBlobUrl(session, asked ? voice.hash : undefined);
  const v = asked ? blob.value : { state: 'idle' as const };
  const url = v.state === 'ready' ? v.url : '';

  // The clip arrived after the tap: play it.
  useEffect(() => {
    if (!url || !asked || !audio.current) return;
    void audio.current.play()?.catch?.(() => setPlaying(false));
  }, [url]);

  const toggle = () => {
    if (!asked) {
      setAsked(true);
      return;
    }
    const a = audio.current;
    if (!a || !url) return;
    if (a.paused) void a.play()?.catch?.(() => setPlaying(false));
    else a.pause();
  };

  const len = clipLength(voice.seconds);
  const words = failed ? t('show.voiceFailed') : unavailableText(v, 'voice');
  return (
    <div class="voice">
      <button type="button" class="btn voice-btn" aria-describedby={words ? `voice-${voice.hash.slice(0, 12)}` : undefined} onClick={toggle}>
        <ShowIcon name={playing ? 'pause' : 'play'} />
        {/* The name is the words on the button, with the verb for screen readers: "播放语音留言 0:12". */}
        <span class="visually-hidden">{playing ? t('show.pauseVerb') : t('show.playVerb')}</span>
        <span>{t('show.voice')}</span>
        <span class="voice-time">{playing || played ? `${clipLength(played)} / ${len}` : len}</span>
        {v.state === 'loading' ? <span class="voice-loading" aria-hidden="true" /> : null}
      </button>
      {words ? (
        <span class="voice-note" id={`voice-${voice.hash.slice(0, 12)}`} role="status">
          {words}
        </span>
      ) : null}
      {url ? (
        <audio
          ref={audio}
          src={url}
          preload="auto"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPlayed(0);
          }}
          onTimeUpdate={(e) => setPlayed(Math.floor(e.currentTarget.currentTime))}
          onError={() => setFailed(true)}
        />
      ) : null}
    </div>
  );
}
