/**
 * The app: resumes the session left open on this device (or shows sign-in), then the shell and the screen
 * for the current hash route. Screens off the first path (report, case detail) are loaded on demand.
 */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ElderSwitch } from '../features/shell/ElderSwitch.tsx';
import { LangSwitch } from '../features/shell/LangSwitch.tsx';
import { screenRole, ScreenReadAloudSlot } from '../features/shell/readAloudSlot.tsx';
import { Shell } from '../features/shell/Shell.tsx';
import { useVerifyDue } from '../features/home/useDueCounts.ts';
import { useInboxUnread } from '../features/inbox/useInboxUnread.ts';
import { ScreenTitle, setScreenTitleTools } from '../ui/ScreenTitle.tsx';
import { BrandMark } from '../ui/icons.tsx';
import { elderModeFor } from './display.ts';
import { messagesReady, t } from './i18n.ts';
import { endPractice, practiceMode } from './practicemode.ts';
import { homeRoute, navigate, route, routeHref, routeKey, startRouter } from './router.ts';
import type { AuthService, LockInfo, Session } from './services.ts';

// Issue 14: every screen's title has a read-aloud button for its main instruction (shown in 长辈版, to residents
// and on the signed-out screens: features/shell/ReadAloud.tsx, loaded after the first bundle).
setScreenTitleTools(ScreenReadAloudSlot);

/** A screen loaded on first use, with a retry when its chunk cannot be fetched (offline before it was cached). */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const get = () =>
    // The screen's module registers its message packs when evaluated; wait for their current language.
    (pending ??= load().then(
      (c) => messagesReady().then(() => (loaded = c)),
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));
  return function LazyScreen(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (C || failed) return;
      let live = true;
      get().then(
        (c) => {
          if (live) setC(() => c);
        },
        () => {
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, [C, failed]);
    if (C) return <C {...props} />;
    if (failed) {
      return (
        <div>
          <ScreenTitle suffix={t('app.name')}>{t('app.screenLoadFailed')}</ScreenTitle>
          <button type="button" class="btn" onClick={() => setFailed(false)}>
            {t('app.retry')}
          </button>
        </div>
      );
    }
    return (
      <p role="status" class="screen-loading">
        {t('app.loading')}
      </p>
    );
  };
}

