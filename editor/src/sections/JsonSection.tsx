// The JSON view in Monaco: the same document as the visual views, with the zod-generated JSON Schema (completion, hover, errors) and the engine's issues marked in place.
import { useEffect, useState } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { useTranslation } from 'react-i18next';
import { monaco, ENGINE_MARKER_OWNER, RULESET_URI_PREFIX } from '../monaco/setupMonaco.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { rangeFinder, rangeOf } from '../model/locate.js';

type Ed = Parameters<OnMount>[0];

export function JsonSection() {
  const { t } = useTranslation();
  const { doc, checks, readOnly, focus } = useEditor();
  // The editor mounts asynchronously (Monaco loads first), so effects wait for it through state.
  const [ed, setEd] = useState<Ed | null>(null);
  const uri = `${RULESET_URI_PREFIX}${doc.ref.replace(/[^A-Za-z0-9@.-]/g, '_')}.json`;

  // Engine issues (semantic and schema, with JSON paths) become markers at the exact place.
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
  }, [checks.issues, uri, ed, doc.text]);

  useEffect(() => {
    const model = ed?.getModel();
    if (!ed || !model || !focus) return;
    const offset = focus.path.length === 0 && doc.syntaxError ? doc.syntaxError.offset : rangeOf(model.getValue(), focus.path)?.offset;
    if (offset === undefined) return;
    const pos = model.getPositionAt(offset);
    ed.revealPositionInCenter(pos);
    ed.setPosition(pos);
    ed.focus();
  }, [focus, doc.syntaxError, ed]);

  return (
    <section className="section json-section" aria-label={t('tabs.json')}>
      <p className="hint">{readOnly ? t('json.readOnlyHint') : t('json.hint')}</p>
      <div className="monaco-wrap" data-testid="json-editor">
        <Editor
          path={uri}
          language="json"
          value={doc.text}
          onChange={(v) => v !== undefined && v !== doc.text && doc.setText(v)}
          onMount={(e) => setEd(e)}
          options={{ readOnly, minimap: { enabled: false }, automaticLayout: true, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false, wordWrap: 'on', renderValidationDecorations: 'on', unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false } }}
          loading={t('common.loading')}
        />
      </div>
    </section>
  );
}
