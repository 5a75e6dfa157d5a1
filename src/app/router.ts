/**
 * A tiny hash router: #/login, #/cases, #/cases/<id>, #/report, #/board[/<queue>] (town center), #/work (unit),
 * #/tasks[/<tab>] (grid worker), #/reference[/<tab>] (admin: reference data), #/village (village secretary),
 * #/stats (assessment), #/map[/<gridId>] (grid map), #/lessons[/<id>/cards] (trainer: guided lessons); an empty
 * hash is `home`, the landing screen of the user's role.
 * Hash routes need no server rewrites and work from the service worker's single precached index.html.
 */
import { batch, signal } from '@preact/signals';
import type { Role } from '../domain/org.ts';

export type Route =
  | { name: 'login' }
  | { name: 'cases' }
  | { name: 'case'; id: string }
  | { name: 'report' }
  | { name: 'home' }
  | { name: 'board'; queue?: string }
  | { name: 'work' }
  | { name: 'tasks'; tab?: string }
  | { name: 'village' } // issue 11: the village secretary's home
  | { name: 'stats' }
  | { name: 'statsReport'; month?: string; scope?: string } // issue 15: the printable monthly 考核 report (#/stats/report?month=2026-11&scope=t01)
  | { name: 'map'; gridId?: string }
  | { name: 'hall'; scope?: string } // issue 15: 指挥中心, the wall-screen dashboard (#/hall, #/hall?scope=t01)
  // issue 5: people of the user's grids (#/people, #/people/<gridId>/<householdId>) and party work (#/party[/<tab>])
  | { name: 'people'; gridId?: string; householdId?: string }
  // town: the party doc chosen by county and admin (#/party/needs?town=t03); care: issue 17, publish a need taking up
  // a care visit's findings (#/party/needs?care=<gridId>/<visitId>)
  | { name: 'party'; tab?: string; town?: string; care?: string }
  | { name: 'geo' } // boundary import/export (admin)
  | { name: 'storage' } // issue 12: photos and voice notes on this device, the upload outbox
  // issue 13: the public side
  | { name: 'signup'; invite?: string } // a resident signs up (SMS code or village invitation code: #/signup?invite=<code>, the QR)
  | { name: 'me' } // my account: phone, SMS progress opt-in, sign out
  | { name: 'invites' } // village invitation codes with their QR (secretary, town center, admin)
  | { name: 'inbox' } // notifications of every role
  | { name: 'apikeys' } // Open311 API keys (admin)
  | { name: 'accounts' } // issue 15: staff accounts (admin: all; town center: its town's)
  | { name: 'audit' } // issue 15: the audit log (admin)
  | { name: 'reference'; tab?: string } // issue 15: reference data editor (admin): #/reference[/<tab>]
  | { name: 'nearby' } // a resident's view of public, anonymised cases near them
  // issue 14: guided lessons (trainer)
  | { name: 'lessons' } // the lessons, each with 开始 and 打印步骤卡
  | { name: 'lessonCards'; id: string } // a lesson's printable step cards (#/lessons/<id>/cards)
  // issue 14: digital-literacy training: the trainer's home (#/training), a new learner (#/training/new), a learner
  // (#/training/l/<id>), their record edited (#/training/l/<id>/edit) and a session recorded (#/training/l/<id>/session)
  | { name: 'training'; learner?: string; view?: 'new' | 'edit' | 'session' }
  // issue 17: tasks sent down: the list (#/towntasks), a new task (#/towntasks/new), a task (#/towntasks/<town>/<task>),
  // a new entry (…/entry) or an entry edited (…/entry/<id>) by the grid's worker
  | { name: 'towntasks'; town?: string; task?: string; view?: 'new' | 'entry'; entry?: string }
  // issue 17: a care visit to a household (#/care/<gridId>/<householdId>; the due list is #/tasks/care)
  | { name: 'care'; gridId: string; householdId: string }
  | { name: 'caresettings' } // issue 17: the county's care levels and tags (county, admin)
  // issue 17: patrols: the worker's patrol (#/patrol), one patrol (#/patrol/p/<id>), a case reported from it
  // (#/patrol/p/<id>/report); the town center's expected frequencies and the readers' lists are #/patrol too
  | { name: 'patrol'; id?: string; view?: 'report' }
  // issue 17: 矛盾纠纷调解: the list (#/mediation), a new dispute (#/mediation/new, from a case: ?case=<id>), one
  // dispute (#/mediation/d/<id>)
  | { name: 'mediation'; dispute?: string; view?: 'new'; caseId?: string }
  | { name: 'notFound'; path: string };

