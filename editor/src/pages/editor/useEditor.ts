// The hook every section and panel of the rule-set editor reads the shared editor state with.
import { useContext } from 'react';
import { EditorContext, type EditorState } from './editorContext.js';

/** The editor state, inside RuleSetEditorPage; throws elsewhere (a bug). */
export function useEditor(): EditorState {
  const e = useContext(EditorContext);
  if (!e) throw new Error('useEditor outside the rule-set editor');
  return e;
}
