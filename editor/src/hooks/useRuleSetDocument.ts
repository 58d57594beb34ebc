// The one document the editor works on (a draft or a read-only version): its JSON text, edits from either view, autosave with If-Match, conflicts and a local backup.
import { useCallback, useEffect, useRef, useState } from 'react';
import { RuleSet } from '../../../engine/index.js';
import { ApiError, ConflictDetails, type ApiClient, type DraftDetail, type VersionDetail } from '../api/client.js';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'invalid' | 'conflict' | 'error';

export interface RuleSetDocument {
  kind: 'draft' | 'version';
  loading: boolean;
  loadError: string | null;
  readOnly: boolean;
  /** The draft id or `ruleSetId@version`. */
  ref: string;
  ruleSetId: string;
  basedOn: { id: string; version: number } | null;
  /** The JSON text: the single source of truth that both views edit. */
  text: string;
  /** The parsed JSON, or undefined while the text is not JSON. */
  value: unknown;
  syntaxError: { message: string; offset: number } | null;
  etag: string | null;
  saveState: SaveState;
  saveError: string | null;
  conflict: ConflictDetails | null;
  restoredBackup: boolean;
  /** Set when someone else saved the draft while this page had nothing unsaved, and their revision was loaded. */
  remoteUpdate: { by: string; revision: number } | null;
  version: VersionDetail | null;
  draft: DraftDetail | null;
  /** Applies a pure edit to the parsed rule set (visual views). */
  edit(fn: (rs: RuleSet) => RuleSet): void;
  /** Replaces the text (JSON view). */
  setText(text: string): void;
  /** Saves now; resolves true when the server has the current text. */
  flush(): Promise<boolean>;
  /** Conflict: drop my edits and load the saved draft. */
  takeTheirs(): Promise<void>;
  /** Conflict: save my document over theirs, after having seen their changes. */
  keepMine(): Promise<void>;
  /** After a re-baseline or another server-side change: take the new ETag. */
  setEtag(etag: string): void;
  /** Steps back to the text before the last edit (and forward again); both views share one history. */
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
}

const backupKey = (id: string) => `mingcheng.backup.${id}`;
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

function parse(text: string): { value: unknown; syntaxError: RuleSetDocument['syntaxError'] } {
  try {
    return { value: JSON.parse(text), syntaxError: null };
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    return { value: undefined, syntaxError: { message: (e as Error).message, offset: m ? Number(m[1]) : 0 } };
  }
}

const AUTOSAVE_MS = 800;
const HISTORY = 200;
const REMOTE_POLL_MS = 5000;
const RETRY_MS = 3000;

