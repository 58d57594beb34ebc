// The one document the editor works on (a draft or a read-only version): its JSON text, edits from either view, autosave with If-Match, merge of concurrent saves, conflicts and a local backup.
import { useCallback, useEffect, useRef, useState } from 'react';
import { RuleSet } from '../../../engine/index.js';
import { ApiError, ConflictDetails, type ApiClient, type DraftDetail, type DraftSummary, type VersionDetail } from '../api/client.js';
import { mergeDocuments, type MergeConflict } from '../model/merge.js';
import { rebaseText } from '../model/textEdit.js';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'invalid' | 'conflict' | 'error';

/**
 * Where a change of the text came from. The JSON view applies every change whose source is not 'json' to its model as an
 * edit (it already holds its own), so a change made elsewhere never replaces the text under the cursor.
 */
export type ChangeSource = 'json' | 'form' | 'undo' | 'remote' | 'load' | 'merge';

/** Someone else saved while this page had unsaved edits: their changes merged with mine, or the items both of us changed. */
export interface ConcurrentSave {
  current: ConflictDetails['current'];
  /** What they changed since the revision this page started from (the server's semantic change list), when known. */
  changes: ConflictDetails['changes'];
  /** Items both sides changed differently, with a choice to make for each (empty once merged automatically). */
  conflicts: MergeConflict[];
}

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
  /** Where the last change of `text` came from. */
  source: ChangeSource;
  /** The parsed JSON, or undefined while the text is not JSON. */
  value: unknown;
  syntaxError: { message: string; offset: number } | null;
  etag: string | null;
  saveState: SaveState;
  saveError: string | null;
  /** Someone else saved meanwhile and some items were changed on both sides: the choices to make. */
  conflict: ConcurrentSave | null;
  /** Someone else saved meanwhile and their changes were merged with mine automatically (shown until dismissed). */
  merged: ConcurrentSave | null;
  restoredBackup: boolean;
  /** Set when someone else saved the draft while this page had nothing unsaved, and their revision was loaded. */
  remoteUpdate: { by: string; revision: number } | null;
  version: VersionDetail | null;
  draft: DraftDetail | null;
  /** Applies a pure edit to the parsed rule set (visual views). */
  edit(fn: (rs: RuleSet) => RuleSet): void;
  /** Replaces the text (the JSON view, which passes 'json'). */
  setText(text: string, source?: ChangeSource): void;
  /** Calls `fn` on every change of the text (synchronously, as it happens); returns the unsubscribe function. */
  subscribe(fn: (text: string, source: ChangeSource) => void): () => void;
  /** Runs `fn` when the page closes the document (the JSON view disposes its model there). */
  onClose(fn: () => void): void;
  /** Saves now; resolves true when the server has the current text. */
  flush(): Promise<boolean>;
  /** Conflict: drop my edits and load the saved draft. */
  takeTheirs(): Promise<void>;
  /** Conflict: resolve each conflicting item with mine or theirs (every other change of both sides is kept), then save. */
  resolve(choices: Record<string, 'mine' | 'theirs'>): Promise<void>;
  dismissMerged(): void;
  /** After a re-baseline, a review step or another server-side change that leaves the document as it is: take the new ETag and the draft's fields. */
  setDraft(d: DraftDetail | DraftSummary | { etag: string }): void;
  /** Steps back to the text before the last edit (and forward again); both views share one history. */
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
}

const backupKey = (id: string) => `mingcheng.backup.${id}`;
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * The text of a merged document for the page that holds `mine`: its own text with the merge's changes applied, so lines
 * the person formatted their own way (and the cursor on them) stay as they are; the merged document written out in full
 * when that cannot be done exactly.
 */
function mergedText(mine: string, merged: unknown): string {
  const full = pretty(merged);
  try {
    const rebased = rebaseText(mine, pretty(JSON.parse(mine)), full);
    if (rebased !== null && JSON.stringify(JSON.parse(rebased)) === JSON.stringify(merged)) return rebased;
  } catch {
    // Not JSON (cannot be, once merged): the full text.
  }
  return full;
}

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
/** Keystrokes in the JSON view this close together are one step of the page's undo. */
const COALESCE_MS = 1200;
/** How long the JSON view's keystrokes wait before the rest of the page renders them. */
const RENDER_WHILE_TYPING_MS = 120;
const BACKUP_WHILE_TYPING_MS = 250;

