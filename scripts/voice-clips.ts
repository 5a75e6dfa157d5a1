/**
 * Issue 14: records the screens' read-aloud instructions (`voice.i.<id>` in src/app/locales/voice.zh.ts) as short
 * Ogg Opus clips, public/voice/<id>.opus, for devices without a Chinese speech-synthesis voice (src/app/speech.ts).
 * Run by a developer after changing an instruction, and the clips committed; CI and builds never run it:
 *
 *   apt-get install -y espeak-ng opus-tools
 *   node --import tsx scripts/voice-clips.ts          # only the clips whose text changed (or are missing)
 *   node --import tsx scripts/voice-clips.ts --all    # every clip
 *
 * Voice: espeak-ng's Mandarin (cmn), a little slow (150 words a minute) for older listeners; 8 kbit/s mono Opus
 * tuned for speech (about 1.1 KB a second). scripts/voice-clips.json keeps the SHA-256 of each clip's
 * text, so tests/unit/voice-clips.test.ts can tell a clip that no longer says its instruction. Output is
 * deterministic (fixed stream serial, no encoder comments), so an unchanged text gives an unchanged file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voiceZh } from '../src/app/locales/voice.zh.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'public', 'voice');
const LOCK = join(ROOT, 'scripts', 'voice-clips.json');

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

const all = process.argv.includes('--all');
const lock: Record<string, string> = existsSync(LOCK) ? (JSON.parse(readFileSync(LOCK, 'utf8')) as Record<string, string>) : {};
const next: Record<string, string> = {};
const tmp = mkdtempSync(join(tmpdir(), 'voice-clips-'));
let made = 0;
let total = 0;
try {
  for (const [key, text] of Object.entries(voiceZh)) {
    if (!key.startsWith('voice.i.')) continue;
    const id = key.slice('voice.i.'.length);
    const file = join(OUT, `${id}.opus`);
    const hash = textHash(text);
    next[id] = hash;
    if (all || lock[id] !== hash || !existsSync(file)) {
      const wav = join(tmp, `${id}.wav`);
      execFileSync('espeak-ng', ['-v', 'cmn', '-s', '150', '-w', wav, text]);
      execFileSync('opusenc', ['--quiet', '--speech', '--bitrate', '8', '--downmix-mono', '--serial', '1', '--discard-comments', wav, file]);
      made++;
    }
    const size = statSync(file).size;
    total += size;
    console.log(`${id.padEnd(16)} ${String(size).padStart(6)} B  ${text}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(LOCK, `${JSON.stringify(next, null, 2)}\n`);
console.log(`${made} clip(s) recorded; ${Object.keys(next).length} clips, ${(total / 1024).toFixed(1)} KiB in all`);
