/**
 * The pretend screens of the lessons that are not about Gridlink (SCENES in src/domain/lessons.ts): a WeChat-like
 * video call to a son, a text message and a phone call from scammers. They only look like the real thing: nothing
 * here calls, sends or opens anything. Their controls are real buttons (keyboard and screen reader usable) whose
 * `data-lesson` names the lessons point at; the lesson player decides what a tap on them does (the right one
 * advances the lesson, a wrong one is a safe mistake), so the buttons themselves have no handlers.
 */
import type { JSX } from 'preact';
import { t } from '../../app/i18n.ts';
import type { Scene } from '../../domain/lessons.ts';
import { Icon, Svg } from '../../ui/icons.tsx';

const P = {
  video: 'M3 7h12v10H3zM15 10.5l6-3.5v10l-6-3.5',
  mic: 'M12 3a3 3 0 013 3v5a3 3 0 01-6 0V6a3 3 0 013-3zM5 11a7 7 0 0014 0M12 18v3',
  face: 'M12 21a9 9 0 100-18 9 9 0 000 18zM8 14s1.5 2 4 2 4-2 4-2M9 9.5h.01M15 9.5h.01',
  album: 'M4 5h16v14H4zM4 15l4-4 5 5 3-3 4 4M15 9.5h.01',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 17a4 4 0 100-8 4 4 0 000 8z',
  packet: 'M6 3h12v18H6zM6 8c3 2 9 2 12 0M12 11v.01',
  flip: 'M4 12a8 8 0 0114-5.3M20 12a8 8 0 01-14 5.3M18 3v4h-4M6 21v-4h4',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14',
  link: 'M10 14a4 4 0 005.7 0l3-3a4 4 0 00-5.7-5.7l-1 1M14 10a4 4 0 00-5.7 0l-3 3a4 4 0 005.7 5.7l1-1',
  chat: 'M4 5h16v11H9l-5 4z',
  money: 'M3 6h18v12H3zM12 15a3 3 0 100-6 3 3 0 000 6z',
  key: 'M14 10a4 4 0 11-8 0 4 4 0 018 0zM13 12l7 7M17 16l2-2',
};

function Avatar({ char, tone }: { char: string; tone: 'a' | 'b' | 'c' | 'd' }) {
  return (
    <span class={`sc-avatar sc-avatar-${tone}`} aria-hidden="true">
      {char}
    </span>
  );
}

function ChatsView() {
  const rows = [
    { lesson: 'contact-son', name: t('scene.son'), last: t('scene.sonLast'), tone: 'a' as const },
    { lesson: 'contact-daughter', name: t('scene.daughter'), last: t('scene.daughterLast'), tone: 'b' as const },
    { lesson: 'contact-group', name: t('scene.group'), last: t('scene.groupLast'), tone: 'c' as const },
  ];
  return (
    <>
      <div class="sc-bar">
        <span class="sc-bar-title">{t('scene.wechat')}</span>
      </div>
      <ul class="sc-list">
        {rows.map((r) => (
          <li key={r.lesson}>
            <button type="button" class="sc-row" data-lesson={r.lesson}>
              <Avatar char={r.name.slice(0, 1)} tone={r.tone} />
              <span class="sc-row-main">
                <span class="sc-row-name">{r.name}</span>
                <span class="sc-row-last">{r.last}</span>
              </span>
              <span class="sc-row-time">{t('scene.time')}</span>
            </button>
          </li>
        ))}
      </ul>
      <div class="sc-tabs" aria-hidden="true">
        <span class="is-on">{t('scene.tabChats')}</span>
        <span>{t('scene.tabContacts')}</span>
        <span>{t('scene.tabDiscover')}</span>
        <span>{t('scene.tabMe')}</span>
      </div>
    </>
  );
}

