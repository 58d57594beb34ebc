// Checks of typed input and of golden-case problem text, without a DOM.
import { describe, expect, it } from 'vitest';
import { checkNumberText, splitProblem } from '../../editor/src/model/inputs.js';

describe('checkNumberText', () => {
  it('accepts numbers within bounds and names the problem otherwise', () => {
    expect(checkNumberText(' 12.5 ', {})).toEqual({ ok: true, value: 12.5 });
    expect(checkNumberText('10.', {})).toEqual({ ok: true, value: 10 });
    expect(checkNumberText('-3', {})).toEqual({ ok: true, value: -3 });
    expect(checkNumberText('1e3', {})).toEqual({ ok: false, key: 'input.notANumber' });
    expect(checkNumberText('12,5', {})).toEqual({ ok: false, key: 'input.notANumber' });
    expect(checkNumberText('', {})).toEqual({ ok: false, key: 'input.required' });
    expect(checkNumberText('', { nullable: true })).toEqual({ ok: true, value: null });
    expect(checkNumberText('-1', { min: 0 })).toEqual({ ok: false, key: 'input.belowMin' });
    expect(checkNumberText('101', { max: 100 })).toEqual({ ok: false, key: 'input.aboveMax' });
    expect(checkNumberText('100', { min: 0, max: 100 })).toEqual({ ok: true, value: 100 });
  });
});

describe('splitProblem', () => {
  it('splits the golden runner\'s "expected …, got …" wording', () => {
    expect(splitProblem('status: expected passed, got failed')).toEqual({ field: 'status', expected: 'passed', actual: 'failed' });
    expect(splitProblem('check gate:industry-scale: expected passed, got failed')).toEqual({ field: 'check gate:industry-scale', expected: 'passed', actual: 'failed' });
    expect(splitProblem('dossier rejected: missing facts')).toBeNull();
  });
});
