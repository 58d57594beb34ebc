// The file store keeps evaluation results as separate durable blobs, so the state file stays small however many evaluations are recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { createMemoryRepository } from '../../server/store/memoryRepository.js';

describe('blobs', () => {
  it('lowdb: a blob survives reopening, lives outside db.json, and keys are checked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-store-'));
    const repo = await openLowdbRepository(dir);
    const big = { text: 'x'.repeat(50_000) };
    await repo.putBlob('evaluation-1', big);
    await repo.transact((s) => {
      s.counters.ev = 1;
    });
    await repo.close();
    const again = await openLowdbRepository(dir);
    expect(await again.getBlob('evaluation-1')).toEqual(big);
    expect(await again.getBlob('evaluation-2')).toBeNull();
    await expect(again.putBlob('../escape', 1)).rejects.toThrow(/bad blob key/);
    await expect(again.putBlob('evaluation-1', 2)).rejects.toThrow();
    expect(fs.statSync(path.join(dir, 'db.json')).size).toBeLessThan(5_000);
    expect(fs.readdirSync(path.join(dir, 'blobs')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('memory: same behaviour', async () => {
    const repo = createMemoryRepository();
    await repo.putBlob('a', { n: 1 });
    expect(await repo.getBlob('a')).toEqual({ n: 1 });
    expect(await repo.getBlob('b')).toBeNull();
    await expect(repo.putBlob('a', 2)).rejects.toThrow();
  });
});