function ChatView({ more, sheet }: { more?: boolean; sheet?: boolean }) {
  const tiles: Array<{ d: string; label: string; lesson?: string }> = [
    { d: P.album, label: t('scene.album') },
    { d: P.camera, label: t('scene.camera') },
    { d: P.video, label: t('scene.videoCall'), lesson: 'video-menu' },
    { d: 'M12 21s-7-6.2-7-12a7 7 0 0114 0c0 5.8-7 12-7 12zM12 11.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z', label: t('scene.location') },
    { d: P.packet, label: t('scene.redPacket') },
  ];
  return (
    <>
      <div class="sc-bar">
        <span class="sc-bar-back" aria-hidden="true">
          <Icon name="back" />
        </span>
        <span class="sc-bar-title">{t('scene.son')}</span>
      </div>
      <div class="sc-msgs">
        <p class="sc-msg sc-msg-in">
          <Avatar char={t('scene.son').slice(0, 1)} tone="a" />
          <span class="sc-bubble">{t('scene.chatIn')}</span>
        </p>
        <p class="sc-msg sc-msg-out">
          <span class="sc-bubble">{t('scene.chatOut')}</span>
        </p>
      </div>
      <div class="sc-input">
        <button type="button" class="sc-round" data-lesson="chat-voice" aria-label={t('scene.voiceInput')}>
          <Svg d={P.mic} size="1.5rem" />
        </button>
        <span class="sc-hold">{t('scene.voiceInput')}</span>
        <button type="button" class="sc-round" data-lesson="chat-emoji" aria-label={t('scene.emoji')}>
          <Svg d={P.face} size="1.5rem" />
        </button>
        <button type="button" class="sc-round" data-lesson="chat-plus" aria-label={t('scene.plus')} aria-expanded={Boolean(more || sheet)}>
          <Icon name="report" size="1.5rem" />
        </button>
      </div>
      {more || sheet ? (
        <div class="sc-more">
          {tiles.map((x) => (
            <button key={x.label} type="button" class="sc-tile" data-lesson={x.lesson}>
              <span class="sc-tile-icon">
                <Svg d={x.d} size="1.75rem" />
              </span>
              <span>{x.label}</span>
            </button>
          ))}
        </div>
      ) : null}
      {sheet ? (
        <div class="sc-sheet" data-lesson="call-sheet" role="group" aria-label={t('scene.videoCall')}>
          <button type="button" class="sc-sheet-item" data-lesson="video-choice">
            <Svg d={P.video} size="1.5rem" />
            {t('scene.videoCall')}
          </button>
          <button type="button" class="sc-sheet-item" data-lesson="voice-choice">
            <Icon name="phone" size="1.5rem" />
            {t('scene.voiceCall')}
          </button>
          <button type="button" class="sc-sheet-item sc-sheet-cancel" data-lesson="sheet-cancel">
            {t('scene.cancel')}
          </button>
        </div>
      ) : null}
    </>
  );
}

/** The dark full screen of a call: who, what state, and its buttons. */
function CallView({ who, state, face, children }: { who: string; state: string; face?: boolean; children: JSX.Element | JSX.Element[] }) {
  return (
    <div class={`sc-call${face ? ' sc-call-video' : ''}`}>
      {face ? (
        <div class="sc-face" aria-hidden="true">
          <svg viewBox="0 0 100 100" width="100%" height="100%">
            <circle cx="50" cy="40" r="22" fill="#f2c9a0" />
            <path d="M28 36c0-16 44-16 44 0c-6-8-38-8-44 0z" fill="#3a2a20" />
            <circle cx="42" cy="40" r="2.5" fill="#3a2a20" />
            <circle cx="58" cy="40" r="2.5" fill="#3a2a20" />
            <path d="M42 50c4 4 12 4 16 0" stroke="#3a2a20" stroke-width="2.5" fill="none" stroke-linecap="round" />
            <path d="M14 100c4-24 18-34 36-34s32 10 36 34z" fill="#2f6f9f" />
          </svg>
        </div>
      ) : (
        <Avatar char={who.slice(0, 1)} tone="d" />
      )}
      <p class="sc-call-who">{who}</p>
      <p class="sc-call-state">{state}</p>
      <div class="sc-call-buttons">{children}</div>
    </div>
  );
}

function SmsList() {
  return (
    <>
      <div class="sc-bar">
        <span class="sc-bar-title">{t('scene.messages')}</span>
      </div>
      <ul class="sc-list">
        <li>
          <button type="button" class="sc-row" data-lesson="sms-open">
            <Avatar char="1" tone="c" />
            <span class="sc-row-main">
              <span class="sc-row-name">
                {t('scene.prizeSender')} <span class="sc-dot">{t('scene.new')}</span>
              </span>
              <span class="sc-row-last">{t('scene.prizePreview')}</span>
            </span>
            <span class="sc-row-time">{t('scene.time')}</span>
          </button>
        </li>
        <li>
          <button type="button" class="sc-row" data-lesson="sms-other">
            <Avatar char="1" tone="b" />
            <span class="sc-row-main">
              <span class="sc-row-name">{t('scene.mobile')}</span>
              <span class="sc-row-last">{t('scene.mobilePreview')}</span>
            </span>
          </button>
        </li>
        <li>
          <button type="button" class="sc-row" data-lesson="sms-son">
            <Avatar char={t('scene.son').slice(0, 1)} tone="a" />
            <span class="sc-row-main">
              <span class="sc-row-name">{t('scene.son')}</span>
              <span class="sc-row-last">{t('scene.sonSms')}</span>
            </span>
          </button>
        </li>
      </ul>
    </>
  );
}

