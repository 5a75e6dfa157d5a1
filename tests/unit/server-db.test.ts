// Issue 16: SQL written once for SQLite, translated for PostgreSQL (server/db.ts pgSql, pgDdl).
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../server/config.ts';
import { isPgUrl, pgDdl, pgSql } from '../../server/db.ts';

describe('pgSql', () => {
  it('numbers placeholders, and leaves question marks in strings alone', () => {
    expect(pgSql("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?")).toBe("SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2");
  });

  it('turns INSERT OR IGNORE into ON CONFLICT DO NOTHING', () => {
    expect(pgSql('INSERT OR IGNORE INTO case_index (case_id, doc) VALUES (?, ?)')).toBe('INSERT INTO case_index (case_id, doc) VALUES ($1, $2) ON CONFLICT DO NOTHING');
  });

  it('translates json_extract, instr, two-argument max, and types what PostgreSQL cannot infer', () => {
    expect(pgSql("SELECT * FROM users WHERE json_extract(scope, '$.phone') = ?")).toBe("SELECT * FROM users WHERE (scope::jsonb ->> 'phone') = $1");
    expect(pgSql('SELECT instr(lower(username), lower(?)) > 0')).toBe('SELECT strpos(lower(username), lower($1::text)) > 0');
    expect(pgSql('UPDATE SET created_ms = max(blobs.created_ms, excluded.created_ms)')).toBe('UPDATE SET created_ms = greatest(blobs.created_ms, excluded.created_ms)');
    expect(pgSql('SELECT count(*) AS n, max(seq) AS top FROM t WHERE (? IS NULL OR c = ?)')).toBe('SELECT count(*) AS n, max(seq) AS top FROM t WHERE ($1::text IS NULL OR c = $2)');
  });

  it('keeps camelCase aliases (PostgreSQL folds unquoted names to lower case)', () => {
    expect(pgSql('SELECT password_hash AS passwordHash, count(*) AS accounts FROM users')).toBe('SELECT password_hash AS "passwordHash", count(*) AS accounts FROM users');
  });
});

describe('pgDdl', () => {
  it('maps SQLite column types', () => {
    expect(pgDdl('CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, b BLOB, t TEXT)')).toBe(
      'CREATE TABLE x (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, b BYTEA, t TEXT)',
    );
  });
});

it('DATABASE_URL: only postgres:// and postgresql:// select PostgreSQL', () => {
  expect(isPgUrl('postgres://u@h/db')).toBe(true);
  expect(isPgUrl('postgresql:///db?host=/var/run/postgresql')).toBe(true);
  expect(isPgUrl('sqlite:///x')).toBe(false);
  expect(isPgUrl(undefined)).toBe(false);
});

describe('DATABASE_URL and PG_POLL_MS (config.ts)', () => {
  it('selects PostgreSQL, with a 2 s poll by default; SQLite when unset', () => {
    expect(readEnv({})).not.toHaveProperty('databaseUrl');
    expect(readEnv({ DATABASE_URL: 'postgres://relay@db/gridlink' })).toMatchObject({ databaseUrl: 'postgres://relay@db/gridlink', pgPollMs: 2000 });
    expect(readEnv({ DATABASE_URL: 'postgresql:///gridlink', PG_POLL_MS: '500' })).toMatchObject({ pgPollMs: 500 });
  });

  it('refuses what cannot work, saying why', () => {
    expect(() => readEnv({ DATABASE_URL: 'mysql://db/gridlink' })).toThrow(/postgres:\/\//);
    expect(() => readEnv({ PG_POLL_MS: '500' })).toThrow(/DATABASE_URL is not/);
    expect(() => readEnv({ DATABASE_URL: 'postgres://db/gridlink', BACKUP_DIR: '/backup' })).toThrow(/pg_dump/);
  });
});