/** The focused element when it is a text field, so typing in it coalesces into one undo step. */
function typingTarget(): Element | null {
  const el = typeof document === 'undefined' ? null : document.activeElement;
  if (!el) return null;
  if (el instanceof HTMLTextAreaElement) return el;
  if (el instanceof HTMLInputElement && ['text', 'search', 'number', ''].includes(el.type)) return el;
  return null;
}

/** Loads a draft (editable, autosaved) or a published version (read-only). */
export function useRuleSetDocument(api: ApiClient, source: { draftId: string } | { ruleSetId: string; version: number }): RuleSetDocument {
  const isDraft = 'draftId' in source;
  const ref = isDraft ? source.draftId : `${source.ruleSetId}@${source.version}`;
  const draftId = isDraft ? source.draftId : '';
  const [state, setRendered] = useState({
    loading: true,
    loadError: null as string | null,
    text: '',
    source: 'load' as ChangeSource,
    value: undefined as unknown,
    syntaxError: null as RuleSetDocument['syntaxError'],
    etag: null as string | null,
    saveState: 'saved' as SaveState,
    saveError: null as string | null,
    conflict: null as ConcurrentSave | null,
    merged: null as ConcurrentSave | null,
    restoredBackup: false,
    remoteUpdate: null as { by: string; revision: number } | null,
    version: null as VersionDetail | null,
    draft: null as DraftDetail | null,
  });
  // `live` is the document's state as of now; React state mirrors it for rendering. Every update goes through
  // setState below, so async code (autosave, conflict handling) never reads a revision older than the last answer.
  const live = useRef(state);
  // Typing in the JSON view re-renders the page once the keys pause, not at every key: the model already shows the text,
  // and re-rendering the forms, checks and preview per keystroke would make fast typing lag behind the keyboard.
  const renderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const setState = useCallback((fn: (s: typeof state) => typeof state, defer = false) => {
    live.current = fn(live.current);
    if (renderTimer.current) clearTimeout(renderTimer.current);
    renderTimer.current = null;
    if (!defer) setRendered(live.current);
    else
      renderTimer.current = setTimeout(() => {
        renderTimer.current = null;
        setRendered(live.current);
      }, RENDER_WHILE_TYPING_MS);
  }, []);
  useEffect(() => () => void (renderTimer.current && clearTimeout(renderTimer.current)), []);
  /** The document as the server has it at `etag`: what a no-op save is compared with, and the base of a three-way merge. */
  const saved = useRef<RuleSet | null>(null);
  /** Their document while a conflict waits for choices. */
  const theirs = useRef<{ document: RuleSet; etag: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const past = useRef<string[]>([]);
  const future = useRef<string[]>([]);
  const lastEdit = useRef<{ key: unknown; at: number } | null>(null);
  const saving = useRef<Promise<boolean> | null>(null);
  const listeners = useRef(new Set<(text: string, source: ChangeSource) => void>());
  const closers = useRef<(() => void)[]>([]);

  /** Every change of the text goes through here: state, listeners (the JSON view), backup. */
  const setTextState = useCallback(
    (text: string, src: ChangeSource, extra: (s: typeof state) => Partial<typeof state> = () => ({})) => {
      const p = parse(text);
      setState((s) => ({ ...s, text, source: src, ...p, ...extra(s) }), src === 'json');
      for (const l of listeners.current) l(text, src);
    },
    [setState],
  );

  const load = useCallback(async () => {
    past.current = [];
    future.current = [];
    lastEdit.current = null;
    theirs.current = null;
    try {
      if (isDraft) {
        const d = await api.draft(draftId);
        saved.current = d.document;
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
        setTextState(text, 'load', () => ({ loading: false, loadError: null, etag: d.etag, draft: d, saveState: restored ? 'dirty' : 'saved', restoredBackup: restored, conflict: null, merged: null, saveError: null }));
        if (restored) schedule(AUTOSAVE_MS);
      } else {
        const v = await api.version(source.ruleSetId, source.version);
        setTextState(pretty(v.document), 'load', () => ({ loading: false, loadError: null, etag: null, version: v, saveState: 'saved' }));
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

  /**
   * Someone else saved since our ETag: merge their document and mine against the one both started from. Without
   * conflicts the merge is saved at once (and announced); otherwise the conflicting items wait for a choice each.
   */
  const mergeWithTheirs = async (details: ConflictDetails | null): Promise<boolean> => {
    let d: DraftDetail;
    try {
      d = await api.draft(draftId);
    } catch (e) {
      setState((x) => ({ ...x, saveState: 'error', saveError: (e as Error).message }));
      return false;
    }
    const mineParsed = RuleSet.safeParse(live.current.value);
    const base = saved.current;
    if (!mineParsed.success || !base) return false;
    const r = mergeDocuments(base, mineParsed.data, d.document);
    const info: ConcurrentSave = {
      current: details?.current ?? { etag: d.etag, revision: d.revision, updatedAt: d.updatedAt, updatedBy: d.updatedBy },
      changes: details?.changes ?? null,
      conflicts: r.conflicts,
    };
    if (r.conflicts.length > 0) {
      theirs.current = { document: d.document, etag: d.etag };
      setState((x) => ({ ...x, saveState: 'conflict', conflict: info }));
      return false;
    }
    saved.current = d.document;
    theirs.current = null;
    const text = mergedText(live.current.text, r.merged);
    const theirsChangedDocument = JSON.stringify(d.document) !== JSON.stringify(base);
    setTextState(text, 'merge', (x) => ({ etag: d.etag, draft: d, saveState: 'dirty', conflict: null, merged: theirsChangedDocument ? info : x.merged }));
    return true;
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
    // Nothing changed against what the server has (typed and deleted, a format-only change): no request, no revision.
    if (saved.current && JSON.stringify(checked.data) === JSON.stringify(saved.current)) {
      localStorage.removeItem(backupKey(draftId));
      setState((x) => ({ ...x, saveState: 'saved', saveError: null, restoredBackup: false }));
      return true;
    }
    const text = s.text;
    const run = (async () => {
      setState((x) => ({ ...x, saveState: 'saving' }));
      try {
        const d = await api.saveDraft(draftId, checked.data, s.etag!);
        saved.current = d.document;
        const unchanged = live.current.text === text;
        if (unchanged) localStorage.removeItem(backupKey(draftId));
        setState((x) => ({ ...x, etag: d.etag, draft: d, saveState: unchanged ? 'saved' : 'dirty', saveError: null, restoredBackup: false }));
        return unchanged;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'etag_mismatch') {
          const c = ConflictDetails.safeParse(e.body);
          saving.current = null;
          return (await mergeWithTheirs(c.success ? c.data : null)) ? 'again' : false;
        }
        setState((x) => ({ ...x, saveState: 'error', saveError: e instanceof ApiError ? `${e.message}${e.issues.length ? ': ' + e.issues.map((i) => i.message).join('; ') : ''}` : String(e) }));
        // The server could not be reached: try again shortly (the edit is also kept in this browser).
        if (e instanceof ApiError && e.code === 'network') schedule(RETRY_MS);
        return false;
      } finally {
        saving.current = null;
      }
    })();
    saving.current = run.then((x) => x === true);
    const ok = await run;
    if (ok === 'again' || (!ok && live.current.saveState === 'dirty' && !live.current.conflict)) return save();
    return ok === true;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, ref]);
  saveRef.current = save;

  const backupTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const writeBackup = () => {
    backupTimer.current = null;
    const s = live.current;
    if (!isDraft || s.saveState === 'saved') return;
    try {
      localStorage.setItem(backupKey(draftId), JSON.stringify({ etag: s.etag, text: s.text }));
    } catch {
      // Storage full: autosave still runs.
    }
  };

  const changed = useCallback(
    (text: string, src: ChangeSource) => {
      if (text === live.current.text) return;
      if (src === 'json' || src === 'form') {
        // Typing in one field is one undo step until the field loses focus; in the JSON view, until a pause in typing
        // (Monaco keeps its own finer steps for Ctrl+Z there).
        const key = src === 'json' ? 'json' : typingTarget();
        const now = Date.now();
        const coalesce = key !== null && lastEdit.current?.key === key && (src === 'form' || now - lastEdit.current.at < COALESCE_MS);
        if (!coalesce) {
          past.current.push(live.current.text);
          if (past.current.length > HISTORY) past.current.shift();
        }
        lastEdit.current = { key, at: now };
        future.current = [];
      } else lastEdit.current = null;
      setTextState(text, src, (s) => ({ saveState: s.conflict ? 'conflict' : 'dirty', remoteUpdate: null }));
      if (!isDraft) return;
      // The browser's backup of the text: at once for a form edit, at most every BACKUP_WHILE_TYPING_MS while keys come in.
      if (backupTimer.current) clearTimeout(backupTimer.current);
      backupTimer.current = null;
      if (src === 'json') backupTimer.current = setTimeout(writeBackup, BACKUP_WHILE_TYPING_MS);
      else writeBackup();
      schedule(AUTOSAVE_MS);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [save, ref],
  );

  // A field that loses focus ends its undo step.
  useEffect(() => {
    const end = (e: FocusEvent) => {
      if (lastEdit.current && lastEdit.current.key === e.target) lastEdit.current = null;
    };
    document.addEventListener('focusout', end);
    return () => document.removeEventListener('focusout', end);
  }, []);

  // Leaving the page with an edit still waiting for autosave: save it now rather than drop it; the JSON view's model goes.
  useEffect(
    () => () => {
      if (backupTimer.current) {
        clearTimeout(backupTimer.current);
        writeBackup();
      }
      if (timer.current) {
        clearTimeout(timer.current);
        void save();
      }
      for (const c of closers.current.splice(0)) c();
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
      changed(pretty(fn(parsed.data)), 'form');
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
    localStorage.removeItem(backupKey(draftId));
    await load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load, ref]);

  const resolve = useCallback(
    async (choices: Record<string, 'mine' | 'theirs'>) => {
      const t = theirs.current;
      const base = saved.current;
      const mine = RuleSet.safeParse(live.current.value);
      if (!isDraft || !t || !base || !mine.success) return;
      // Merged again from my current document, so edits made while the choices were open are kept too.
      const r = mergeDocuments(base, mine.data, t.document, (k) => choices[k]);
      if (r.conflicts.length > 0) {
        setState((x) => ({ ...x, conflict: x.conflict && { ...x.conflict, conflicts: r.conflicts } }));
        return;
      }
      saved.current = t.document;
      theirs.current = null;
      setTextState(mergedText(live.current.text, r.merged), 'merge', () => ({ etag: t.etag, conflict: null, merged: null, saveState: 'dirty' }));
      await save();
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [save, ref],
  );

  const setDraft = useCallback((d: DraftDetail | DraftSummary | { etag: string }) => {
    if ('document' in d) saved.current = d.document;
    setState((s) => ({ ...s, etag: d.etag, ...('document' in d ? { draft: d } : 'review' in d && s.draft ? { draft: { ...s.draft, ...d } } : {}) }));
  }, [setState]);

  const subscribe = useCallback((fn: (text: string, source: ChangeSource) => void) => {
    listeners.current.add(fn);
    return () => void listeners.current.delete(fn);
  }, []);
  const onClose = useCallback((fn: () => void) => void closers.current.push(fn), []);
  const dismissMerged = useCallback(() => setState((s) => ({ ...s, merged: null })), [setState]);

  // While nothing is unsaved here, look for someone else's saves and load them, so the page never shows a stale draft.
  useEffect(() => {
    if (!isDraft) return;
    const id = setInterval(async () => {
      const s = live.current;
      if (s.loading || s.saveState !== 'saved' || s.conflict || saving.current || timer.current) return;
      try {
        const d = await api.draft(draftId);
        const now = live.current;
        if (d.etag === now.etag || now.saveState !== 'saved' || saving.current || timer.current) return;
        saved.current = d.document;
        const text = pretty(d.document);
        // A new revision with the same document (golden cases re-baselined, a review decision) only moves the ETag.
        if (text === now.text) return setState((x) => ({ ...x, etag: d.etag, draft: d }));
        past.current = [];
        future.current = [];
        setTextState(text, 'remote', () => ({ etag: d.etag, draft: d, remoteUpdate: { by: d.updatedBy, revision: d.revision } }));
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
    setText: (text: string, src: ChangeSource = 'json') => changed(text, src),
    subscribe,
    onClose,
    flush,
    undo,
    redo,
    canUndo: isDraft && past.current.length > 0,
    canRedo: isDraft && future.current.length > 0,
    takeTheirs,
    resolve,
    dismissMerged,
    setDraft,
  };
}

