import { Menu } from './Menu.tsx';
import { exportGraphPng, exportGraphSvg } from './pictures.ts';

/** "Picture" in the toolbar: the graph as SVG or PNG, for slides. */
export function PictureMenu() {
  return (
    <Menu label="Picture" testId="toolbar-picture" alignRight>
      {(close) => (
        <>
          <div className="menu__sep menu__sep--first">Export the graph for slides</div>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            data-testid="picture-svg"
            onClick={() => {
              close();
              void exportGraphSvg();
            }}
          >
            <strong>Graph as SVG</strong>
            <span>Sharp at any size; editable in a drawing program</span>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            data-testid="picture-png"
            onClick={() => {
              close();
              void exportGraphPng();
            }}
          >
            <strong>Graph as PNG (2×)</strong>
            <span>For slides and documents</span>
          </button>
          <div className="menu__hint">Training curves: the Training panel’s “Save curves”.</div>
        </>
      )}
    </Menu>
  );
}