/** Routes that are only a name, at `#/<name>`. */
const SIMPLE = ['login', 'cases', 'report', 'board', 'work', 'tasks', 'village', 'stats', 'map', 'people', 'geo', 'storage', 'signup', 'me', 'invites', 'inbox', 'apikeys', 'nearby', 'lessons', 'accounts', 'audit', 'reference', 'caresettings'] as const;
type SimpleName = (typeof SIMPLE)[number];

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === '' || path === '/') return { name: 'home' };
  const simple = /^\/([a-z]+)$/.exec(path)?.[1];
  if (simple && (SIMPLE as readonly string[]).includes(simple)) return { name: simple as SimpleName };
  const su = /^\/signup\?invite=([A-Za-z0-9-]{1,16})$/.exec(path);
  if (su) return { name: 'signup', invite: su[1]! };
  const ph = /^\/people\/([A-Za-z0-9_.-]{1,40})\/([A-Za-z0-9_.-]{1,40})$/.exec(path);
  if (ph) return { name: 'people', gridId: ph[1]!, householdId: ph[2]! };
  const cv = /^\/care\/([A-Za-z0-9_.-]{1,40})\/([A-Za-z0-9_.-]{1,40})$/.exec(path);
  if (cv) return { name: 'care', gridId: cv[1]!, householdId: cv[2]! };
  const pt = /^\/party(?:\/([a-z_]{1,32}))?\/?(?:\?(?:town=([a-z0-9]{1,16})|care=([A-Za-z0-9_.-]{1,40}\/[0-9A-Z]{26})))?$/.exec(path);
  if (pt) return { name: 'party', ...(pt[1] ? { tab: pt[1] } : {}), ...(pt[2] ? { town: pt[2] } : {}), ...(pt[3] ? { care: pt[3] } : {}) };
  const g = /^\/map\/([A-Za-z0-9_.:-]{1,64})$/.exec(path);
  if (g) return { name: 'map', gridId: g[1]! };
  const b = /^\/board\/([a-z_]{1,32})$/.exec(path);
  if (b) return { name: 'board', queue: b[1]! };
  const tk = /^\/(tasks|reference)\/([a-z_]{1,32})$/.exec(path);
  if (tk) return { name: tk[1] as 'tasks' | 'reference', tab: tk[2]! };
  if (path === '/towntasks') return { name: 'towntasks' };
  if (path === '/towntasks/new') return { name: 'towntasks', view: 'new' };
  const tt = /^\/towntasks\/(t\d{2})\/([A-Za-z0-9_.-]{1,40})(?:\/(entry)(?:\/([A-Za-z0-9_.-]{1,40}))?)?$/.exec(path);
  if (tt) return { name: 'towntasks', town: tt[1]!, task: tt[2]!, ...(tt[3] ? { view: 'entry' as const } : {}), ...(tt[4] ? { entry: tt[4] } : {}) };
  if (path === '/mediation') return { name: 'mediation' };
  const mn = /^\/mediation\/new(?:\?case=([A-Za-z0-9_-]{1,64}))?$/.exec(path);
  if (mn) return { name: 'mediation', view: 'new', ...(mn[1] ? { caseId: mn[1] } : {}) };
  const md = /^\/mediation\/d\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(path);
  if (md) return { name: 'mediation', dispute: md[1]! };
  if (path === '/training') return { name: 'training' };
  if (path === '/training/new') return { name: 'training', view: 'new' };
  const tl = /^\/training\/l\/([A-Za-z0-9_.-]{1,40})(?:\/(edit|session))?$/.exec(path);
  if (tl) return { name: 'training', learner: tl[1]!, ...(tl[2] ? { view: tl[2] as 'edit' | 'session' } : {}) };
  if (path === '/patrol') return { name: 'patrol' };
  const pa = /^\/patrol\/p\/([0-9A-Z]{26})(\/report)?$/.exec(path);
  if (pa) return { name: 'patrol', id: pa[1]!, ...(pa[2] ? { view: 'report' as const } : {}) };
  const sr = /^\/stats\/report(?:\?(.*))?$/.exec(path);
  if (sr) {
    const q = new URLSearchParams(sr[1] ?? '');
    const month = q.get('month');
    const scope = q.get('scope');
    return { name: 'statsReport', ...(month && /^\d{4}-\d{2}$/.test(month) ? { month } : {}), ...(scope && /^[A-Za-z0-9_.-]{1,40}$/.test(scope) ? { scope } : {}) };
  }
  const hl = /^\/hall(?:\?scope=([A-Za-z0-9_.-]{1,40}))?$/.exec(path);
  if (hl) return { name: 'hall', ...(hl[1] ? { scope: hl[1] } : {}) };
  const lc = /^\/lessons\/([a-z][a-z0-9_-]{0,39})\/cards$/.exec(path);
  if (lc) return { name: 'lessonCards', id: lc[1]! };
  const m = /^\/cases\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (m) return { name: 'case', id: m[1]! };
  return { name: 'notFound', path };
}

