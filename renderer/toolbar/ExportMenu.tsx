import { Menu } from '../teach/Menu.tsx';
import { PictureItems } from '../teach/PictureMenu.tsx';
import { exportModel, MODEL_EXPORTS } from '../export/modelExport.ts';

/**
 * "Export" in the toolbar: the model as ONNX, TF.js, weights.npz, or a Python project zip; and
 * the graph as a picture (SVG/PNG).
 */
export function ExportMenu() {
  return (
    <Menu label="Export" testId="toolbar-export" alignRight>
      {(close) => (
        <>
          <div className="menu__sep menu__sep--first">
            The model and its weights (trained ones if any)
          </div>
          {MODEL_EXPORTS.map((e) => (
            <button
              key={e.kind}
              type="button"
              role="menuitem"
              className="menu__item"
              data-testid={`export-${e.kind}`}
              onClick={() => {
                close();
                void exportModel(e.kind);
              }}
            >
              <strong>{e.label}</strong>
              <span>{e.hint}</span>
            </button>
          ))}
          <PictureItems close={close} />
          <div className="menu__hint">
            Python scripts alone: the Code panel’s Export buttons. Training curves: the Training
            panel’s “Save curves”.
          </div>
        </>
      )}
    </Menu>
  );
}
