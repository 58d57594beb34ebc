// Who is signed in: the bearer token (kept in localStorage), the caller's name and role, an API client bound to the token, and why the app last signed out.
import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiClient, ApiError, roleAllows, type Role, type SignOutReason, type WhoAmI } from '../api/client.js';

export interface Auth {
  me: WhoAmI | null;
  api: ApiClient | null;
  /** True until a remembered token has been checked. */
  checking: boolean;
  /** Why the server stopped accepting the token (revoked, expired…), shown on the sign-in page; null after a deliberate sign-out. */
  signedOut: SignOutReason | null;
  signIn(token: string): Promise<void>;
  signOut(): void;
  /** Whether the signed-in role may do what needs `role`; pages offer only what this allows. */
  can(role: Role): boolean;
}

export const AuthContext = createContext<Auth | null>(null);
const KEY = 'mingcheng.token';

/** Provides the auth state to the app; checks a remembered token on load. */
export function AuthProvider({ children, onSignOut }: { children: ReactNode; onSignOut?: () => void }) {
  const [api, setApi] = useState<ApiClient | null>(null);
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(true);
  const [signedOut, setSignedOut] = useState<SignOutReason | null>(null);

  const end = useCallback(
    (reason: SignOutReason | null) => {
      localStorage.removeItem(KEY);
      setApi(null);
      setMe(null);
      setSignedOut(reason);
      onSignOut?.();
    },
    [onSignOut],
  );
  const signOut = useCallback(() => end(null), [end]);

  const signIn = useCallback(
    async (token: string) => {
      // A 401 while signed in means the token was revoked or expired meanwhile: sign out and say which.
      const client = new ApiClient(token.trim(), '', (reason) => end(reason));
      const who = await client.whoami();
      localStorage.setItem(KEY, token.trim());
      setSignedOut(null);
      setApi(client);
      setMe(who);
    },
    [end],
  );

  useEffect(() => {
    const saved = localStorage.getItem(KEY);
    if (!saved) {
      setChecking(false);
      return;
    }
    signIn(saved)
      .catch((e) => {
        if (e instanceof ApiError && e.status === 401) localStorage.removeItem(KEY);
      })
      .finally(() => setChecking(false));
  }, [signIn]);

  const value = useMemo<Auth>(() => ({ me, api, checking, signedOut, signIn, signOut, can: (role) => roleAllows(me?.role, role) }), [me, api, checking, signedOut, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
