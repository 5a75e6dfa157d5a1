/**
 * The voice recorder in Debian chromium with its fake microphone (--use-fake-device-for-media-stream, permission
 * granted by --use-fake-ui-for-media-stream): record, see the countdown, stop, play back, and the clip kept on the
 * device is a WebM/Opus blob the relay accepts (checkBlob), hashed, with its length in seconds; removing it clears
 * the form's VoiceRef. Without a microphone permission the recorder says to describe it in words.
 * VoiceRecorder is bundled alone (esbuild) into a bare page with a stand-in session whose evidence.keep records
 * what it is given.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = `
import { render, h } from 'preact';
import { VoiceRecorder } from './src/features/evidence/VoiceRecorder.tsx';
import { checkBlob } from './src/domain/blobs.ts';
window.__kept = [];
window.__voice = null;
const session = { evidence: { keep: async (blobs) => { for (const b of blobs) window.__kept.push({ hash: b.hash, kind: b.kind, type: b.type, size: b.bytes.length, check: checkBlob(b.bytes), bytes: Array.from(b.bytes) }); } } };
render(h(VoiceRecorder, { session, id: 'v', maxSeconds: 60, onChange: (v) => { window.__voice = v === undefined ? 'removed' : v; } }), document.getElementById('root'));
`;

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'tsx' },
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: 'es2022',
    outdir: '/tmp/voice-out',
    loader: { '.css': 'empty' },
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><div id="root"></div><script src="/app.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('voice recorder in chromium', () => {
  it('records from the microphone with a countdown, keeps a WebM clip, plays it back and removes it', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', permissions: ['microphone'] });
    const page = await ctx.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: '开始录音' }).click();
    const timer = page.getByRole('timer');
    await expect.poll(() => timer.textContent(), { timeout: 15_000 }).toMatch(/^正在录音，还剩 (59|58|57) 秒$/);
    await page.waitForTimeout(2500);
    expect(await timer.textContent()).toMatch(/^正在录音，还剩 (57|56|55|54) 秒$/);
    await page.getByRole('button', { name: '停止录音' }).click();
    await page.locator('audio').waitFor({ timeout: 15_000 });

    const kept = await page.evaluate(() => (window as unknown as { __kept: Array<{ hash: string; kind: string; type: string; size: number; check: unknown; bytes: number[] }> }).__kept);
    expect(kept).toHaveLength(1);
    const clip = kept[0]!;
    expect(clip.kind).toBe('voice');
    expect(clip.type).toBe('audio/webm');
    expect(clip.check).toEqual({ ok: true, type: 'audio/webm' });
    expect(clip.hash).toBe(createHash('sha256').update(Buffer.from(clip.bytes)).digest('hex'));
    // ~24 kbps: a few seconds are a few KB to a few tens of KB, not hundreds.
    expect(clip.size).toBeGreaterThan(500);
    expect(clip.size).toBeLessThan(60 * 1024);
    const voice = await page.evaluate(() => (window as unknown as { __voice: { hash: string; seconds: number } }).__voice);
    expect(voice.hash).toBe(clip.hash);
    expect(voice.seconds).toBeGreaterThanOrEqual(2);
    expect(voice.seconds).toBeLessThanOrEqual(5);
    expect(await page.locator('.voice-done span').textContent()).toBe(`语音 ${voice.seconds} 秒`);
    // It plays back: the element has the clip's duration-bearing media loaded.
    const playable = await page.evaluate(async () => {
      const a = document.querySelector('audio')!;
      await a.play();
      return !a.paused || a.ended;
    });
    expect(playable).toBe(true);

    await page.getByRole('button', { name: '删除录音' }).click();
    expect(await page.evaluate(() => (window as unknown as { __voice: unknown }).__voice)).toBe('removed');
    expect(await page.locator('audio').count()).toBe(0);
    await page.getByRole('button', { name: '开始录音' }).waitFor();
    await ctx.close();
  });

  it('says to describe it in words when the microphone is refused', async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    // A refused permission, as the browser reports it.
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await page.goto(url);
    await page.getByRole('button', { name: '开始录音' }).click();
    await page.getByText('未获准使用麦克风，不能录音，请用文字描述。').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __kept: unknown[] }).__kept.length)).toBe(0);
    await ctx.close();
  });
});
