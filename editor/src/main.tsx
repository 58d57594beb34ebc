// The editor's entry point: i18n setup, the data layer (TanStack Query), the auth provider and the app shell. Monaco is set up by the pages that use it, which load on demand.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import './i18n/i18n.js';
import './styles.css';
import { AuthProvider } from './auth/AuthContext.js';
import { App } from './App.js';
import { createQueryClient } from './api/queries.js';

const queryClient = createQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      {/* Signing out forgets every cached answer: the next token may see less. */}
      <AuthProvider onSignOut={() => queryClient.clear()}>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
