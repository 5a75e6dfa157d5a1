/**
 * The OpenAPI 3 description of the relay's HTTP API, served at GET /api/openapi.json.
 * Kept next to the routes (http.ts); tests/integration/workflow-api.test.ts checks every route is described.
 */
import { MAX_HELPERS, REVISIT_OUTCOMES, SATISFACTIONS } from '../src/domain/events.ts';
import { COMMAND_TYPES } from '../src/domain/commands.ts';
import { PHONE_PATTERN, STAFF_ROLES, USERNAME_PATTERN } from '../src/domain/accounts.ts';
import { AUDIT_ACTIONS } from './audit.ts';
import { SHEET_PROBLEM_CODES } from '../src/domain/staffsheet.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Issue 15: a problem of an imported staff sheet (src/domain/staffsheet.ts). */
const SHEET_PROBLEM = {
  type: 'object',
  required: ['row', 'column', 'code', 'message'],
  properties: {
    row: { type: 'integer', minimum: 1, description: 'the sheet row; the header is row 1' },
    column: { type: 'string', nullable: true, description: "the column's header label; null for the whole sheet" },
    code: { type: 'string', enum: [...SHEET_PROBLEM_CODES] },
    message: { type: 'string', description: 'in Chinese, for the person who fills the sheet' },
  },
};

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
/** The query of the grid-work figures (issue 17), as /api/stats reads its own. */
const GRID_WORK_QUERY = [
  { name: 'scope', in: 'query', required: true, schema: { type: 'string', description: 'a town id or a grid id' } },
  { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
  { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
];
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const text = { type: 'string', minLength: 1, maxLength: 2000 };
const note = { type: 'string', maxLength: 2000 };
const id26 = { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' };
const hash = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'hex sha256 of the blob bytes' };
/** Issue 12: evidence by content hash; the blobs are uploaded first (PUT /api/blobs/{hash} or POST /api/blobs). */
const photos = {
  type: 'array',
  maxItems: 9,
  description: 'Photos uploaded first (PUT /api/blobs/{hash}, POST /api/blobs), referenced by hash: full image and thumbnail',
  items: { type: 'object', additionalProperties: false, required: ['full', 'thumb'], properties: { full: hash, thumb: hash } },
};
const voice = { type: 'object', additionalProperties: false, required: ['hash', 'seconds'], properties: { hash, seconds: { type: 'integer', minimum: 1, maximum: 60 } }, description: 'A voice clip uploaded first' };
const fixLocation = { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } }, description: "the unit's position when it resolved (shown with the distance to the case)" };
const command = (type: string, properties: Record<string, object> = {}, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: ['type', ...required],
  properties: { type: { const: type }, ...properties },
});

const USER_SETTINGS_FIELDS = {
  lang: { type: 'string', enum: ['zh', 'en'] },
  elder: { type: 'string', enum: ['off', 'on', 'larger'] },
  guidance: { type: 'string', enum: ['full', 'brief'] },
  elderOffer: { type: 'string', enum: ['accepted', 'declined'] },
  birthYear: { type: 'integer', minimum: 1900 },
};
const USER_SETTINGS_PATCH = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(USER_SETTINGS_FIELDS).map(([k, v]) => [k, { ...v, nullable: true }])),
};
const USER_SETTINGS_ANSWER = {
  type: 'object',
  properties: { settings: { type: 'object', additionalProperties: false, properties: USER_SETTINGS_FIELDS }, updatedMs: { type: 'integer', nullable: true } },
};

