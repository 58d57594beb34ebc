// Four eyes before publishing: where the draft stands in review, and what this person may do about it (send it, approve it or ask for changes; never approve one's own).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewState } from '../api/client.js';
import { errorText } from '../api/errorText.js';
import { useApi, useAuth } from '../auth/useAuth.js';
import type { RuleSetDocument } from '../hooks/useRuleSetDocument.js';
import './review.css';

const NONE: ReviewState = { status: 'none', revision: 0, requestedBy: null, requestedAt: null, note: null, reviewer: null, decidedAt: null, comment: null, withdrawn: null };

/** Whether the draft may be published as it is now: approved for its current revision, or review not required. */
export function approvedNow(doc: RuleSetDocument, reviewRequired: boolean): boolean {
  const r = doc.draft?.review;
  return !reviewRequired || (!!r && r.status === 'approved' && r.revision === doc.draft?.revision && doc.saveState === 'saved');
}

export function ReviewPanel({ doc, reviewRequired }: { doc: RuleSetDocument; reviewRequired: boolean }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { me, can } = useAuth();
  const [note, setNote] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const d = doc.draft;
  if (!d) return null;
  const r = d.review ?? NONE;
  const author = !!me && d.authors.includes(me.tokenId);
  const when = (at: string | null) => (at ? new Date(at).toLocaleString(i18n.language) : '');
  const run = async (fn: () => Promise<Parameters<RuleSetDocument['setDraft']>[0]>) => {
    setBusy(true);
    setError(null);
    try {
      // The review is about the draft as the server has it: unsaved edits go first.
      if (!(await doc.flush())) {
        setError(t('review.saveFirst'));
        return;
      }
      doc.setDraft(await fn());
      setNote('');
      setComment('');
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  const status = r.status === 'approved' && r.revision !== d.revision ? 'none' : r.status;
  return (
    <section className={`review-bar review-${status}`} aria-label={t('review.title')} data-testid="review-panel" data-status={status}>
      <div className="review-state">
        <span className={`review-tag ${status}`} data-testid="review-status">
          {t(`review.status.${status}`)}
        </span>
        <span className="small">
          {status === 'none' && (reviewRequired ? t('review.needed') : t('review.optional'))}
          {status === 'requested' && t('review.requestedBy', { who: r.requestedBy, when: when(r.requestedAt) })}
          {status === 'approved' && t('review.approvedBy', { who: r.reviewer, when: when(r.decidedAt), revision: r.revision })}
          {status === 'changes_requested' && t('review.changesBy', { who: r.reviewer, when: when(r.decidedAt) })}
        </span>
        {r.note && status === 'requested' && <q className="small review-note">{r.note}</q>}
        {r.comment && (status === 'approved' || status === 'changes_requested') && (
          <q className="small review-note" data-testid="review-comment">
            {r.comment}
          </q>
        )}
        {status === 'none' && r.withdrawn && (
          <span className="small warn-text" data-testid="review-withdrawn">
            {t(r.withdrawn.was === 'approved' ? 'review.withdrawnApproval' : 'review.withdrawnRequest', { who: r.withdrawn.by, when: when(r.withdrawn.at) })}
          </span>
        )}
      </div>
      {can('editor') && (
        <div className="review-actions">
          {/* Sent back: the draft's authors change it and send it again; the reviewer who asked for changes is not asked to send it. */}
          {status === 'changes_requested' && !author && (
            <span className="muted small" data-testid="review-sent-back">
              {t('review.sentBack')}
            </span>
          )}
          {(status === 'none' || (status === 'changes_requested' && author)) && (
            <>
              <input type="text" className="review-input" data-native-undo value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('review.notePlaceholder')} aria-label={t('review.note')} />
              <button type="button" disabled={busy} onClick={() => void run(() => api.requestReview(d.id, note, doc.etag!))} data-testid="review-request">
                {t('review.request')}
              </button>
            </>
          )}
          {status === 'requested' &&
            (author ? (
              <span className="muted small" data-testid="review-not-yours">
                {t('review.notYours')}
              </span>
            ) : (
              <>
                <input type="text" className="review-input" data-native-undo value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('review.commentPlaceholder')} aria-label={t('review.comment')} data-testid="review-comment-input" />
                <button type="button" className="primary" disabled={busy} onClick={() => void run(() => api.decideReview(d.id, 'approve', comment, doc.etag!))} data-testid="review-approve">
                  {t('review.approve')}
                </button>
                <button type="button" className="warn-button" disabled={busy || !comment.trim()} onClick={() => void run(() => api.decideReview(d.id, 'request_changes', comment, doc.etag!))} data-testid="review-request-changes">
                  {t('review.requestChanges')}
                </button>
              </>
            ))}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
