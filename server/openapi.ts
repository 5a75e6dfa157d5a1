/**
 * The OpenAPI 3 description of the relay's HTTP API, served at GET /api/openapi.json.
 * Kept next to the routes (http.ts); tests/integration/workflow-api.test.ts checks every route is described.
 */
import { REVISIT_OUTCOMES, SATISFACTIONS } from '../src/domain/events.ts';
import { COMMAND_TYPES } from '../src/domain/commands.ts';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
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
          command('dispatch', { unitId: { type: 'string' }, planId: { type: 'string' }, dueHours: { type: 'integer', minimum: 1, maximum: 2160 }, note }, ['unitId']),
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
          400: error('bad_request (bad fields), unknown_unit, unknown_plan, unknown_step, merge_into_self, unknown_case (merge target), photo_required (resolve without photos when the plan asks for an after-photo)'),
          401: error('unauthorized'),
          403: error('forbidden (doc), role_not_allowed, out_of_scope, not_reporter'),
          404: error('unknown_case'),
          409: error('state_not_allowed, feedback_given, extension_pending, no_extension_pending, no_revisit_pending'),
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
  },
} as const;
