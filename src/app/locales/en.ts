/** English for the first screens. Loaded only when a user switches to it (zh.ts is the default and the reference catalogue). */
import type { Messages } from './zh.ts';

export const en: Messages = {
  'app.name': 'Gridlink',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to main content',
  'app.notFound': 'Page not found',
  'app.backToList': 'Back to the case list',
  'app.screenLoadFailed': 'This page could not be loaded. Check the network and try again.',
  'app.retry': 'Try again',
  'app.notAllowed': 'Your role cannot use this feature.',
  'app.colon': ': ',

  'lang.switch': '中文',
  'lang.switchLabel': '切换到中文',
  'elder.switch': 'Large mode',
  'elder.aka': 'Larger text and buttons (长辈版, also called 关怀版 or 亲情版)',



  'shell.nav': 'Main navigation',
  'shell.cases': 'Cases',
  'shell.report': 'Report',
  'shell.logout': 'Sign out',
  'shell.menu': 'Account',
  'shell.user': '{name} ({role})',
  'shell.board': 'Dispatch board',
  'shell.work': 'My work',
  'shell.tasks': 'My tasks',
  'shell.village': 'My village',
  'shell.stats': 'Assessment',
  'shell.hall': 'Command hall',
  'shell.map': 'Map',

  'sync.label': 'Sync status',
  'sync.online': 'Online',
  'sync.offline': 'Offline',
  'sync.connecting': 'Connecting…',
  'sync.unsaved.one': '{n} change not yet saved to the server',
  'sync.unsaved.other': '{n} changes not yet saved to the server',
  'sync.allSaved': 'All changes saved to the server',
  'sync.lastSaved': 'Last saved {time}',
  'sync.neverSaved': 'Not saved yet',
  'sync.loadingLocal': 'Reading data on this device…',
  'sync.uploads.photos.one': '{n} photo waiting to upload',
  'sync.uploads.photos.other': '{n} photos waiting to upload',
  'sync.uploads.clips.one': '{n} voice note waiting to upload',
  'sync.uploads.clips.other': '{n} voice notes waiting to upload',
  'shell.me': 'My account',
  'shell.invites': 'Invitation codes',
  'shell.storage': 'Storage',



  'priority.urgent': 'urgent',
  'priority.high': 'high',
  'priority.normal': 'normal',

  'status.reported': 'Reported',
  'status.accepted': 'Accepted',
  'status.rejected': 'Rejected',
  'status.dispatched': 'Dispatched',
  'status.resolved': 'Resolved',
  'status.verified': 'Verified',
  'status.closed': 'Closed',
  'status.acknowledged': 'Acknowledged',
  'status.in_progress': 'In progress',
  'status.returned': 'Returned',
  'status.verification_failed': 'Verification failed',
  'status.withdrawn': 'Withdrawn',
  'status.merged': 'Merged',



  'role.admin': 'Administrator',
  'role.county': 'County center',
  'role.town': 'Town center',
  'role.unit': 'Unit',
  'role.worker': 'Grid worker',
  'role.secretary': 'Village secretary',
  'role.trainer': 'Trainer',
  'role.resident': 'Resident',
  'role.member': 'Party member',


  'shell.openMenu': 'Menu',
  'shell.more': 'More',
  'shell.tabbar': 'Frequent destinations',
  'shell.badge': ' waiting',
  'shell.people': 'People',
  'shell.party': 'Party work',
  'shell.training': 'Training',
  'shell.mine': 'My reports',
  'shell.nearby': 'Nearby',
  'shell.inbox': 'Inbox',
  'shell.accounts': 'Accounts',
  'shell.reference': 'Reference data',
};