export function routeHref(r: Route): string {
  switch (r.name) {
    case 'case':
      return `#/cases/${encodeURIComponent(r.id)}`;
    case 'home':
      return '#/';
    case 'board':
      return r.queue ? `#/board/${r.queue}` : '#/board';
    case 'tasks':
    case 'reference':
      return `#/${r.name}${r.tab ? `/${r.tab}` : ''}`;
    case 'map':
      return r.gridId ? `#/map/${encodeURIComponent(r.gridId)}` : '#/map';
    case 'people':
      return r.gridId && r.householdId ? `#/people/${encodeURIComponent(r.gridId)}/${encodeURIComponent(r.householdId)}` : '#/people';
    case 'care':
      return `#/care/${encodeURIComponent(r.gridId)}/${encodeURIComponent(r.householdId)}`;
    case 'party':
      return `#/party${r.tab ? `/${r.tab}` : ''}${r.town ? `?town=${r.town}` : r.care ? `?care=${r.care}` : ''}`;
    case 'lessonCards':
      return `#/lessons/${r.id}/cards`;
    case 'hall':
      return r.scope ? `#/hall?scope=${encodeURIComponent(r.scope)}` : '#/hall';
    case 'statsReport': {
      const q = new URLSearchParams({ ...(r.month ? { month: r.month } : {}), ...(r.scope ? { scope: r.scope } : {}) }).toString();
      return `#/stats/report${q ? `?${q}` : ''}`;
    }
    case 'training':
      return r.learner ? `#/training/l/${encodeURIComponent(r.learner)}${r.view && r.view !== 'new' ? `/${r.view}` : ''}` : r.view === 'new' ? '#/training/new' : '#/training';
    case 'towntasks':
      if (!r.town || !r.task) return r.view === 'new' ? '#/towntasks/new' : '#/towntasks';
      return `#/towntasks/${r.town}/${encodeURIComponent(r.task)}${r.view === 'entry' ? `/entry${r.entry ? `/${encodeURIComponent(r.entry)}` : ''}` : ''}`;
    case 'patrol':
      return r.id ? `#/patrol/p/${r.id}${r.view ? `/${r.view}` : ''}` : '#/patrol';
    case 'mediation':
      return r.dispute ? `#/mediation/d/${r.dispute}` : r.view === 'new' ? `#/mediation/new${r.caseId ? `?case=${encodeURIComponent(r.caseId)}` : ''}` : '#/mediation';
    case 'notFound':
      return `#${r.path}`;
    default:
      return `#/${r.name}`;
  }
}

/**
 * Where a role lands (and where `home` leads): dispatchers on the board, units on their workspace, grid workers on
 * their tasks, village secretaries on their village's home.
 */
export function homeRoute(role: Role): Route {
  switch (role) {
    case 'town':
    case 'county':
    case 'admin':
      return { name: 'board' };
    case 'unit':
      return { name: 'work' };
    case 'worker':
      return { name: 'tasks' };
    case 'secretary':
      return { name: 'village' };
    case 'member':
      return { name: 'party' };
    case 'trainer':
      return { name: 'training' }; // issue 14: learners, sessions, what to revisit
    case 'resident':
      return { name: 'cases' }; // issue 13: 我的上报 (src/features/resident/ResidentHome.tsx)
    default:
      return { name: 'cases' };
  }
}

const currentHash = () => (typeof location === 'undefined' ? '' : location.hash);

export const route = signal<Route>(parseHash(currentHash()));
/** The raw hash of the current route: screens are keyed by it so that a new route mounts a fresh screen. */
export const routeKey = signal<string>(currentHash() || '#/');

function sync(): void {
  // One update: a render that saw the new route with the old key would mount the screen twice.
  batch(() => {
    route.value = parseHash(currentHash());
    routeKey.value = currentHash() || '#/';
  });
}

/** Listen to hash changes; returns the function that stops listening. */
export function startRouter(): () => void {
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}

/** Go to a route. `replace` keeps the back button from returning to the current entry (after login, logout). */
export function navigate(to: Route | string, opts: { replace?: boolean } = {}): void {
  const hash = typeof to === 'string' ? to : routeHref(to);
  if (hash === currentHash()) return sync();
  if (opts.replace) {
    history.replaceState(history.state, '', hash);
    sync();
  } else {
    location.hash = hash;
    // hashchange is asynchronous; update now so the next render already sees the new route.
    sync();
  }
}
