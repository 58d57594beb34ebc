// The JSON view in Monaco: the same document as the visual views, with the zod-generated JSON Schema (completion, hover, errors) and the engine's issues marked in place.
//
// Synchronisation: while the view is open, Monaco's model holds the text. Keystrokes change the model first and reach the
// document from the model's change event (source 'json'); a change made anywhere else (a form on another tab, undo from the
// toolbar or Ctrl+Z outside Monaco, someone else's save, a merge) arrives through doc.subscribe and is applied to the model
// as the edits that turn its text into the document's, one per changed region of lines (pushEditOperations, one undo step
// of its own). The model is never replaced, so the cursor, the selection and Monaco's own undo stack stay where they are;
// the model lives as long as the page, so they also survive switching tabs.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { monaco, ENGINE_MARKER_OWNER, RULESET_URI_PREFIX } from '../monaco/setupMonaco.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { rangeFinder, rangeOf } from '../model/locate.js';
import { lineEdits } from '../model/textEdit.js';

type Ed = monaco.editor.IStandaloneCodeEditor;
type Model = monaco.editor.ITextModel;

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  minimap: { enabled: false },
  automaticLayout: true,
  fontSize: 13,
  tabSize: 2,
  scrollBeyondLastLine: false,
  wordWrap: 'on',
  renderValidationDecorations: 'on',
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false },
};

/** Where the view was (cursor, scroll) per document, so coming back to the tab returns there. */
const viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>();

/**
 * Turns the model's text into `text` with one edit per changed region (a line diff, each region narrowed to the characters
 * that differ), together one step of its own on Monaco's undo stack. Changes far apart (a value someone else changed, and
 * lines the merged document writes out anew elsewhere) stay separate edits, so a cursor between them is not inside any
 * replaced range and stays on its character.
 */
function applyAsEdit(model: Model, text: string): void {
  const edits = lineEdits(model.getValue(), text);
  if (edits.length === 0) return;
  const ops = edits.map((e) => {
    const start = model.getPositionAt(e.start);
    const end = model.getPositionAt(e.end);
    return { range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: e.text };
  });
  model.pushStackElement();
  model.pushEditOperations([], ops, () => null);
  model.pushStackElement();
}

export function JsonSection() {
  const { t } = useTranslation();
  const { doc, checks, readOnly, focus } = useEditor();
  const host = useRef<HTMLDivElement>(null);
  const [ed, setEd] = useState<Ed | null>(null);
  const docRef = useRef(doc);
  docRef.current = doc;
  const uriText = `${RULESET_URI_PREFIX}${doc.ref.replace(/[^A-Za-z0-9@.-]/g, '_')}.json`;

  useEffect(() => {
    if (!host.current) return;
    const d = docRef.current;
    const uri = monaco.Uri.parse(uriText);
    let model = monaco.editor.getModel(uri);
    if (!model) {
      model = monaco.editor.createModel(d.text, 'json', uri);
      const m = model;
      d.onClose(() => {
        viewStates.delete(uriText);
        m.dispose();
      });
    } else applyAsEdit(model, d.text);
    const editor = monaco.editor.create(host.current, { ...OPTIONS, model, readOnly: d.readOnly });
    const vs = viewStates.get(uriText);
    if (vs) editor.restoreViewState(vs);
    let applying = false;
    const fromModel = model.onDidChangeContent(() => {
      if (!applying) docRef.current.setText(model.getValue(), 'json');
    });
    const m = model;
    const fromDoc = d.subscribe((text, source) => {
      if (source === 'json' || m.isDisposed()) return;
      applying = true;
      try {
        applyAsEdit(m, text);
      } finally {
        applying = false;
      }
    });
    setEd(editor);
    return () => {
      viewStates.set(uriText, editor.saveViewState());
      fromModel.dispose();
      fromDoc();
      editor.dispose();
      setEd(null);
    };
  }, [uriText]);

  useEffect(() => {
    ed?.updateOptions({ readOnly });
  }, [ed, readOnly]);

  // Engine issues (semantic and schema, with JSON paths) become markers at the exact place, once per check (not per keystroke).
  useEffect(() => {
    const model = ed?.getModel();
    if (!model) return;
    const find = rangeFinder(model.getValue());
    const markers = checks.issues
      .filter((i) => i.code !== 'json_syntax')
      .map((i) => {
        const r = find(i.path);
        const start = model.getPositionAt(r?.offset ?? 0);
        const end = model.getPositionAt((r?.offset ?? 0) + (r?.length ?? 1));
        return {
          severity: i.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
          message: `${i.message}${i.hint ? `\n${i.hint}` : ''}`,
          code: i.code,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        };
      });
    monaco.editor.setModelMarkers(model, ENGINE_MARKER_OWNER, markers);
  }, [checks.issues, ed]);

  useEffect(() => {
    const model = ed?.getModel();
    if (!ed || !model || !focus) return;
    const offset = focus.path.length === 0 && docRef.current.syntaxError ? docRef.current.syntaxError.offset : rangeOf(model.getValue(), focus.path)?.offset;
    if (offset === undefined) return;
    const pos = model.getPositionAt(offset);
    ed.revealPositionInCenter(pos);
    ed.setPosition(pos);
    ed.focus();
  }, [focus, ed]);

  return (
    <section className="section json-section" aria-label={t('tabs.json')}>
      <p className="hint">{readOnly ? t('json.readOnlyHint') : t('json.hint')}</p>
      <div className="monaco-wrap" data-testid="json-editor">
        <div ref={host} className="monaco-host" style={{ width: '100%', height: '100%' }} />
      </div>
    </section>
  );
}
