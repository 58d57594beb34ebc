// Words for an error in the UI language: the API's error codes and issue codes map to i18n messages, so a Chinese page never shows the server's English text.
import type { TFunction } from 'i18next';
import { ApiError } from './client.js';
import type { Issue } from '../../../engine/index.js';
import i18n, { pick } from '../i18n/i18n.js';

/** A message for anything thrown by a call: an ApiError by its code (with the role needed for a 403), else a generic one. */
export function errorText(e: unknown, t: TFunction): string {
  if (e instanceof ApiError) {
    if (e.code === 'forbidden') return t('errors.forbidden', { needs: t(`roles.${String(e.body.needs ?? 'viewer')}`) });
    if (e.code === 'unauthenticated') return t(`signin.signedOut.${String(e.body.reason ?? 'unknown')}`, { defaultValue: t('signin.bad') });
    const known = t(`errors.${e.code}`, { defaultValue: '' });
    const first = e.issues[0];
    const detail = first ? issueText(first, t) : '';
    if (known) return detail ? `${known}：${detail}` : known;
    return t('errors.other', { status: e.status, code: e.code });
  }
  return t('errors.unexpected');
}

/** One issue in the UI language: the rule set's own words when it gives them (dossier consistency checks), else its code's message; the path as written in the document. */
export function issueText(i: Issue, t: TFunction): string {
  if (i.text) return pick(i.text, i18n.language);
  const where = i.path.length ? i.path.join(' › ') : '';
  const msg = t(`issues.${i.code}`, { defaultValue: '' });
  if (msg) return where ? `${where}：${msg}` : msg;
  return t('errors.issueOther', { code: i.code, where: where || '—' });
}