// The sign-in screen is a chunk of its own (issue 13: the initial JS budget): a device that resumes its session,
// most loads, never needs it. main.tsx fetches it with the first bundle when nobody is signed in on this device or
// #/login is asked for (preloadSignedOut); otherwise it is fetched when resuming found no session.
const loadLogin = () => import('../features/login/Login.tsx').then((m) => m.Login);
const loadSignup = () => import('../features/login/Signup.tsx').then((m) => m.Signup);
/** The screen a signed-out visit starts on: sign-up for an invitation's link (#/signup?invite=…), else sign-in. */
export const preloadSignedOut = (hash: string): void => void (hash.startsWith('#/signup') ? loadSignup() : loadLogin()).catch(() => undefined);
const Login = lazyScreen(loadLogin);
const CaseList = lazyScreen(() => import('../features/cases/CaseList.tsx').then((m) => m.CaseList));
const ReportForm = lazyScreen(() => import('../features/report/ReportForm.tsx').then((m) => m.ReportForm));
const CaseDetail = lazyScreen(() => import('../features/cases/CaseDetail.tsx').then((m) => m.CaseDetail));
const DispatchBoard = lazyScreen(() => import('../features/board/DispatchBoard.tsx').then((m) => m.DispatchBoard));
const UnitWorkspace = lazyScreen(() => import('../features/work/UnitWorkspace.tsx').then((m) => m.UnitWorkspace));
const VillageHome = lazyScreen(() => import('../features/home/VillageHome.tsx').then((m) => m.VillageHome));
const WorkerTasks = lazyScreen(() => import('../features/tasks/WorkerTasks.tsx').then((m) => m.WorkerTasks));
const Assessment = lazyScreen(() => import('../features/assessment/Assessment.tsx').then((m) => m.Assessment));
const MapScreen = lazyScreen(() => import('../features/map/MapScreen.tsx').then((m) => m.MapScreen));
const PeopleScreen = lazyScreen(() => import('../features/people/PeopleScreen.tsx').then((m) => m.PeopleScreen));
const PartyScreen = lazyScreen(() => import('../features/party/PartyScreen.tsx').then((m) => m.PartyScreen));
// Issue 13: resident accounts and invitation codes.
const Signup = lazyScreen(loadSignup);
const MeScreen = lazyScreen(() => import('../features/me/Me.tsx').then((m) => m.Me));
// Issue 14: shared PCs (the lock screen, the sign-out confirmation).
const LockScreen = lazyScreen(() => import('../features/lock/LockScreen.tsx').then((m) => m.LockScreen));
const SignOutConfirm = lazyScreen(() => import('../features/lock/SignOut.tsx').then((m) => m.SignOutConfirm));
const InboxScreen = lazyScreen(() => import('../features/inbox/InboxScreen.tsx').then((m) => m.InboxScreen));
// Issue 13: the resident app (src/features/resident), its own chunks.
const ResidentHome = lazyScreen(() => import('../features/resident/ResidentHome.tsx').then((m) => m.ResidentHome));
const ResidentCase = lazyScreen(() => import('../features/resident/ResidentCase.tsx').then((m) => m.ResidentCase));
const ReportWizard = lazyScreen(() => import('../features/resident/ReportWizard.tsx').then((m) => m.ReportWizard));
const NearbyList = lazyScreen(() => import('../features/resident/NearbyList.tsx').then((m) => m.NearbyList));
const CareSettingsScreen = lazyScreen(() => import('../features/care/CareSettingsScreen.tsx').then((m) => m.CareSettingsScreen));
const CareVisit = lazyScreen(() => import('../features/care/CareVisit.tsx').then((m) => m.CareVisit));
const PatrolScreen = lazyScreen(() => import('../features/patrols/PatrolScreen.tsx').then((m) => m.PatrolScreen));
const TrainingScreen = lazyScreen(() => import('../features/training/TrainingScreen.tsx').then((m) => m.TrainingScreen));
const TownTasksScreen = lazyScreen(() => import('../features/towntasks/TownTasks.tsx').then((m) => m.TownTasksScreen));
const MediationScreen = lazyScreen(() => import('../features/mediation/MediationScreen.tsx').then((m) => m.MediationScreen));
// The screens few people open (administration, the command hall, the monthly report, the lessons...): their lazy
// loaders live in a chunk of their own (morescreens.tsx), not in the first screen's JS.
const MoreScreen = lazyScreen(() => import('./morescreens.tsx').then((m) => m.MoreScreen));
const PracticeShell = lazyScreen(() => import('../features/training/PracticeShell.tsx').then((m) => m.PracticeShell));

/**
 * The update prompt and the offline note (features/shell/UpdatePrompt.tsx) load after the first render: they can
 * only have something to say once the service worker, registered after the page loaded (main.tsx), reports.
 */
