// Issue 9, section 5: the production path. A relay started with the production rules (what `node
// dist-server/main.js` runs without --demo) on real ports: no demo accounts, the administrator from the setting,
// refusals that say what to do; then the relay as `npm run build` compiles it, run as a child process.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type StartOptions } from '../../server/app.ts';
import { buildServer, runtimePackages, type ServerBuild } from '../../server/build.ts';
import { ConfigError, readEnv } from '../../server/config.ts';
import { quietLogger } from '../../server/log.ts';
import { seedStore } from '../../server/seed.ts';
import { Store } from '../../server/store.ts';
import { ORG_DOC } from '../../src/domain/docs.ts';
import { WAIT_MS } from '../support/wait.ts';
import { api, FIXTURE_ORG, PASSWORD, ROOT, tempDir } from './relay-harness.ts';

const ADMIN = { username: 'admin', password: 'village roads 2026' };
const temps: Array<{ remove(): void }> = [];
afterAll(() => temps.forEach((t) => t.remove()));

function dir(): string {
  const t = tempDir('gridlink-prod-');
  temps.push(t);
  return t.dir;
}

function production(dataDir: string, extra: Partial<StartOptions> = {}) {
  return startServer({ dataDir, port: 0, host: '127.0.0.1', production: true, staticDir: join(dataDir, 'no-app'), log: quietLogger, ...extra });
}

async function status(base: string, username: string, password: string): Promise<number> {
  return (await api(base, '/api/login', { body: { username, password } })).status;
}

describe('the production rules (startServer with production: true)', () => {
  it('refuses an empty DATA_DIR without an administrator setting, saying what to do', async () => {
    const err = await production(dir()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/no administrator yet.*ADMIN_PASSWORD.*create-admin/);
  });

  it('creates the administrator from the setting on the first start, with no demo account', async () => {
    const dataDir = dir();
    let server = await production(dataDir, { admin: ADMIN });
    try {
      expect(await status(server.url, 'w0001', 'demo')).toBe(401);
      expect(await status(server.url, 'town01', 'demo')).toBe(401);
      expect(await status(server.url, 'admin', 'demo')).toBe(401);
      const r = await api(server.url, '/api/login', { body: ADMIN });
      expect(r.status).toBe(200);
      const me = await api(server.url, '/api/me', { token: (r.body as { token: string }).token });
      expect(me.body).toMatchObject({ user: { id: 'admin', username: 'admin', role: 'admin' }, docs: [{ name: ORG_DOC, access: 'write' }] });
      expect(server.store.usersByRole()).toEqual({ admin: 1 });
      // In the org doc's user directory too, so the app shows the name in timelines.
      expect(await server.relay.withDoc(ORG_DOC, (d) => d.getMap('users').get('admin'))).toMatchObject({ role: 'admin', name: '系统管理员' });
    } finally {
      await server.close();
    }
    // Later starts need no setting, and a setting does not make a second administrator.
    server = await production(dataDir);
    try {
      expect(await status(server.url, ADMIN.username, ADMIN.password)).toBe(200);
    } finally {
      await server.close();
    }
    server = await production(dataDir, { admin: { username: 'admin2', password: 'another long secret' } });
    try {
      expect(server.store.usersByRole()).toEqual({ admin: 1 });
    } finally {
      await server.close();
    }
  });

  it('refuses a default or weak administrator password', async () => {
    for (const [password, reason] of [
      ['demo', /published demo password/],
      ['short-pw1', /shorter than 12/],
      ['aaaaaaaaaaaaaaaa', /6 different/],
      ['admin-2026-spring', /contains the username/],
    ] as const) {
      const err = await production(dir(), { admin: { username: 'admin', password } }).catch((e: unknown) => e);
      expect(err, password).toBeInstanceOf(ConfigError);
      expect((err as Error).message, password).toMatch(reason);
    }
  });

  it('refuses a DATA_DIR holding the demo county, saying to use an empty one', async () => {
    const dataDir = dir();
    const demo = await startServer({ dataDir, port: 0, host: '127.0.0.1', demo: true, staticDir: join(dataDir, 'no-app'), log: quietLogger });
    await demo.close();
    const err = await production(dataDir, { admin: ADMIN }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/holds the demo county.*new, empty directory/);
  });

  it('refuses a store whose accounts have the published demo password, and starts once they have their own', async () => {
    const withDemoPassword = dir();
    const store = new Store(withDemoPassword);
    await seedStore(store, { org: FIXTURE_ORG, events: [] }, { password: 'demo', clientId: 7 });
    store.close();
    const err = await production(withDemoPassword).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/\d+ account\(s\).*published demo password \(admin\).*new, empty DATA_DIR/);

    const own = dir();
    const ok = new Store(own);
    await seedStore(ok, { org: FIXTURE_ORG, events: [] }, { password: PASSWORD, clientId: 7 });
    ok.close();
    const server = await production(own);
    await server.close();
  });

  it('never runs the demo county with the production rules', async () => {
    await expect(startServer({ dataDir: dir(), port: 0, production: true, demo: true, log: quietLogger })).rejects.toThrow(ConfigError);
  });
});