/** Loads a draft (editable, autosaved) or a published version (read-only). */
export function useRuleSetDocument(api: ApiClient, source: { draftId: string } | { ruleSetId: string; version: number }): RuleSetDocument {
  const isDraft = 'draftId' in source;
  const ref = isDraft ? source.draftId : `${source.ruleSetId}@${source.version}`;
  const [state, setRendered] = useState({
    loading: true,
    loadError: null as string | null,
    text: '',
    value: undefined as unknown,
    syntaxError: null as RuleSetDocument['syntaxError'],
    etag: null as string | null,
    saveState: 'saved' as SaveState,
    saveError: null as string | null,
    conflict: null as ConflictDetails | null,
    restoredBackup: false,
    remoteUpdate: null as { by: string; revision: number } | null,
    version: null as VersionDetail | null,
    draft: null as DraftDetail | null,
  });
  // `live` is the document's state as of now; React state mirrors it for rendering. Every update goes through
  // setState below, so async code (autosave, conflict handling) never reads a revision older than the last answer.
  const live = useRef(state);
  const setState = useCallback((fn: (s: typeof state) => typeof state) => {
    live.current = fn(live.current);
    setRendered(live.current);
  }, []);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const past = useRef<string[]>([]);
  const future = useRef<string[]>([]);
  const [, setHistoryTick] = useState(0);
  const saving = useRef<Promise<boolean> | null>(null);

  const load = useCallback(async () => {
    past.current = [];
    future.current = [];
    try {
      if (isDraft) {
        const d = await api.draft(source.draftId);
        let text = pretty(d.document);
        let restored = false;
        const b = localStorage.getItem(backupKey(d.id));
        if (b) {
          try {
            const backup = JSON.parse(b) as { etag: string; text: string };
            if (backup.etag === d.etag && backup.text !== text) {
              text = backup.text;
              restored = true;
            } else localStorage.removeItem(backupKey(d.id));
          } catch {
            localStorage.removeItem(backupKey(d.id));
          }
        }
        setState((s) => ({ ...s, loading: false, loadError: null, text, ...parse(text), etag: d.etag, draft: d, saveState: restored ? 'dirty' : 'saved', restoredBackup: restored, conflict: null, saveError: null }));
        if (restored) schedule(AUTOSAVE_MS);
      } else {
        const v = await api.version(source.ruleSetId, source.version);
        const text = pretty(v.document);
        setState((s) => ({ ...s, loading: false, loadError: null, text, value: v.document, syntaxError: null, etag: null, version: v, saveState: 'saved' }));
      }
    } catch (e) {
      setState((s) => ({ ...s, loading: false, loadError: (e as Error).message }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, ref]);

  useEffect(() => {
    void load();
  }, [load]);

  // Autosave runs through a ref so that loading (defined before save) can schedule it too.
  const saveRef = useRef<() => Promise<boolean>>(async () => false);
  const schedule = (ms: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void saveRef.current();
    }, ms);
  };

  const save = useCallback(async (): Promise<boolean> => {
    if (!isDraft) return true;
    // One save at a time: a second caller waits, then saves whatever is still unsaved with the ETag the first one got.
    while (saving.current) await saving.current;
    const s = live.current;
    if (s.saveState === 'saved') return true;
    if (s.conflict || !s.etag) return false;
    const checked = RuleSet.safeParse(s.value);
    if (!checked.success) {
      setState((x) => ({ ...x, saveState: 'invalid' }));
      return false;
    }
    const text = s.text;
    const run = (async () => {
      setState((x) => ({ ...x, saveState: 'saving' }));
      try {
        const d = await api.saveDraft(source.draftId, checked.data, s.etag!);
        const unchanged = live.current.text === text;
        if (unchanged) localStorage.removeItem(backupKey(source.draftId));
        setState((x) => ({ ...x, etag: d.etag, draft: d, saveState: unchanged ? 'saved' : 'dirty', saveError: null, restoredBackup: false }));
        return unchanged;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'etag_mismatch') {
          const c = ConflictDetails.safeParse(e.body);
          setState((x) => ({ ...x, saveState: 'conflict', conflict: c.success ? c.data : { current: { etag: '', revision: 0, updatedAt: '', updatedBy: '?' }, changes: null } }));
        } else {
          setState((x) => ({ ...x, saveState: 'error', saveError: e instanceof ApiError ? `${e.message}${e.issues.length ? ': ' + e.issues.map((i) => i.message).join('; ') : ''}` : String(e) }));
          // The server could not be reached: try again shortly (the edit is also kept in this browser).
          if (e instanceof ApiError && e.code === 'network') schedule(RETRY_MS);
        }
        return false;
      } finally {
        saving.current = null;
      }
    })();
    saving.current = run;
    const ok = await run;
    if (!ok && live.current.saveState === 'dirty' && !live.current.conflict) return save();
    return ok;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, ref]);
  saveRef.current = save;

  const changed = useCallback(
    (text: string, from: 'edit' | 'undo' = 'edit') => {
      if (text === live.current.text) return;
      if (from === 'edit') {
        past.current.push(live.current.text);
        if (past.current.length > HISTORY) past.current.shift();
        future.current = [];
      }
      setHistoryTick((n) => n + 1);
      const p = parse(text);
      setState((s) => ({ ...s, text, ...p, saveState: s.conflict ? 'conflict' : 'dirty', remoteUpdate: null }));
      if (!isDraft) return;
      try {
        localStorage.setItem(backupKey(source.draftId), JSON.stringify({ etag: live.current.etag, text }));
      } catch {
        // Storage full: autosave still runs.
      }
      schedule(AUTOSAVE_MS);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [save, ref],
  );

  // Leaving the page with an edit still waiting for autosave: save it now rather than drop it.
  useEffect(
    () => () => {
      if (timer.current) {
        clearTimeout(timer.current);
        void save();
      }
    },
    [save],
  );

  const undo = useCallback(() => {
    const prev = past.current.pop();
    if (prev === undefined || !isDraft) return;
    future.current.push(live.current.text);
    changed(prev, 'undo');
  }, [changed, isDraft]);

  const redo = useCallback(() => {
    const next = future.current.pop();
    if (next === undefined || !isDraft) return;
    past.current.push(live.current.text);
    changed(next, 'undo');
  }, [changed, isDraft]);

  const edit = useCallback(
    (fn: (rs: RuleSet) => RuleSet) => {
      if (!isDraft) return;
      const parsed = RuleSet.safeParse(live.current.value);
      if (!parsed.success) return;
      changed(pretty(fn(parsed.data)));
    },
    [changed, isDraft],
  );

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    return save();
  }, [save]);

  const takeTheirs = useCallback(async () => {
    if (!isDraft) return;
    localStorage.removeItem(backupKey(source.draftId));
    await load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, ref]);

  const keepMine = useCallback(async () => {
    if (!isDraft) return;
    const d = await api.draft(source.draftId);
    setState((s) => ({ ...s, etag: d.etag, draft: d, conflict: null, saveState: 'dirty' }));
    await save();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, save, ref]);

  const setEtag = useCallback((etag: string) => setState((s) => ({ ...s, etag })), []);

  // While nothing is unsaved here, look for someone else's saves and load them, so the page never shows a stale draft.
  useEffect(() => {
    if (!isDraft) return;
    const id = setInterval(async () => {
      const s = live.current;
      if (s.loading || s.saveState !== 'saved' || s.conflict || saving.current || timer.current) return;
      try {
        const d = await api.draft(source.draftId);
        const now = live.current;
        if (d.etag === now.etag || now.saveState !== 'saved' || saving.current) return;
        const text = pretty(d.document);
        // A new revision with the same document (golden cases re-baselined, perhaps from this page) only moves the ETag.
        if (text === now.text) return setState((x) => ({ ...x, etag: d.etag, draft: d }));
        past.current = [];
        future.current = [];
        setState((x) => ({ ...x, text, ...parse(text), etag: d.etag, draft: d, remoteUpdate: { by: d.updatedBy, revision: d.revision } }));
      } catch {
        // Offline for a moment: try again at the next tick.
      }
    }, REMOTE_POLL_MS);
    return () => clearInterval(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, ref]);

  const basedOn = isDraft ? (state.draft?.basedOn ?? null) : (state.version?.basedOn ?? null);
  return {
    kind: isDraft ? 'draft' : 'version',
    ...state,
    readOnly: !isDraft,
    ref,
    ruleSetId: isDraft ? (state.draft?.ruleSetId ?? '') : source.ruleSetId,
    basedOn,
    edit,
    setText: (text: string) => changed(text),
    flush,
    undo,
    redo,
    canUndo: isDraft && past.current.length > 0,
    canRedo: isDraft && future.current.length > 0,
    takeTheirs,
    keepMine,
    setEtag,
  };
}
