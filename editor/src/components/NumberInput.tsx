// A number box that checks as you type: invalid text stays in the box with a message and is not written to the document.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkNumberText } from '../model/inputs.js';

interface Props {
  value: number | null;
  onChange(v: number | null): void;
  min?: number;
  max?: number;
  nullable?: boolean;
  readOnly?: boolean;
  ariaLabel: string;
  testId?: string;
  width?: string;
}

export function NumberInput({ value, onChange, min, max, nullable, readOnly, ariaLabel, testId, width }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(value === null ? '' : String(value));
  const [problem, setProblem] = useState<string | null>(null);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // Follow outside changes (undo, JSON view, another field bound to the same parameter) in the same render,
    // unless the box holds invalid text or text that already means this value (such as "10." while typing "10.5").
    setShown(value);
    if (!problem && (text.trim() === '' ? null : Number(text)) !== value) setText(value === null ? '' : String(value));
  }
  return (
    <span className="num-input">
      <input
        type="text"
        inputMode="decimal"
        aria-label={ariaLabel}
        aria-invalid={problem ? true : undefined}
        data-testid={testId}
        className={problem ? 'invalid' : undefined}
        style={width ? { width } : undefined}
        value={text}
        readOnly={readOnly}
        onChange={(e) => {
          setText(e.target.value);
          const r = checkNumberText(e.target.value, { min, max, nullable });
          if (r.ok) {
            setProblem(null);
            if (r.value !== value) onChange(r.value);
          } else setProblem(t(r.key, { min, max }));
        }}
        onBlur={() => {
          if (problem) {
            setProblem(null);
            setText(value === null ? '' : String(value));
          }
        }}
      />
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
