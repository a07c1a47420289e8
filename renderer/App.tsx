import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './canvas/Canvas.tsx';
import { Dialogs } from './dialogs/Dialogs.tsx';
import { Notice } from './Notice.tsx';
import { Palette } from './palette/Palette.tsx';
import { SidePanel } from './panels/SidePanel.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Classroom } from './teach/Classroom.tsx';
import { Toolbar } from './toolbar/Toolbar.tsx';

/** Toolbar on top; palette, canvas and side panel; status bar below. */
export function App() {
  return (
    <ReactFlowProvider>
      <div className="app" data-testid="app">
        <Toolbar />
        <main className="workspace">
          <Palette />
          <div className="stage">
            {/* The lesson card sits above the canvas, never over the graph. */}
            <Classroom />
            <div className="stage__canvas">
              <Canvas />
              <Notice />
            </div>
          </div>
          <SidePanel />
        </main>
        <StatusBar />
        <Dialogs />
      </div>
    </ReactFlowProvider>
  );
}
