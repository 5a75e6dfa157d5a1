/** English of cases.zh.ts; the same keys. */
import type { CasesMessages } from './cases.zh.ts';

export const casesEn: CasesMessages = {
  'cases.title': 'Cases',
  'cases.filters': 'Filters',
  'cases.status': 'Status',
  'cases.grid': 'Grid',
  'cases.major': 'Category',
  'cases.sub': 'Subcategory',
  'cases.all': 'All',
  'cases.allOfMajor': 'All in this category',
  'cases.count': '{n} cases',
  'cases.loading': 'Loading cases…',
  'cases.empty': 'No cases match these filters.',
  'cases.pending': 'Not synced',
  'cases.pendingLabel': 'This case has changes not yet saved to the server',
  'cases.rowLoading': 'Loading…',
  'cases.list': 'Cases',
  'cases.clear': 'Clear filters',
};
