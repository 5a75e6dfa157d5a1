// Issue 14: a recorded clip exists for every screen instruction (public/voice/<id>.opus, scripts/voice-clips.ts),
// is a small Ogg Opus file, still says the instruction's current text, and no clip is left without an instruction.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { voiceZh } from '../../../src/app/locales/voice.zh.ts';
import { CLIP_IDS, clipUrl } from '../../../src/app/speech.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DIR = join(ROOT, 'public', 'voice');
const lock = JSON.parse(readFileSync(join(ROOT, 'scripts', 'voice-clips.json'), 'utf8')) as Record<string, string>;

describe('read-aloud clips', () => {
  it('one small Ogg Opus file per instruction, recorded from its current text', () => {
    expect(CLIP_IDS.length).toBeGreaterThan(20);
    let total = 0;
    for (const id of CLIP_IDS) {
      const bytes = readFileSync(join(DIR, `${id}.opus`));
      total += bytes.length;
      expect(bytes.subarray(0, 4).toString('latin1'), id).toBe('OggS');
      expect(bytes.subarray(28, 36).toString('latin1'), id).toBe('OpusHead');
      expect(bytes.length, id).toBeLessThan(24 * 1024);
      const text = voiceZh[`voice.i.${id}` as keyof typeof voiceZh];
      expect(lock[id], `${id}: its text changed since the clip was recorded; run node --import tsx scripts/voice-clips.ts`).toBe(createHash('sha256').update(text).digest('hex'));
      expect(clipUrl(id)).toMatch(new RegExp(`^/voice/${id}\\.opus\\?t=[0-9a-z]+$`));
    }
    expect(total).toBeLessThan(320 * 1024);
  });

  it('no clip without an instruction', () => {
    expect(readdirSync(DIR).sort()).toEqual(CLIP_IDS.map((id) => `${id}.opus`).sort());
    expect(Object.keys(lock).sort()).toEqual([...CLIP_IDS].sort());
  });
});
