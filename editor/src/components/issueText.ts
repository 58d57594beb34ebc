// The words of an engine issue in the UI language: the engine writes its messages in English with ids; the editor says
// where the problem is by the rule set's labels and, for unit and kind mismatches, names both sides of the comparison.
import { useTranslation } from 'react-i18next';
import { RuleSet, type Issue } from '../../../engine/index.js';
import { useEditor } from '../pages/editor/useEditor.js';
import { comparisonSides, issuePlace } from '../model/issueWords.js';

export interface IssueText {
  /** The stage and item the issue is in, by their labels (empty when the path names none). */
  place: string;
  /** The message: in the UI language where the editor can say it, else the engine's. */
  message: string;
}

export function useIssueText(): (i: Issue) => IssueText {
  const { t, i18n } = useTranslation();
  const { doc } = useEditor();
  const parsed = RuleSet.safeParse(doc.value);
  const rs = parsed.success ? parsed.data : null;
  const lang = i18n.language;
  return (i) => {
    if (!rs) return { place: '', message: i.message };
    const place = issuePlace(rs, i.path, lang).join(' › ');
    if (i.code === 'unit_mismatch' || i.code === 'type_mismatch') {
      const s = comparisonSides(rs, i.path, lang);
      if (s && s.right) {
        const kind = (k: string | null) => (k === null ? t('issueWords.number') : ['count', 'yesNo', 'text'].includes(k) ? t(`issueWords.${k}`) : k);
        return { place, message: t('issueWords.compared', { left: s.left.label, leftKind: kind(s.left.kind), right: s.right.label, rightKind: kind(s.right.kind) }) };
      }
    }
    return { place, message: i.message };
  };
}
