// Four eyes before publishing: a draft's review state and its transitions (request, approve, request changes, withdrawn by a change), as pure functions the routes apply and audit.

/** Where a draft stands: not sent, waiting for a reviewer, approved (for one revision), or sent back with a comment. */
export type ReviewStatus = 'none' | 'requested' | 'approved' | 'changes_requested';

export interface ReviewState {
  status: ReviewStatus;
  /** The draft revision the state is about: an approval holds only while the draft is at this revision. */
  revision: number;
  requestedBy: string | null;
  requestedAt: string | null;
  /** The author's note with the request. */
  note: string | null;
  reviewer: string | null;
  decidedAt: string | null;
  comment: string | null;
  /** The last approval or request a change withdrew, so the page can say why the state went back. */
  withdrawn: { at: string; by: string; was: 'requested' | 'approved' } | null;
}

export const NO_REVIEW: ReviewState = { status: 'none', revision: 0, requestedBy: null, requestedAt: null, note: null, reviewer: null, decidedAt: null, comment: null, withdrawn: null };

/** A refusal, as the route answers it: the API error code and why. */
export interface ReviewRefusal {
  code: 'review_state' | 'reviewer_is_author' | 'comment_required';
  message: string;
}

/** Sends the draft (at `revision`, the revision the request itself produces) for review. */
export function requestReview(cur: ReviewState, by: string, at: string, revision: number, note: string | null): ReviewState | ReviewRefusal {
  if (cur.status === 'approved' && cur.revision === revision - 1) return { code: 'review_state', message: 'The draft is approved as it is; there is nothing new to review' };
  return { ...NO_REVIEW, status: 'requested', revision, requestedBy: by, requestedAt: at, note: note?.trim() || null };
}

/**
 * A reviewer's decision on the revision under review. The reviewer is another token with the editor role: never one
 * that has saved the draft (its authors), so no one approves their own work.
 */
export function decideReview(
  cur: ReviewState,
  reviewer: { tokenId: string; name: string },
  authors: readonly string[],
  decision: 'approve' | 'request_changes',
  comment: string | null,
  at: string,
  revision: number,
): ReviewState | ReviewRefusal {
  if (cur.status !== 'requested') return { code: 'review_state', message: cur.status === 'approved' ? 'The draft is already approved' : 'The draft has not been sent for review' };
  if (authors.includes(reviewer.tokenId)) return { code: 'reviewer_is_author', message: 'You have edited this draft, so you cannot review it: another editor must' };
  const text = comment?.trim() || null;
  if (decision === 'request_changes' && !text) return { code: 'comment_required', message: 'Say what should change' };
  return { ...cur, status: decision === 'approve' ? 'approved' : 'changes_requested', revision, reviewer: reviewer.name, decidedAt: at, comment: text, withdrawn: null };
}

/** A change of the draft's content (document or golden cases): a pending request or an approval no longer holds. */
export function afterChange(cur: ReviewState, by: string, at: string, revision: number): { state: ReviewState; withdrawn: 'requested' | 'approved' | null } {
  if (cur.status === 'approved' || cur.status === 'requested') return { state: { ...NO_REVIEW, revision, withdrawn: { at, by, was: cur.status } }, withdrawn: cur.status };
  return { state: cur, withdrawn: null };
}

/** Whether the draft at `revision` may be published: approved for exactly this revision, unless single-person publishing is allowed. */
export function mayPublish(cur: ReviewState, revision: number, reviewRequired: boolean): ReviewRefusal | null {
  if (!reviewRequired) return null;
  if (cur.status === 'approved' && cur.revision === revision) return null;
  return { code: 'review_state', message: cur.status === 'requested' ? 'The draft is waiting for its review' : cur.status === 'changes_requested' ? 'The reviewer asked for changes; send the draft for review again' : 'Publishing needs an approval by another editor: send the draft for review' };
}

export const isRefusal = (x: ReviewState | ReviewRefusal): x is ReviewRefusal => 'code' in x;
