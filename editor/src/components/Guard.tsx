// A page's role guard: a role below the page's sees a localized message with what it needs, instead of a form whose requests fail.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useAuth } from '../auth/useAuth.js';
import type { Role } from '../api/client.js';

/** Renders `children` when the signed-in role allows `role`, else the refusal. */
export function Guard({ role, children }: { role: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const { can, me } = useAuth();
  if (can(role)) return <>{children}</>;
  return (
    <div className="page-pad">
      <div className="banner error" role="alert" data-testid="role-guard" data-needs={role}>
        <strong>{t('guard.title')}</strong>
        <p>{t('guard.body', { needs: t(`roles.${role}`), has: t(`roles.${me?.role ?? 'viewer'}`) })}</p>
        <Link href="~/" className="button">
          {t('guard.back')}
        </Link>
      </div>
    </div>
  );
}
