import './zod-csp.ts';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { autosaveNow } from './project/safety.ts';
import { editorStore } from './store/index.ts';

const root = document.getElementById('root');
if (!root) throw new Error('No #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Lets end-to-end tests and the console inspect the editor state (read it, drive it).
(window as { __netwright?: unknown }).__netwright = { store: editorStore, autosave: autosaveNow };
