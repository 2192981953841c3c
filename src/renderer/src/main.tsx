import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { CaptureView } from './views/CaptureView';
import { connectClient } from './api/client';
import { ClientContext } from './api/context';
import './styles.css';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <ClientContext.Provider value={connectClient()}>
        {new URLSearchParams(window.location.search).get('view') === 'capture' ? (
          <CaptureView />
        ) : (
          <App />
        )}
      </ClientContext.Provider>
    </StrictMode>,
  );