function LazyUpdatePrompt({ offlineNote }: { offlineNote: boolean }) {
  const [C, setC] = useState<ComponentType<{ offlineNote: boolean }> | null>(null);
  useEffect(() => {
    let live = true;
    import('../features/shell/UpdatePrompt.tsx').then(
      (m) => messagesReady().then(() => live && setC(() => m.UpdatePrompt)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return C ? <C offlineNote={offlineNote} /> : null;
}

export interface AppProps {
  auth: AuthService;
}

function skipToMain(e: Event) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/** The shell of a signed-in user, with the counts its navigation announces (the worker's cases awaiting 核查). */
function SignedIn({ session, onLogout, onLock, children }: { session: Session; onLogout(): void; onLock: (() => void) | undefined; children: ComponentChildren }) {
  const verify = useVerifyDue(session);
  // Issue 14: lock after inactivity (the user's delay on this device, 10 min by default; its code loads after the
  // first screen).
  const lock = useRef(onLock);
  lock.current = onLock;
  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    import('../features/lock/autolock.ts').then(
      (m) => {
        if (live) stop = m.startAutoLock(session.user.id, () => lock.current?.());
      },
      (e: unknown) => console.error('gridlink: loading the auto-lock failed', e),
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [session]);
  // Resident mode (issue 13): large text and 60 px targets (styles.css), set before the first paint.
  useLayoutEffect(() => {
    const html = document.documentElement;
    if (session.user.role !== 'resident') return;
    html.dataset.mode = 'resident';
    return () => void delete html.dataset.mode;
  }, [session]);
  // 长辈版 (issue 14): this user's own setting on this device, else the device's; back to the device's on sign-out.
  useLayoutEffect(() => {
    elderModeFor(session.user.id);
    // Issue 14: then this user's settings as their profile has them (src/app/settings.ts, not in the first bundle).
    let stopSettings: (() => void) | null = null;
    let live = true;
    import('./settings.ts').then(
      (m) => {
        if (live) stopSettings = m.startUserSettings(session).stop;
      },
      (e: unknown) => console.error('gridlink: loading the settings failed', e),
    );
    screenRole.value = session.user.role;
    return () => {
      live = false;
      stopSettings?.();
      screenRole.value = null;
      elderModeFor(null);
    };
  }, [session]);
  const unread = useInboxUnread(session);
  return (
    <Shell session={session} onLogout={onLogout} onLock={onLock} badges={{ tasks: verify, inbox: unread }}>
      {children}
    </Shell>
  );
}

export function App({ auth }: AppProps) {
  // undefined while the previous session is being resumed (nothing is shown but the frame: no login flash).
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const returnTo = useRef<string | null>(null);
  const r = route.value;
  // Issue 14: the lock screen's state ('locking' while the session closes) and the sign-out confirmation.
  const [locked, setLocked] = useState<LockInfo | 'locking' | null>(null);
  const [confirmOut, setConfirmOut] = useState(false);

  useEffect(() => startRouter(), []);

  useEffect(() => {
    let live = true;
    auth.resume().then(
      async (s) => {
        // A locked session (or, on a shared device, one left open when the browser closed) opens the lock screen.
        const lock = s ? null : await auth.shared?.lockState().catch(() => null);
        if (!live) return;
        setLocked(lock ?? null);
        setSession(s);
      },
      () => {
        if (live) setSession(null);
      },
    );
    return () => {
      live = false;
    };
  }, [auth]);

  // Keep the URL consistent with the sign-in state; remember where a signed-out user wanted to go.
  useEffect(() => {
    if (session === undefined) return;
    if (!session && r.name !== 'login' && r.name !== 'signup') {
      returnTo.current = routeKey.value;
      navigate({ name: 'login' }, { replace: true });
    } else if (session && !practiceMode.value && (r.name === 'login' || r.name === 'home' || r.name === 'signup')) {
      navigate(homeRoute(session.user.role), { replace: true });
    }
  }, [session, r]);

  const onLogin = (s: Session) => {
    const target = returnTo.current && returnTo.current !== '#/login' && returnTo.current !== '#/' ? returnTo.current : routeHref(homeRoute(s.user.role));
    returnTo.current = null;
    setLocked(null);
    setSession(s);
    navigate(target, { replace: true });
  };

  const onLock = auth.shared
    ? async () => {
        const s = session;
        const shared = auth.shared;
        if (!s || !shared) return;
        // A practice in progress ends first (its data stays on the device, in the trainer's sealed namespace).
        await endPractice(s.now());
        // The screens unmount at once; the lock screen shows once the session's databases are closed (and sealed).
        setConfirmOut(false);
        // Unlocking returns to this screen (kept in memory only: the URL no longer names it).
        const back = routeKey.value;
        setLocked('locking');
        setSession(null);
        navigate({ name: 'login' }, { replace: true });
        await shared.lock(s);
        returnTo.current = back;
        setLocked(await shared.lockState());
      }
    : undefined;

  const signedOut = () => {
    setConfirmOut(false);
    setSession(null);
    returnTo.current = null;
    navigate({ name: 'login' }, { replace: true });
  };

  const onLogout = async () => {
    const s = session;
    if (s) await endPractice(s.now());
    setConfirmOut(false);
    setSession(null);
    returnTo.current = null;
    navigate({ name: 'login' }, { replace: true });
    await s?.logout();
  };

  let screen;
  if (session === undefined) {
    screen = (
      <p role="status" class="screen-loading">
        {t('app.loading')}
      </p>
    );
  } else if (!session && locked) {
    screen =
      locked === 'locking' || !auth.shared ? (
        <p role="status" class="screen-loading">
          {t('app.loading')}
        </p>
      ) : (
        <LockScreen
          shared={auth.shared}
          info={locked}
          onUnlocked={onLogin}
          onSwitchUser={() => {
            returnTo.current = null;
            setLocked(null);
          }}
        />
      );
  } else if (!session) {
    screen = r.name === 'signup' ? <Signup auth={auth} onLogin={onLogin} invite={r.invite} /> : <Login auth={auth} onLogin={onLogin} />;
  } else if (confirmOut) {
    screen = <SignOutConfirm session={session} shared={auth.shared} onConfirm={() => void onLogout()} onCancel={() => setConfirmOut(false)} />;
  } else if (session.user.role === 'resident' && ['cases', 'case', 'report', 'nearby'].includes(r.name)) {
    screen =
      r.name === 'case' ? <ResidentCase session={session} id={r.id} /> : r.name === 'report' ? <ReportWizard session={session} /> : r.name === 'nearby' ? <NearbyList session={session} /> : <ResidentHome session={session} />;
  } else {
    switch (r.name) {
      case 'cases':
        screen = <CaseList session={session} />;
        break;
      case 'login':
      case 'home':
        screen = null;
        break;
      case 'board':
        screen = <DispatchBoard session={session} queue={r.queue} />;
        break;
      case 'work':
        screen = <UnitWorkspace session={session} />;
        break;
      case 'tasks':
        screen = <WorkerTasks session={session} tab={r.tab} />;
        break;
      case 'village':
        screen = <VillageHome session={session} />;
        break;
      case 'stats':
        screen = <Assessment session={session} />;
        break;
      case 'map':
        screen = <MapScreen session={session} gridId={r.gridId} />;
        break;
      case 'people':
        screen = <PeopleScreen session={session} gridId={r.gridId} householdId={r.householdId} />;
        break;
      case 'party':
        screen = <PartyScreen session={session} tab={r.tab} town={r.town} care={r.care} />;
        break;
      case 'me':
        screen = (
          <MeScreen
            session={session}
            onLogout={() => setConfirmOut(true)}
            shared={auth.shared}
            onLock={onLock}
            onRemoved={signedOut}
            switchRole={auth.switchRole?.bind(auth)}
            onSwitched={(s) => {
              // Issue 15: the same person in another role: that role's home.
              setSession(s);
              navigate(homeRoute(s.user.role), { replace: true });
            }}
          />
        );
        break;
      case 'inbox':
        screen = <InboxScreen session={session} />;
        break;
      case 'care':
        screen = <CareVisit session={session} gridId={r.gridId} householdId={r.householdId} />;
        break;
      case 'caresettings':
        screen = <CareSettingsScreen session={session} />;
        break;
      case 'training':
        screen = <TrainingScreen session={session} learner={r.learner} view={r.view} />;
        break;
      case 'towntasks':
        screen = <TownTasksScreen session={session} town={r.town} task={r.task} view={r.view} entry={r.entry} />;
        break;
      case 'patrol':
        screen = <PatrolScreen session={session} id={r.id} view={r.view} />;
        break;
      case 'mediation':
        screen = <MediationScreen session={session} dispute={r.dispute} view={r.view} caseId={r.caseId} />;
        break;
      case 'statsReport':
      case 'hall':
      case 'geo':
      case 'storage':
      case 'invites':
      case 'apikeys':
      case 'accounts':
      case 'audit':
      case 'reference':
      case 'lessons':
      case 'lessonCards':
        screen = <MoreScreen session={session} route={r} />;
        break;
      case 'case':
        screen = <CaseDetail session={session} id={r.id} />;
        break;
      case 'report':
        screen = <ReportForm session={session} />;
        break;
      case 'notFound':
        screen = (
          <div>
            <ScreenTitle suffix={t('app.name')}>{t('app.notFound')}</ScreenTitle>
            <p>
              <a href="#/cases">{t('app.backToList')}</a>
            </p>
          </div>
        );
        break;
    }
  }

  const main = (
    <main id="main" tabIndex={-1} class="container" key={session ? routeKey.value : 'signed-out'}>
      {screen}
    </main>
  );

  // Issue 14: 练习模式 takes the whole page (its own banner, the resident screens on the sandbox's local session).
  if (session && practiceMode.value) {
    return (
      <>
        <a class="skip-link" href="#main" onClick={skipToMain}>
          {t('app.skip')}
        </a>
        <PracticeShell />
      </>
    );
  }

  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        {t('app.skip')}
      </a>
      <LazyUpdatePrompt offlineNote={Boolean(session)} />
      {session ? (
        <SignedIn session={session} onLogout={() => setConfirmOut(true)} onLock={onLock ? () => void onLock() : undefined}>
          {main}
        </SignedIn>
      ) : (
        <>
          <header class="topbar">
            <div class="topbar-inner topbar-wrap">
              <span class="brand">
                <BrandMark />
                <span>{t('app.name')}</span>
              </span>
              <div class="topbar-user">
                <ElderSwitch />
                <LangSwitch />
              </div>
            </div>
          </header>
          {main}
        </>
      )}
    </>
  );
}
