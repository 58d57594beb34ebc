// The auth hook: pages read the caller, the API client and role checks from here.
import { useContext } from 'react';
import { AuthContext, type Auth } from './AuthContext.js';

/** The auth state; throws outside AuthProvider (a bug). */
export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** The API client of a signed-in page (pages behind the sign-in gate only). */
export function useApi() {
  const { api } = useAuth();
  if (!api) throw new Error('useApi before sign-in');
  return api;
}
