// Dates and times for display in the UI language (pure; tested without a DOM).

/** An ISO timestamp as a local date and time to the minute: "2026/3/1 18:00" (zh) or "3/1/2026, 6:00 PM" (en). */
export function formatDateTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang.startsWith('en') ? 'en-GB' : 'zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** An ISO timestamp as a local date: "2026/03/01". */
export function formatDate(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang.startsWith('en') ? 'en-GB' : 'zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** A content hash shortened for a table: "sha256:1a2b3c4d…". */
export function shortHash(h: string | null): string {
  if (!h) return '—';
  return h.length > 19 ? `${h.slice(0, 15)}…` : h;
}
