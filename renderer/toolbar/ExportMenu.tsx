import { Menu } from '../teach/Menu.tsx';
import { exportModel, MODEL_EXPORTS } from '../export/modelExport.ts';

/** "Export" in the toolbar: the model as ONNX, TF.js, weights.npz, or a Python project zip. */
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
          <div className="menu__hint">Python scripts alone: the Code panel’s Export buttons.</div>
        </>
      )}
    </Menu>
  );
}
