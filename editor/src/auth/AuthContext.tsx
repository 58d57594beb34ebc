// Who is signed in: the bearer token (kept in localStorage), the caller's name and role, and an API client bound to the token.
import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiClient, ApiError, roleAllows, type Role, type WhoAmI } from '../api/client.js';

export interface Auth {
  me: WhoAmI | null;
  api: ApiClient | null;
  /** True until a remembered token has been checked. */
  checking: boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
  /** Whether the signed-in role may do what needs `role`; pages offer only what this allows. */
  can(role: Role): boolean;
}

export const AuthContext = createContext<Auth | null>(null);
const KEY = 'mingcheng.token';

/** Provides the auth state to the app; checks a remembered token on load. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [api, setApi] = useState<ApiClient | null>(null);
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(true);

  const signOut = useCallback(() => {
    localStorage.removeItem(KEY);
    setApi(null);
    setMe(null);
  }, []);

  const signIn = useCallback(async (token: string) => {
    const client = new ApiClient(token.trim(), '', signOut);
    const who = await client.whoami();
    localStorage.setItem(KEY, token.trim());
    setApi(client);
    setMe(who);
  }, [signOut]);

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

  const value = useMemo<Auth>(() => ({ me, api, checking, signIn, signOut, can: (role) => roleAllows(me?.role, role) }), [me, api, checking, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