export const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'Gridlink 网格通 relay API',
    version: '0.4.0',
    description:
      'JSON over HTTP. Every error is {"error":"<code>"} (the domain error codes of src/domain/errors.ts, plus method_not_allowed and internal_error). ' +
      'Authenticate with `Authorization: Bearer <token>` from POST /api/login. ' +
      'Photos and voice clips (issue 12): upload the bytes first (PUT /api/blobs/{hash} in chunks, or small ones in one POST /api/blobs), ' +
      'then reference their sha256 hashes in POST /api/cases (`photos`, `voice`) or in a command (`resolve` / `self_resolve` `photos`). ' +
      'A blob is served only to its uploaders and to users who may read a case in which an uploader named it.',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      // Issue 15 (src/domain/accounts.ts): the scope follows from the role, the rest is derived.
      Account: {
        type: 'object',
        required: ['id', 'username', 'name', 'role', 'disabled', 'mustChange'],
        properties: {
          id: { type: 'string' },
          username: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string', enum: [...STAFF_ROLES] },
          townId: { type: 'string' },
          villageId: { type: 'string' },
          gridId: { type: 'string' },
          unitId: { type: 'string' },
          phone: { type: 'string' },
          disabled: { type: 'boolean' },
          mustChange: { type: 'boolean', description: 'signed in with a temporary password not yet changed' },
        },
      },
      AccountInput: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'name', 'role'],
        description: 'town and trainer name townId; secretary villageId; worker and member gridId; unit unitId; admin and county none',
        properties: {
          username: { type: 'string', pattern: USERNAME_PATTERN.source },
          name: { type: 'string', minLength: 1, maxLength: 60 },
          role: { type: 'string', enum: [...STAFF_ROLES] },
          phone: { type: 'string', pattern: PHONE_PATTERN.source },
          townId: { type: 'string' },
          villageId: { type: 'string' },
          gridId: { type: 'string' },
          unitId: { type: 'string' },
        },
      },
      AccountPatch: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 60 },
          role: { type: 'string', enum: [...STAFF_ROLES] },
          phone: { type: 'string', nullable: true, pattern: PHONE_PATTERN.source },
          townId: { type: 'string' },
          villageId: { type: 'string' },
          gridId: { type: 'string' },
          unitId: { type: 'string' },
          disabled: { type: 'boolean' },
        },
      },
      AuditEntry: {
        type: 'object',
        properties: {
          seq: { type: 'integer' },
          at: { type: 'integer', description: 'ms since the epoch' },
          actor: { type: 'string', nullable: true },
          action: { type: 'string', enum: [...AUDIT_ACTIONS] },
          target: { type: 'string', nullable: true },
          ip: { type: 'string', nullable: true },
          detail: { type: 'object' },
        },
      },
      Invite: {
        type: 'object',
        properties: {
          code: { type: 'string', pattern: '^[A-HJKMNP-Z2-9]{8}$' },
          villageId: { type: 'string' },
          townId: { type: 'string' },
          createdBy: { type: 'string' },
          createdMs: { type: 'integer' },
          expiresMs: { type: 'integer' },
          maxUses: { type: 'integer' },
          uses: { type: 'integer' },
          revokedMs: { type: 'integer' },
          state: { enum: ['active', 'expired', 'used_up', 'revoked'] },
        },
      },
      ResidentPrefs: { type: 'object', properties: { smsProgress: { type: 'boolean' }, phone: { type: 'string' }, phoneVerified: { type: 'boolean' }, mobile: { type: 'boolean' } } },
      User: {
        type: 'object',
        required: ['id', 'username', 'name', 'role'],
        properties: {
          id: { type: 'string' },
          username: { type: 'string' },
          name: { type: 'string' },
          role: { type: 'string', enum: ['admin', 'county', 'town', 'unit', 'worker', 'secretary', 'trainer', 'resident', 'member'] },
          townId: { type: 'string' },
          villageId: { type: 'string' },
          gridId: { type: 'string' },
          unitId: { type: 'string' },
        },
      },
      Event: {
        type: 'object',
        required: ['id', 'caseId', 'type', 'actor', 'at', 'data'],
        properties: { id: id26, caseId: id26, type: { type: 'string' }, actor: { type: 'string' }, at: { type: 'string', description: 'HLC <13-digit ms>:<4-digit counter>:<node>' }, data: { type: 'object' } },
      },
      CaseState: {
        type: 'object',
        description: 'The fold of the case events (src/domain/workflow.ts CaseState), with `events` in (at, id) order.',
        required: ['id', 'status', 'townId', 'gridId', 'category', 'description', 'location', 'reporter', 'reportedMs', 'timeline', 'superseded'],
        properties: {
          id: id26,
          status: {
            type: 'string',
            enum: ['reported', 'accepted', 'rejected', 'dispatched', 'resolved', 'verified', 'closed', 'acknowledged', 'in_progress', 'returned', 'verification_failed', 'withdrawn', 'merged'],
          },
          unitId: { type: 'string' },
          dispatchedMs: { type: 'number' },
          dueHours: { type: 'number' },
          extensionHours: { type: 'number' },
          satisfaction: { type: 'string', enum: [...SATISFACTIONS] },
          superseded: { type: 'array', items: { type: 'object' }, description: 'events without effect: who, when, why, and the event that won' },
          events: { type: 'array', items: ref('Event') },
        },
      },
      Command: {
        description: 'A workflow command applied as the caller. Types: ' + COMMAND_TYPES.filter((c) => c !== 'report').join(', '),
        oneOf: [
          command('accept', { note }),
          command('reject', { reason: text }, ['reason']),
          command(
            'dispatch',
            {
              unitId: { type: 'string' },
              planId: { type: 'string' },
              dueHours: { type: 'integer', minimum: 1, maximum: 2160 },
              note,
              // issue 17: the helping units (协办), distinct, not the lead
              helperUnitIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_HELPERS, uniqueItems: true },
            },
            ['unitId'],
          ),
          command('acknowledge', { note }),
          command('return', { reason: text }, ['reason']),
          command('start', { note }),
          command('resolve', { note: text, photos, location: fixLocation }, ['note']),
          command('verify', { note }),
          command('fail_verification', { reason: text }, ['reason']),
          command('close', { note }),
          command('feedback', { satisfaction: { type: 'string', enum: [...SATISFACTIONS] }, note }, ['satisfaction']),
          command('self_resolve', { note: text, photos, location: fixLocation }, ['note']),
          command('request_extension', { hours: { type: 'integer', minimum: 1, maximum: 720 }, reason: text }, ['hours', 'reason']),
          command('decide_extension', { approve: { type: 'boolean' }, note }, ['approve']),
          command('supervise', { note: text }, ['note']),
          command('withdraw', { reason: text }, ['reason']),
          command('reopen', { reason: text }, ['reason']),
          command('merge', { intoCaseId: id26, note }, ['intoCaseId']),
          command('checklist', { step: { type: 'integer', minimum: 0 }, done: { type: 'boolean' } }, ['step', 'done']),
          // issue 13: the follow-up call on a 不满意 rating (二次回访); town center, county, admin
          command('call_revisit', { note: text, outcome: { type: 'string', enum: [...REVISIT_OUTCOMES] } }, ['note']),
          // issue 17 (主办 / 协办): a helping unit's part and confirmation; the center releasing a helper
          command('record_assist', { dispatchId: id26, note: text, photos }, ['dispatchId', 'note']),
          command('confirm_assist', { dispatchId: id26, note }, ['dispatchId']),
          command('release_assist', { dispatchId: id26, unitId: { type: 'string' }, reason: text }, ['dispatchId', 'unitId', 'reason']),
        ],
      },
      Figures: {
        type: 'object',
        description: 'src/domain/assessment.ts Figures: counts, and rates as fractions (null when nothing counted).',
        properties: {
          channels: { type: 'object', description: 'cases by channel (src/domain/citizens.ts REPORT_CHANNELS)', additionalProperties: { type: 'integer' } },
          ...Object.fromEntries(
          [
            'cases',
            'open',
            'rejected',
            'withdrawn',
            'merged',
            'acceptanceCounted',
            'acceptedOnTime',
            'acceptanceOnTimeRate',
            'completed',
            'completionRate',
            'completedOnTime',
            'onTimeCompletionRate',
            'feedback',
            'satisfied',
            'basicallySatisfied',
            'dissatisfied',
            'satisfactionRate',
            'avgResolveHours',
            'overdue',
            'overdueOpen',
            'completedLate',
            'revisits',
            'revisitPending',
            'revisitsReopened',
            'revisitsCalled',
          ].map((k) => [k, { type: 'number', nullable: true }]),
          ),
        },
      },
      ApiKey: {
        type: 'object',
        description: 'An Open311 API key as listed (issue 13): the client system, the first characters of the key, its client account',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          prefix: { type: 'string' },
          clientId: { type: 'string' },
          createdMs: { type: 'integer' },
          createdBy: { type: 'string' },
          revokedMs: { type: 'integer' },
          revokedBy: { type: 'string' },
        },
      },
      UploadStatus: {
        type: 'object',
        required: ['hash', 'offset', 'complete'],
        properties: { hash, offset: { type: 'integer', description: 'bytes the relay holds durably for this upload' }, complete: { type: 'boolean' }, size: { type: 'integer' }, type: { type: 'string' } },
      },
      Table1Row: {
        type: 'object',
        required: ['key', 'label', 'unit', 'value', 'seed'],
        properties: { key: { type: 'string' }, label: { type: 'string' }, labelEn: { type: 'string' }, unit: { type: 'string' }, value: { type: 'number', nullable: true }, seed: { type: 'number' } },
      },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { 200: json({ type: 'object', properties: { ok: { type: 'boolean' } } }) } } },
    '/api/login': {
      post: {
        summary: 'Sign in',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } } } } },
        responses: { 200: json({ type: 'object', properties: { token: { type: 'string' }, user: ref('User') } }), 400: error('bad_request'), 401: error('bad_credentials'), 429: error('too_many_attempts') },
      },
    },
    '/api/me': {
      get: {
        summary: 'The caller and the docs their device syncs',
        security: [{ bearer: [] }],
        responses: { 200: json({ type: 'object', properties: { user: ref('User'), docs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, access: { type: 'string', enum: ['read', 'write'] } } } } } }), 401: error('unauthorized') },
      },
    },
    '/api/starter': {
      get: {
        summary: "A first sign-in's head start (grid workers): every event and receipt of their grid's open cases and their own open reports, and the reference data those and a report need; the docs still sync whole after it",
        security: [{ bearer: [] }],
        responses: { 200: json({ type: 'object', properties: { docs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, events: { type: 'array', items: { type: 'object' } }, receipts: { type: 'array', items: { type: 'object' } } } } }, org: { type: 'object' } } }), 401: error('unauthorized') },
      },
    },
    '/api/docs/{name}': {
      get: {
        summary: "A doc's whole state as one Yjs update (v1), for a device that holds nothing of it yet; then it syncs the rest over the socket. Access as the doc's socket; Content-Encoding br or gzip when accepted; may lack the last minute's changes",
        security: [{ bearer: [] }],
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'The Yjs update', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found'), 429: error('too_many_requests: this doc more than 4 times in 10 minutes by this user (Retry-After)') },
      },
    },
    '/api/cases': {
      post: {
        summary: 'Report a case as the caller',
        security: [{ bearer: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['category', 'description', 'location', 'gridId'],
                properties: { category: { type: 'string', pattern: '^\\d{4}$' }, description: text, location: { type: 'object', properties: { lat: { type: 'number' }, lng: { type: 'number' } } }, gridId: { type: 'string' }, address: { type: 'string' }, id: { ...id26, description: 'Client-chosen case id: a retry answers 200 with the case it already made' }, photos, voice },
              },
            },
          },
        },
        responses: { 200: json(ref('CaseState'), 'Already reported (a retry with the same id)'), 201: json(ref('CaseState'), 'Created'), 400: error('bad fields'), 401: error('unauthorized'), 403: error('role or scope'), 409: error('the id is another reporter\'s case') },
      },
    },
    '/api/cases/mine': {
      get: {
        summary: "The caller's own reports (live case years) as their reporter sees them: status, steps, no staff details",
        security: [{ bearer: [] }],
        responses: { 200: json({ type: 'object', required: ['cases'], properties: { cases: { type: 'array', items: ref('CaseState') } } }), 401: error('unauthorized') },
      },
    },
    '/api/reference': {
      get: {
        summary: 'Public reference data a report needs: towns, villages, grids, categories, subcategories, units by name (no users, no phone numbers); ETag',
        security: [{ bearer: [] }],
        responses: { 200: json({ type: 'object' }), 304: { description: 'Not modified (If-None-Match)' }, 401: error('unauthorized') },
      },
    },
    '/api/public/nearby': {
      get: {
        summary:
          'Public, anonymised cases near a point (issue 13, publichttp.ts): place-type subcategories of the last 30 days, location rounded to 0.001 degree, village, plain-word stage, CST day, distance; no ids, names, phones, photos, descriptions or addresses; nearest first, at most 30',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'lat', in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 } },
          { name: 'lng', in: 'query', required: true, schema: { type: 'number', minimum: -180, maximum: 180 } },
          { name: 'radius', in: 'query', required: false, schema: { type: 'integer', minimum: 100, maximum: 1000, default: 500 } },
        ],
        responses: {
          200: json({
            type: 'object',
            required: ['radiusM', 'cases'],
            properties: {
              radiusM: { type: 'integer' },
              cases: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['category', 'place', 'stage', 'day', 'distanceM'],
                  properties: {
                    category: { type: 'string' },
                    place: { type: 'object', required: ['lat', 'lng'], properties: { lat: { type: 'number' }, lng: { type: 'number' }, village: { type: 'string' } } },
                    stage: { type: 'string', enum: ['received', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed'] },
                    day: { type: 'string', format: 'date' },
                    distanceM: { type: 'integer' },
                  },
                },
              },
            },
          }),
          400: error('bad_request: lat/lng missing or malformed, radius outside 100..1000, another parameter'),
          401: error('unauthorized'),
          429: error('too_many_attempts (Retry-After): more than 30 requests per account in 5 minutes'),
        },
      },
    },
    '/api/cases/{caseId}': {
      get: {
        summary: 'A case: its folded state and events',
        security: [{ bearer: [] }],
        parameters: [{ name: 'caseId', in: 'path', required: true, schema: id26 }],
        responses: { 200: json(ref('CaseState')), 401: error('unauthorized'), 403: error('forbidden'), 404: error('unknown_case') },
      },
    },
    '/api/cases/{caseId}/commands': {
      post: {
        summary: 'Apply a workflow command to a case as the caller (the same domain code as the app)',
        security: [{ bearer: [] }],
        parameters: [{ name: 'caseId', in: 'path', required: true, schema: id26 }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('Command') } } },
        responses: {
          200: json(ref('CaseState'), 'The new state of the case'),
          400: error('bad_request (bad fields), unknown_unit, unknown_plan, unknown_step, merge_into_self, unknown_case (merge target), photo_required (resolve without photos when the plan asks for an after-photo), not_helper (a dispatch naming its lead as helper; a release of a unit the dispatch does not name)'),
          401: error('unauthorized'),
          403: error('forbidden (doc), role_not_allowed, out_of_scope, not_reporter'),
          404: error('unknown_case'),
          409: error('state_not_allowed, feedback_given, extension_pending, no_extension_pending, no_revisit_pending, stale_dispatch, helper_done, no_part_recorded, helpers_pending (协办: a helper is neither confirmed nor released)'),
        },
      },
    },
    '/api/plans': {
      get: {
        summary: 'Contingency plans (预案)',
        security: [{ bearer: [] }],
        responses: { 200: json({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, category: { type: 'string' }, name: { type: 'string' }, priority: { type: 'string' }, dueHours: { type: 'number' }, unitIds: { type: 'array', items: { type: 'string' } }, steps: { type: 'array', items: { type: 'string' } } } } }), 401: error('unauthorized') },
      },
    },
    '/api/stats': {
      get: {
        summary: 'Assessment (考核) of a scope for a period, and Table 1 for the county',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'scope', in: 'query', schema: { type: 'string', default: 'county' }, description: 'county, a town id (t01), a unit id (u001) or a grid id (g0001)' },
          { name: 'from', in: 'query', schema: { type: 'string' }, description: 'YYYY-MM-DD (00:00 UTC+8) or ISO date-time; default 1 January of this year' },
          { name: 'to', in: 'query', schema: { type: 'string' }, description: 'YYYY-MM-DD, included whole, or ISO date-time (excluded); default now' },
        ],
        responses: {
          200: json({
            type: 'object',
            properties: {
              scope: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' } } },
              period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, fromMs: { type: 'number' }, toMs: { type: 'number' } } },
              nowMs: { type: 'number' },
              figures: ref('Figures'),
              towns: { type: 'object', additionalProperties: ref('Figures') },
              units: { type: 'object', additionalProperties: ref('Figures') },
              grids: { type: 'object', additionalProperties: ref('Figures') },
              table1: { type: 'array', items: ref('Table1Row'), description: 'county scope only' },
            },
          }),
          400: error('bad_request (unknown scope, bad dates)'),
          401: error('unauthorized'),
          403: error('forbidden (scope outside the caller’s)'),
        },
      },
    },
    // Issue 15: exports (server/exports.ts); the scope rules and numbers of /api/stats.
    '/api/exports/{file}': {
      get: {
        summary: 'The 考核 tables (stats.xlsx, stats.csv) or the cases (cases.xlsx, cases.csv, cases.geojson) of a scope as a file (issue 15)',
        description:
          'Scope and period as /api/stats (same 400 and 403). Text cells starting with = + - @, tab or CR carry a leading apostrophe (formula injection); ' +
          'numbers stay numbers, rates are fractions. CSV: UTF-8 with a byte order mark, CRLF lines. Cases: newest first, no personal data of reporters or residents; ' +
          'with no filter beyond scope and period, exactly the cases /api/stats counts. Content-Disposition: attachment (filename and RFC 5987 filename*); Cache-Control: no-store.',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'file', in: 'path', required: true, schema: { type: 'string', enum: ['stats.xlsx', 'stats.csv', 'cases.xlsx', 'cases.csv', 'cases.geojson'] } },
          { name: 'scope', in: 'query', schema: { type: 'string', default: 'county' }, description: 'county, a town id (t01), a unit id (u001) or a grid id (g0001)' },
          { name: 'from', in: 'query', schema: { type: 'string' }, description: 'YYYY-MM-DD (00:00 UTC+8) or ISO date-time; default 1 January of this year' },
          { name: 'to', in: 'query', schema: { type: 'string' }, description: 'YYYY-MM-DD, included whole, or ISO date-time (excluded); default now' },
          { name: 'table', in: 'query', schema: { type: 'string', enum: ['figures', 'towns', 'units', 'grids', 'table1'], default: 'figures' }, description: 'stats.csv only: which table (towns: county scope; table1: county scope)' },
          { name: 'grid', in: 'query', schema: { type: 'string' }, description: 'cases only: one grid' },
          { name: 'status', in: 'query', schema: { type: 'string' }, description: 'cases only: statuses, comma-separated (e.g. verified,closed)' },
          { name: 'category', in: 'query', schema: { type: 'string', pattern: '^\\d{2}(\\d{2})?$' }, description: 'cases only: a major (2-digit, with its subcategories) or subcategory (4-digit) code' },
        ],
        responses: {
          200: {
            description: 'The file',
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
              'text/csv': { schema: { type: 'string' } },
              'application/geo+json': { schema: { type: 'object', description: 'FeatureCollection of Points [lng, lat]' } },
            },
          },
          400: error('bad_request (unknown scope, bad dates, unknown or repeated parameter, bad table, grid, status or category)'),
          401: error('unauthorized'),
          403: error('forbidden (scope outside the caller’s)'),
          413: error('too_large (more rows than the cap, 100,000; the answer also names `maxRows`): narrow the filter'),
        },
      },
    },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } } },
    '/api/geo/{layer}.geojson': {
      get: {
        summary: 'Town, village or grid boundaries as GeoJSON (issue 5)',
        parameters: [{ name: 'layer', in: 'path', required: true, schema: { type: 'string', enum: ['grids', 'villages', 'towns'] } }],
        responses: { 200: json({ type: 'object' }) },
      },
    },
    '/api/geo/grids': { post: { summary: 'Import grid boundaries as GeoJSON (admin; issue 5)', security: [{ bearer: [] }], responses: { 200: json({ type: 'object' }), 400: error('invalid GeoJSON'), 403: error('forbidden') } } },
    '/api/people/{gridId}/residents': {
      get: {
        summary: "Residents of a grid, ID numbers masked except for the grid's worker and town center; ?q= searches name or address (issue 5)",
        security: [{ bearer: [] }],
        parameters: [
          { name: 'gridId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: { 200: json({ type: 'object' }), 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    '/api/party/{townId}/summary': {
      get: {
        summary: 'Party service summary per branch and member for a period (issue 5)',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'townId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
        ],
        responses: { 200: json({ type: 'object' }), 400: error('bad_request'), 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    '/api/tasks/{townId}/progress': {
      get: {
        summary:
          "Every task sent down to a town, per target grid: entries, the completion that counts and whether it was late (issue 17), for readers of the town's tasks; only grids whose answers the caller may read",
        security: [{ bearer: [] }],
        parameters: [{ name: 'townId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object' }), 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    '/api/tasks/{townId}/{taskId}/answers': {
      get: {
        summary:
          "The answers to one task sent down, per target grid whose answers the caller may read: its entries (label, values, author, times, late) and the completion that counts (issue 17), for the sender's export on a device that does not sync the grids' answers",
        security: [{ bearer: [] }],
        parameters: [
          { name: 'townId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'taskId', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: { 200: json({ type: 'object' }), 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    '/api/patrols/figures': {
      get: {
        summary:
          "Patrols done against expected per grid and worker for a town or grid and period (issue 17), read as /api/stats reads its query; only grids whose patrols doc the caller may read. For the county's 考核 (its devices hold no patrols docs)",
        security: [{ bearer: [] }],
        parameters: GRID_WORK_QUERY,
        responses: { 200: json({ type: 'object' }), 400: error('bad_request'), 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/care/coverage': {
      get: {
        summary:
          "Care coverage per grid for a town or grid and period (issue 17): households in care, on time, due, overdue at the period's end (or now), and the care visits made in it, read as /api/stats reads its query; only grids whose care doc the caller may read. For the county's 考核",
        security: [{ bearer: [] }],
        parameters: GRID_WORK_QUERY,
        responses: { 200: json({ type: 'object' }), 400: error('bad_request'), 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/blobs/{hash}': {
      get: {
        summary: 'A photo or voice clip (issue 12): to its uploaders and to users who may read a case in which an uploader named it (knowing a hash is not enough). ETag, immutable; 304 on If-None-Match',
        security: [{ bearer: [] }],
        parameters: [{ name: 'hash', in: 'path', required: true, schema: hash }],
        responses: {
          200: { description: 'The bytes; Content-Type as sniffed from them (image/jpeg, image/webp, image/png, audio/webm, audio/ogg, audio/mp4)' },
          304: { description: 'Not modified' },
          401: error('unauthorized'),
          404: error('not_found: not stored, or the caller may not read any case naming it (not told apart)'),
        },
      },
      put: {
        summary:
          'One chunk of an upload (at most 65536 bytes), `Content-Range: bytes <first>-<last>/<total>`; `first` must be the relay\'s offset (GET .../upload). ' +
          'The relay keeps every byte it received durably, also of a cut request. The blob must be JPEG, WebP, PNG or a WebM/Ogg/MP4 audio clip (sniffed from the bytes), at most 4 MiB, its sha256 equal to {hash}',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'hash', in: 'path', required: true, schema: hash },
          { name: 'Content-Range', in: 'header', required: true, schema: { type: 'string', example: 'bytes 0-65535/204800' } },
        ],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          200: json(ref('UploadStatus'), 'Stored; more to come'),
          201: json(ref('UploadStatus'), 'Complete: checked and stored'),
          400: error('bad_range'),
          401: error('unauthorized'),
          409: error('offset_mismatch, with `offset`: where to continue'),
          413: error('too_large (the declared total or the chunk), quota_exceeded'),
          415: error('unsupported_type (from the first chunk: nothing stored)'),
          422: error('hash_mismatch, corrupt_blob (truncated or damaged), empty_blob'),
        },
      },
    },
    '/api/blobs/{hash}/upload': {
      get: {
        summary: "How much of the caller's upload of {hash} the relay holds (resume from `offset`)",
        security: [{ bearer: [] }],
        parameters: [{ name: 'hash', in: 'path', required: true, schema: hash }],
        responses: { 200: json(ref('UploadStatus')), 400: error('bad_request'), 401: error('unauthorized') },
      },
    },
    '/api/blobs': {
      post: {
        summary:
          'Several whole small blobs (thumbnails) in one request: frames [32-byte raw sha256][u32 big-endian length][bytes], at most 65536 bytes in all; each blob is stored as soon as its frame has arrived',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          200: json({ type: 'object', properties: { results: { type: 'array', items: { type: 'object', properties: { hash, complete: { type: 'boolean' }, error: { type: 'string' } } } } } }, 'One result per frame: complete or its error code'),
          401: error('unauthorized'),
          413: error('too_large'),
          422: error('corrupt_blob: the body ends inside a frame (with the results of the frames before it)'),
        },
      },
    },
    '/api/geo/basemap.pmtiles': { get: { summary: 'The PMTiles basemap when DATA_DIR has one (issue 5)', responses: { 200: { description: 'PMTiles bytes' }, 404: error('not_found') } } },
    // Issue 13: resident accounts (server/residenthttp.ts). No answer tells whether a phone number has an account.
    '/api/signup/options': {
      get: { summary: 'How residents may sign up here (issue 13)', responses: { 200: json({ type: 'object', properties: { sms: { type: 'boolean' }, invite: { type: 'boolean' }, passwordMin: { type: 'integer' } } }) } },
    },
    '/api/signup/code': {
      post: {
        summary: 'Text a 6-digit sign-up code to a mobile number (the same answer for every number)',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['phone'], properties: { phone: { type: 'string' } } } } } },
        responses: { 202: json({ type: 'object', properties: { sent: { const: true }, resendAfter: { type: 'integer' }, expiresIn: { type: 'integer' } } }), 400: error('bad_phone'), 429: error('too_many_attempts (Retry-After)'), 502: error('sms_failed'), 503: error('sms_unavailable') },
      },
    },
    '/api/signup': {
      post: {
        summary: 'Create a resident account: phone, password, name, and an SMS code or a village invitation code',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['phone', 'password', 'name'],
                properties: { phone: { type: 'string' }, password: { type: 'string', minLength: 8 }, name: { type: 'string', minLength: 1, maxLength: 20 }, code: { type: 'string', pattern: '^\\d{6}$' }, invite: { type: 'string' }, villageId: { type: 'string' }, birthYear: { type: 'integer', minimum: 1900 } },
              },
            },
          },
        },
        responses: { 201: json({ type: 'object', properties: { token: { type: 'string' }, user: { type: 'object' } } }), 400: error('bad_request | bad_phone | weak_password | bad_code | bad_invite | unknown_village'), 429: error('too_many_attempts (Retry-After)'), 503: error('sms_unavailable') },
      },
    },
    '/api/invites': {
      get: { summary: 'Invitation codes of the villages the caller manages (secretary, town center, admin)', security: [{ bearer: [] }], parameters: [{ name: 'villageId', in: 'query', schema: { type: 'string' } }], responses: { 200: json({ type: 'object', properties: { invites: { type: 'array', items: ref('Invite') } } }), 401: error('unauthorized'), 403: error('forbidden') } },
      post: {
        summary: 'Issue an invitation code for a village',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['villageId'], properties: { villageId: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 365 }, maxUses: { type: 'integer', minimum: 1, maximum: 1000 } } } } } },
        responses: { 201: json(ref('Invite')), 400: error('bad_request | unknown_village'), 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/invites/{code}': {
      delete: { summary: 'Revoke an invitation code', security: [{ bearer: [] }], parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json(ref('Invite')), 401: error('unauthorized'), 404: error('not_found') } },
    },
    '/api/me/prefs': {
      get: { summary: "A resident's SMS-progress opt-in and phone", security: [{ bearer: [] }], responses: { 200: json(ref('ResidentPrefs')), 403: error('forbidden') } },
      put: {
        summary: 'Turn progress texts on or off (a resident)',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['smsProgress'], properties: { smsProgress: { type: 'boolean' } } } } } },
        responses: { 200: json(ref('ResidentPrefs')), 400: error('bad_request | sms_needs_mobile'), 403: error('forbidden') },
      },
    },
    // Issue 14: the user's own settings (server/settings.ts; rules in src/domain/settings.ts).
    '/api/me/settings': {
      get: { summary: "The caller's own settings (follow them to any device)", security: [{ bearer: [] }], responses: { 200: json(USER_SETTINGS_ANSWER), 401: error('unauthorized') } },
      put: {
        summary: "Change the caller's own settings: a patch (named fields replace, null removes)",
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: USER_SETTINGS_PATCH } } },
        responses: { 200: json(USER_SETTINGS_ANSWER), 400: error('bad_request'), 401: error('unauthorized'), 413: error('too_large') },
      },
    },
    // Issue 15: staff accounts, the user's own password, sign-out, the audit log (server/accountshttp.ts; rules in
    // src/domain/accounts.ts).
    '/api/accounts': {
      get: {
        summary: "Staff accounts: all (admin) or the caller's town (town center)",
        security: [{ bearer: [] }],
        parameters: [
          { name: 'town', in: 'query', schema: { type: 'string' } },
          { name: 'role', in: 'query', schema: { type: 'string' } },
          { name: 'q', in: 'query', description: 'part of the username, name or phone', schema: { type: 'string' } },
          { name: 'disabled', in: 'query', schema: { type: 'string', enum: ['0', '1'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 500 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
        ],
        responses: { 200: json({ type: 'object', properties: { accounts: { type: 'array', items: ref('Account') }, total: { type: 'integer' } } }), 401: error('unauthorized'), 403: error('forbidden') },
      },
      post: {
        summary: 'Create a staff account; answers its temporary password (to be changed at the first sign-in)',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('AccountInput') } } },
        responses: {
          201: json({ type: 'object', properties: { account: ref('Account'), temporaryPassword: { type: 'string' } } }),
          400: error('bad_request | bad_scope (with field and problem: required | unknown | not_allowed)'),
          401: error('unauthorized'),
          403: error('forbidden'),
          409: error('username_taken'),
        },
      },
    },
    '/api/accounts/{id}': {
      patch: {
        summary: 'Change, disable or re-enable a staff account (a role, scope or disabled change closes its live connections and refuses its tokens)',
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('AccountPatch') } } },
        responses: { 200: json({ type: 'object', properties: { account: ref('Account') } }), 400: error('bad_request | bad_scope'), 403: error('forbidden'), 404: error('not_found'), 409: error('own_account | last_admin') },
      },
    },
    '/api/accounts/{id}/password-reset': {
      post: {
        summary: 'Reset the password to a one-time temporary one (its tokens are refused from now on)',
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object', properties: { temporaryPassword: { type: 'string' } } }), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    '/api/me/password': {
      post: {
        summary: "Change the caller's own password (also with a temporary password's token); answers a new token",
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['current', 'next'], properties: { current: { type: 'string' }, next: { type: 'string', minLength: 8 } } } } } },
        responses: { 200: json({ type: 'object', properties: { token: { type: 'string' } } }), 400: error('bad_request | weak_password (problem: too_short | too_simple | contains_username | same_as_before)'), 401: error('unauthorized'), 403: error('bad_password') },
      },
    },
    '/api/logout': {
      post: { summary: 'Record a sign-out in the audit log', security: [{ bearer: [] }], responses: { 204: { description: 'recorded' }, 401: error('unauthorized') } },
    },
    '/api/audit': {
      get: {
        summary: 'The audit log, newest first (admin); append-only: no route changes it',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'actor', in: 'query', schema: { type: 'string' } },
          { name: 'action', in: 'query', description: "an action, or a prefix ending in '.' (account.)", schema: { type: 'string' } },
          { name: 'target', in: 'query', schema: { type: 'string' } },
          { name: 'from', in: 'query', description: 'ms since the epoch', schema: { type: 'integer' } },
          { name: 'to', in: 'query', schema: { type: 'integer' } },
          { name: 'before', in: 'query', description: 'the `next` of the previous page', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 500 } },
        ],
        responses: { 200: json({ type: 'object', properties: { entries: { type: 'array', items: ref('AuditEntry') }, next: { type: 'integer' } } }), 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/audit.csv': {
      get: {
        summary: 'The audit log as CSV (admin): the filters of /api/audit, every match newest first; recorded as an export (target audit.csv)',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'actor', in: 'query', schema: { type: 'string' } },
          { name: 'action', in: 'query', description: "an action, or a prefix ending in '.' (account.)", schema: { type: 'string' } },
          { name: 'target', in: 'query', schema: { type: 'string' } },
          { name: 'from', in: 'query', description: 'ms since the epoch', schema: { type: 'integer' } },
          { name: 'to', in: 'query', schema: { type: 'integer' } },
        ],
        responses: {
          200: { description: 'UTF-8 CSV with a byte order mark and CRLF lines; formula-like cells escaped with a leading apostrophe', content: { 'text/csv': { schema: { type: 'string' } } } },
          400: error('bad_request'),
          401: error('unauthorized'),
          403: error('forbidden'),
          413: error('too_large (maxRows)'),
        },
      },
    },
    '/api/sms/log': {
      get: {
        summary: 'Progress texts sent, newest first (admin)',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'caseId', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
          { name: 'before', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { 200: json({ type: 'object', properties: { messages: { type: 'array', items: { type: 'object' } } } }), 403: error('forbidden') },
      },
    },
    // Issue 13: Open311 (server/open311.ts). The GeoReport v2 routes answer JSON or XML by the path's extension and
    // errors as the spec shapes them ([{code, description}]), not {"error"}.
    '/api/open311/keys': {
      get: { summary: 'Open311 API keys issued (admin; never the keys themselves)', security: [{ bearer: [] }], responses: { 200: json({ type: 'object', properties: { keys: { type: 'array', items: ref('ApiKey') } } }), 401: error('unauthorized'), 403: error('forbidden') } },
      post: {
        summary: 'Issue an Open311 API key to a client system (admin); the key is in this answer only',
        security: [{ bearer: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 60 } } } } } },
        responses: { 201: json({ allOf: [ref('ApiKey'), { type: 'object', properties: { key: { type: 'string' } } }] }), 400: error('bad_request'), 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/open311/keys/{id}': {
      delete: {
        summary: 'Revoke an Open311 API key (admin): refused at once; its reports stay',
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json(ref('ApiKey')), 401: error('unauthorized'), 403: error('forbidden'), 404: error('not_found') },
      },
    },
    ...open311Paths(),
    // Issue 15: bulk import and export of staff accounts as a sheet (server/accountsimport.ts; the sheet's columns
    // and rules in src/domain/staffsheet.ts).
    '/api/accounts/template.xlsx': {
      get: {
        summary: "The staff sheet's template: sheet 账号 (header, an example row per role the caller may give) and sheet 说明 (the rules, the places of the caller's scope by id and name)",
        security: [{ bearer: [] }],
        responses: { 200: { description: 'the .xlsx (attachment)', content: { [XLSX_TYPE]: {} } }, 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/accounts/export.{format}': {
      get: {
        summary: 'The staff the caller may manage as the staff sheet (same columns as the import; formula-injection safe; audited as an export)',
        security: [{ bearer: [] }],
        parameters: [{ name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['xlsx', 'csv'] } }],
        responses: { 200: { description: 'the .xlsx or the CSV (UTF-8 with byte order mark, CRLF), as an attachment', content: { [XLSX_TYPE]: {}, 'text/csv': {} } }, 401: error('unauthorized'), 403: error('forbidden') },
      },
    },
    '/api/accounts/import': {
      post: {
        summary:
          'Import staff accounts from a sheet (columns 用户名 姓名 角色 手机号 乡镇 村 网格 单位; at most 10,000 rows, 5 MB). Every row is checked first; any problem: 422 listing all, nothing imported. ' +
          'Clean: all created in one transaction, each with a temporary password to be changed at first sign-in, one audit entry (account.imported). ' +
          'The temporary passwords are in this answer only: JSON, or an .xlsx (sheet 临时密码) when Accept asks for one.',
        security: [{ bearer: [] }],
        parameters: [{ name: 'dryRun', in: 'query', description: '1: check only, write nothing', schema: { type: 'string', enum: ['1'] } }],
        requestBody: { required: true, content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } } } },
        responses: {
          200: json({ type: 'object', properties: { ok: { const: true }, rows: { type: 'integer' }, roles: { type: 'object', additionalProperties: { type: 'integer' } } } }, 'dryRun: the sheet is clean'),
          201: {
            description: 'created (Server-Timing: check, hash, commit)',
            content: {
              'application/json': { schema: { type: 'object', properties: { created: { type: 'integer' }, accounts: { type: 'array', items: { type: 'object', properties: { username: { type: 'string' }, temporaryPassword: { type: 'string' } } } } } } },
              [XLSX_TYPE]: {},
            },
          },
          400: error('unreadable (not a spreadsheet; an unclosed CSV quote)'),
          401: error('unauthorized'),
          403: error('forbidden'),
          409: error('busy (another import is being written) | invalid_sheet (a username taken meanwhile; with problems)'),
          413: error('too_large'),
          415: error('unsupported_media_type'),
          422: json({ type: 'object', properties: { error: { const: 'invalid_sheet' }, problems: { type: 'array', items: SHEET_PROBLEM } } }, 'invalid_sheet: every problem, nothing imported'),
        },
      },
    },
  },
} as const;

