// The file store keeps large values (documents, golden cases, dossier revisions, evaluation results) as content-addressed blobs written once, so db.json stays small and a write costs what it changes.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbRepository } from '../../server/store/lowdbRepository.js';
import { fullDossier } from './helpers.js';
import { dossierIndex } from '../../server/facts.js';

const key = randomBytes(32);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mc-store-'));

describe('lowdb store, format 2', () => {
  it('keeps dossier revisions as blobs outside db.json, written once per content, and reads them back after reopening', async () => {
    const dir = tmp();
    const repo = await openLowdbRepository(dir, { auditKey: key });
    const big = fullDossier('big', 1450, 1250);
    (big.facts as Record<string, unknown>).notes = 'x'.repeat(50_000);
    await repo.transact(async (tx) => {
      await tx.dossiers.addRevision('big-2018', null, { revision: 1, hash: 'sha256:a', at: 't', by: 'me', dossier: big }, dossierIndex(big));
      await tx.audit.append({ at: 't', actor: 'me', action: 'dossier.create', target: 'dossier:big-2018', before: null, after: 'sha256:a', details: { revision: 1 } });
    });
    // The same content again under another dossier: no second blob.
    await repo.transact(async (tx) => {
      await tx.dossiers.addRevision('copy-2018', null, { revision: 1, hash: 'sha256:a', at: 't', by: 'me', dossier: big }, dossierIndex(big));
      await tx.audit.append({ at: 't', actor: 'me', action: 'dossier.create', target: 'dossier:copy-2018', before: null, after: 'sha256:a', details: { revision: 1 } });
    });
    const blobs = () => fs.readdirSync(path.join(dir, 'blobs'));
    expect(blobs()).toHaveLength(1);
    await repo.close();
    expect(fs.statSync(path.join(dir, 'db.json')).size).toBeLessThan(10_000);
    const again = await openLowdbRepository(dir, { auditKey: key });
    expect((await again.read((tx) => tx.dossiers.revision('copy-2018')))!.dossier).toEqual(big);
    expect(await again.read((tx) => tx.dossiers.get('nope'))).toBeNull();
    expect(blobs().filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await again.integrity()).toMatchObject({ writable: true, problems: [] });
    await again.close();
  });

  it('acknowledges a commit once its journal line is on disk, and replays the journal after a crash (no close)', async () => {
    const dir = tmp();
    const repo = await openLowdbRepository(dir, { auditKey: key });
    await repo.transact(async (tx) => {
      await tx.audit.append({ at: 't', actor: 'me', action: 'x', target: 'y', before: null, after: null });
    });
    // Simulate a crash: the process goes away without closing; a second open in this process takes over the lock.
    const journal = fs.readdirSync(dir).filter((f) => f.startsWith('journal-'));
    expect(journal).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, journal[0]), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    fs.unlinkSync(path.join(dir, 'lock'));
    const again = await openLowdbRepository(dir, { auditKey: key });
    expect((await again.read((tx) => tx.audit.list())).map((e) => e.action)).toEqual(['x']);
    await again.close();
  });

  it('refuses a second open of the same folder while the first is open', async () => {
    const dir = tmp();
    const repo = await openLowdbRepository(dir, { auditKey: key });
    await expect(openLowdbRepository(dir, { auditKey: key })).rejects.toThrow(/already open/);
    await repo.close();
  });
});
