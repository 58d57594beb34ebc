// The store's settings (whether publishing needs a review), fetched once per session.
import { useEffect, useState } from 'react';
import type { ApiClient, Settings } from '../api/client.js';

const cache = new WeakMap<ApiClient, Promise<Settings>>();

/** The settings; until they arrive, review is taken as required (the safe reading). */
export function useSettings(api: ApiClient): Settings {
  const [s, setS] = useState<Settings>({ publishReview: 'required' });
  useEffect(() => {
    let p = cache.get(api);
    if (!p) {
      p = api.settings().catch(() => ({ publishReview: 'required' }) as Settings);
      cache.set(api, p);
    }
    let alive = true;
    void p.then((x) => alive && setS(x));
    return () => {
      alive = false;
    };
  }, [api]);
  return s;
}