describe('ADMIN_USERNAME and ADMIN_PASSWORD', () => {
  it('are read together, the password as typed', () => {
    expect(readEnv({}).admin).toBeUndefined();
    expect(readEnv({ ADMIN_PASSWORD: ' village roads 2026 ' }).admin).toEqual({ username: 'admin', password: ' village roads 2026 ' });
    expect(readEnv({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: ADMIN.password }).admin).toEqual({ username: 'ops', password: ADMIN.password });
  });

  it('stop the process with a message naming the variable', () => {
    for (const [env, message] of [
      [{ ADMIN_PASSWORD: 'demo' }, /ADMIN_PASSWORD is the published demo password/],
      [{ ADMIN_PASSWORD: 'village-secret-1', DEMO_PASSWORD: 'village-secret-1' }, /ADMIN_PASSWORD is the published demo password/],
      [{ ADMIN_PASSWORD: 'shortpass' }, /ADMIN_PASSWORD is shorter than 12 characters/],
      [{ ADMIN_USERNAME: 'no spaces', ADMIN_PASSWORD: ADMIN.password }, /ADMIN_USERNAME/],
    ] as const) {
      expect(() => readEnv(env)).toThrow(ConfigError);
      expect(() => readEnv(env)).toThrow(message);
    }
  });
});

// ------------------------------------------------------------------ the compiled relay

describe('the relay as `npm run build` compiles it', () => {
  let out: string;
  let built: ServerBuild;

  beforeAll(async () => {
    // Compiled into a temporary directory (never the project's dist-server/, which `npm start` may be running),
    // next to a node_modules link so its package imports resolve as in a deployment.
    out = dir();
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    built = await buildServer({ outDir: join(out, 'dist-server') });
  });

  it('imports at run time only packages listed in dependencies, none of the build tools', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(built.packages.length).toBeGreaterThan(0);
    for (const name of built.packages) {
      expect(pkg.dependencies, name).toHaveProperty([name]);
      expect(pkg.devDependencies, name).not.toHaveProperty([name]);
    }
    for (const tool of ['vite', 'tsx', 'esbuild', 'typescript', '@preact/preset-vite', 'vite-plugin-pwa', 'workbox-build']) {
      expect(pkg.devDependencies, tool).toHaveProperty([tool]);
      expect(built.packages).not.toContain(tool);
    }
    expect(runtimePackages(['node:fs', 'fs', 'lib0/decoding', '@scope/pkg/deep', './x.js'])).toEqual(['@scope/pkg', 'lib0']);
  });

  it('has a lock file whose production install (`npm ci --omit=dev`) holds no build tool', () => {
    // npm installs every locked package not marked `dev`, `devOptional` ones included (an optional peer of a
    // runtime package: how TypeScript once came in with valibot).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev !== true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(installed).toContain('better-sqlite3');
    for (const tool of ['vite', 'rolldown', 'tsx', 'esbuild', 'typescript', '@preact/preset-vite', 'vite-plugin-pwa', 'workbox-build', 'vitest', 'eslint', 'maplibre-gl', 'preact']) {
      expect(installed, tool).not.toContain(tool);
    }
  });

  it('starts with no demo account and the administrator from ADMIN_PASSWORD', async () => {
    const relay = await run(['--demo'], { DATA_DIR: dir(), NODE_ENV: 'production' });
    expect(relay.code).toBe(1);
    expect(relay.stderr).toMatch(/--demo is refused with NODE_ENV=production/);

    const empty = dir();
    const refused = await run([], { DATA_DIR: empty, ADMIN_PASSWORD: 'demo' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ADMIN_PASSWORD is the published demo password/);

    const server = await serve({ DATA_DIR: empty, ADMIN_PASSWORD: ADMIN.password, NODE_ENV: 'production' });
    try {
      expect(await status(server.url, 'w0001', 'demo')).toBe(401);
      expect(await status(server.url, 'admin', 'demo')).toBe(401);
      expect(await status(server.url, 'admin', ADMIN.password)).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('creates an administrator with `create-admin` before the first start', async () => {
    const dataDir = dir();
    const created = await run(['create-admin', '--username', 'ops', '--name', '运维'], { DATA_DIR: dataDir }, 'spring desk 2026 rain\n');
    expect(created.stderr).toMatch(/created the administrator "ops"/);
    expect(created.code).toBe(0);
    const again = await run(['create-admin', '--username', 'ops'], { DATA_DIR: dataDir }, 'spring desk 2026 rain\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists already/);

    const server = await serve({ DATA_DIR: dataDir });
    try {
      expect(await status(server.url, 'ops', 'spring desk 2026 rain')).toBe(200);
    } finally {
      await server.stop();
    }
  });

  /** Run the compiled relay to its exit (a refusal or a command). */
  function run(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stderr: string }> {
    const proc = spawn(process.execPath, [join(out, 'dist-server/main.js'), ...args], { env: childEnv(env), stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdin.end(stdin);
    return new Promise((done) => proc.once('exit', (code) => done({ code, stderr })));
  }

  /** Start the compiled relay; resolves on its listening line. */
  async function serve(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
    const proc = spawn(process.execPath, [join(out, 'dist-server/main.js')], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the compiled relay did not start:\n${stderr}`)), WAIT_MS);
      createInterface({ input: proc.stdout }).on('line', (line) => {
        const m = /^Gridlink listening on (http:\/\/\S+)$/.exec(line);
        if (!m) return;
        clearTimeout(timer);
        done(m[1]!);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        fail(new Error(`the compiled relay exited (${code}) before listening:\n${stderr}`));
      });
    });
    return {
      url,
      stop: async () => {
        proc.kill('SIGTERM');
        expect(await exited).toBe(0);
      },
    };
  }

  function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
    const base: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test' };
    for (const k of ['ADMIN_USERNAME', 'ADMIN_PASSWORD', 'DEMO_PASSWORD', 'JWT_SECRET']) delete base[k];
    mkdirSync(env.DATA_DIR!, { recursive: true });
    return { ...base, ...env };
  }
});