function SmsPrize() {
  return (
    <>
      <div class="sc-bar">
        <span class="sc-bar-back" aria-hidden="true">
          <Icon name="back" />
        </span>
        <span class="sc-bar-title">{t('scene.prizeSender')}</span>
      </div>
      <div class="sc-msgs">
        <p class="sc-msg sc-msg-in">
          <span class="sc-bubble">
            {t('scene.prizeText')}
            <br />
            <button type="button" class="sc-fake-link" data-lesson="sms-link">
              {t('scene.prizeLink')}
            </button>
          </span>
        </p>
      </div>
      <div class="sc-choices" data-lesson="sms-actions">
        <button type="button" class="btn sc-choice" data-lesson="sms-link">
          <Svg d={P.link} size="1.5rem" />
          {t('scene.smsLink')}
        </button>
        <button type="button" class="btn sc-choice" data-lesson="sms-reply">
          <Svg d={P.chat} size="1.5rem" />
          {t('scene.smsReply')}
        </button>
        <button type="button" class="btn sc-choice" data-lesson="sms-delete">
          <Svg d={P.trash} size="1.5rem" />
          {t('scene.smsDelete')}
        </button>
      </div>
    </>
  );
}

export function SceneView({ scene }: { scene: Scene }) {
  switch (scene) {
    case 'wechat.chats':
      return <ChatsView />;
    case 'wechat.chat':
      return <ChatView />;
    case 'wechat.more':
      return <ChatView more />;
    case 'wechat.sheet':
      return <ChatView sheet />;
    case 'wechat.calling':
      return (
        <CallView who={t('scene.son')} state={t('scene.waiting')}>
          <button type="button" class="sc-call-btn sc-red" data-lesson="call-cancel">
            <Icon name="phone" size="1.75rem" />
            <span>{t('scene.cancel')}</span>
          </button>
        </CallView>
      );
    case 'wechat.incall':
      return (
        <CallView who={t('scene.son')} state={t('scene.inCall')} face>
          <button type="button" class="sc-call-btn" data-lesson="to-voice">
            <Icon name="phone" size="1.75rem" />
            <span>{t('scene.toVoice')}</span>
          </button>
          <button type="button" class="sc-call-btn sc-red" data-lesson="hang-up">
            <Icon name="phone" size="1.75rem" />
            <span>{t('scene.hangUp')}</span>
          </button>
          <button type="button" class="sc-call-btn" data-lesson="flip">
            <Svg d={P.flip} size="1.75rem" />
            <span>{t('scene.flip')}</span>
          </button>
        </CallView>
      );
    case 'sms.list':
      return <SmsList />;
    case 'sms.prize':
      return <SmsPrize />;
    case 'call.incoming':
      return (
        <CallView who={t('scene.unknownNumber')} state={t('scene.incoming')}>
          <button type="button" class="sc-call-btn sc-red" data-lesson="call-decline">
            <Icon name="phone" size="1.75rem" />
            <span>{t('scene.decline')}</span>
          </button>
          <button type="button" class="sc-call-btn sc-green" data-lesson="call-answer">
            <Icon name="phone" size="1.75rem" />
            <span>{t('scene.answer')}</span>
          </button>
        </CallView>
      );
    case 'call.talk':
      return (
        <div class="sc-call sc-call-talk">
          <p class="sc-call-who">{t('scene.unknownNumber')}</p>
          <p class="sc-call-state">{t('scene.caller')}</p>
          <p class="sc-says">{t('scene.callerSays')}</p>
          <div class="sc-choices" data-lesson="call-actions">
            <button type="button" class="btn sc-choice" data-lesson="call-transfer">
              <Svg d={P.money} size="1.5rem" />
              {t('scene.transfer')}
            </button>
            <button type="button" class="btn sc-choice" data-lesson="call-code">
              <Svg d={P.key} size="1.5rem" />
              {t('scene.tellCode')}
            </button>
            <button type="button" class="btn sc-choice sc-choice-red" data-lesson="call-hangup">
              <Icon name="phone" size="1.5rem" />
              {t('scene.hangUpCall')}
            </button>
          </div>
        </div>
      );
    case 'call.after':
      return (
        <div class="sc-call sc-call-talk">
          <p class="sc-call-who">{t('scene.unknownNumber')}</p>
          <p class="sc-call-state">{t('scene.ended')}</p>
          <div class="sc-choices" data-lesson="after-actions">
            <button type="button" class="btn sc-choice" data-lesson="tell-family">
              <Svg d={P.chat} size="1.5rem" />
              {t('scene.tellFamily')}
            </button>
            <button type="button" class="btn sc-choice" data-lesson="call-back">
              <Icon name="phone" size="1.5rem" />
              {t('scene.callBack')}
            </button>
          </div>
        </div>
      );
  }
}
