// The editor's entry point: Monaco and i18n setup, the auth provider and the app shell.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './monaco/setupMonaco.js';
import './i18n/i18n.js';
import './styles.css';
import { AuthProvider } from './auth/AuthContext.js';
import { App } from './App.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <App />
    </AuthProvider>
  </StrictMode>,
);
