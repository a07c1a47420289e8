import { exportGraphPng, exportGraphSvg } from './pictures.ts';

/**
 * The graph as SVG or PNG, for slides: a section of the toolbar's Export menu (one menu for every
 * export keeps the toolbar narrow enough for the project name at 1280 px).
 */
export function PictureItems({ close }: { close: () => void }) {
  return (
    <>
      <div className="menu__sep">The graph as a picture, for slides</div>
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
    </>
  );
}
