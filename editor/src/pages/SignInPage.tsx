// Sign-in with a bearer token (an administrator creates tokens; the first admin token is printed when the server first starts).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/useAuth.js';
import { errorText } from '../api/errorText.js';

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn, signedOut } = useAuth();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="signin">
      <form
        className="card signin-card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await signIn(token);
          } catch (err) {
            setError(errorText(err, t));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        {signedOut && (
          <p className="banner error" role="alert" data-testid="signed-out" data-reason={signedOut}>
            {t(`signin.signedOut.${signedOut}`)}
          </p>
        )}
        <label className="block">
          {t('signin.token')}
          <input type="password" className="wide" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="token-input" placeholder="mc_…" />
        </label>
        <p className="muted small">{t('signin.help')}</p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={!token.trim() || busy} data-testid="signin-button">
          {t('signin.submit')}
        </button>
      </form>
    </div>
  );
}
