/**
 * The screens few people open, and what App.tsx renders for their routes: administration (accounts, the audit log,
 * reference data, boundaries, Open311 keys, invitation codes), the command hall, the monthly report, storage, the
 * lessons. Each is still a chunk of its own; only their loaders are here, so that the first screen's JS does not
 * carry them.
 */
import type { Route } from './router.ts';
import type { Session } from './services.ts';
import { lazyScreen } from './App.tsx';

const MonthlyReport = lazyScreen(() => import('../features/assessment/Report.tsx').then((m) => m.MonthlyReport));
const Hall = lazyScreen(() => import('../features/hall/Hall.tsx').then((m) => m.Hall));
const GeoAdmin = lazyScreen(() => import('../features/map/GeoAdmin.tsx').then((m) => m.GeoAdmin));
const InvitesScreen = lazyScreen(() => import('../features/invites/Invites.tsx').then((m) => m.Invites));
const StorageScreen = lazyScreen(() => import('../features/evidence/StorageScreen.tsx').then((m) => m.StorageScreen));
const ApiKeys = lazyScreen(() => import('../features/apikeys/ApiKeys.tsx').then((m) => m.ApiKeys));
const Accounts = lazyScreen(() => import('../features/accounts/Accounts.tsx').then((m) => m.Accounts));
const AuditLog = lazyScreen(() => import('../features/accounts/AuditLog.tsx').then((m) => m.AuditLog));
const Reference = lazyScreen(() => import('../features/reference/Reference.tsx').then((m) => m.Reference));
const LessonsScreen = lazyScreen(() => import('../features/training/LessonsScreen.tsx').then((m) => m.LessonsScreen));
const LessonCards = lazyScreen(() => import('../features/training/StepCards.tsx').then((m) => m.LessonCards));

export type MoreRoute = Extract<Route, { name: 'statsReport' | 'hall' | 'geo' | 'storage' | 'invites' | 'apikeys' | 'accounts' | 'audit' | 'reference' | 'lessons' | 'lessonCards' }>;

export function MoreScreen({ session, route: r }: { session: Session; route: Route }) {
  switch (r.name) {
    case 'statsReport':
      return <MonthlyReport session={session} month={r.month} scope={r.scope} />;
    case 'hall':
      return <Hall session={session} scope={r.scope} />;
    case 'geo':
      return <GeoAdmin session={session} />;
    case 'storage':
      return <StorageScreen session={session} />;
    case 'invites':
      return <InvitesScreen session={session} />;
    case 'apikeys':
      return <ApiKeys session={session} />;
    case 'accounts':
      return <Accounts session={session} />;
    case 'audit':
      return <AuditLog session={session} />;
    case 'reference':
      return <Reference session={session} tab={r.tab} />;
    case 'lessons':
      return <LessonsScreen session={session} />;
    case 'lessonCards':
      return <LessonCards session={session} id={r.id} />;
    default:
      return null;
  }
}