/** The Open311 GeoReport v2 routes (http://wiki.open311.org/GeoReport_v2), summarised; contracts in server/open311.ts. */
function open311Paths(): Record<string, object> {
  const format = { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'xml'] } };
  const o311 = (summary: string, extra: object = {}) => ({
    summary,
    parameters: [format, { name: 'jurisdiction_id', in: 'query', schema: { type: 'string', enum: ['gridlink'] } }],
    responses: {
      200: { description: 'application/json or text/xml' },
      400: { description: '[{code, description}] (or <errors><error>...)' },
      404: { description: 'unknown service_code, request, token or jurisdiction_id' },
    },
    ...extra,
  });
  return {
    '/open311/discovery.{format}': { get: o311('Open311 service discovery') },
    '/open311/v2/services.{format}': { get: o311('Services: the subcategories (group = major category, metadata = has attributes)') },
    '/open311/v2/services/{service_code}.{format}': { get: o311('Service definition: its attributes') },
    '/open311/v2/requests.{format}': {
      get: o311('Public requests (filters service_request_id, service_code, start_date, end_date, status); no names, phones or free text'),
      post: o311('Report (application/x-www-form-urlencoded, api_key required; Idempotency-Key header or idempotency_key field for exactly-once re-posts)', {
        responses: { 201: { description: '[{service_request_id, token, service_notice}]' }, 200: { description: 'a re-post with the same idempotency key' }, 400: { description: 'bad fields or location' }, 403: { description: 'api_key missing, unknown or revoked' }, 404: { description: 'unknown service_code' }, 409: { description: 'idempotency key re-used with other fields' } },
      }),
    },
    '/open311/v2/requests/{service_request_id}.{format}': { get: o311('One request') },
    '/open311/v2/tokens/{token}.{format}': { get: o311('The request id of a token returned by POST requests') },
  };
}
