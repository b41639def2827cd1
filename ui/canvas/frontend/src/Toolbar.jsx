// The canvas toolbar: undo, redo, fit view, auto-layout, labelled in the page's language.
import React from "react";
import { Panel } from "@xyflow/react";

// Toolbar buttons never take focus, so Delete and Ctrl+Z keep reaching the canvas after a click.
function ToolButton({ name, children, ...props }) {
  return (
    <button type="button" data-testid={`nc-${name}`} onMouseDown={(e) => e.preventDefault()} {...props}>
      {children}
    </button>
  );
}

// hist: { index, length } of the undo history; travel(step) moves in it.
export default function Toolbar({ texts, hist, travel, fit, autoLayout }) {
  return (
    <Panel position="top-right" className="nc-toolbar">
      <ToolButton name="undo" disabled={hist.index === 0} onClick={() => travel(-1)}
                  title={texts.undo_tip}>{texts.undo}</ToolButton>
      <ToolButton name="redo" disabled={hist.index >= hist.length - 1} onClick={() => travel(1)}
                  title={texts.redo_tip}>{texts.redo}</ToolButton>
      <ToolButton name="fit" onClick={fit} title={texts.fit_tip}>{texts.fit}</ToolButton>
      <ToolButton name="layout" onClick={autoLayout} title={texts.layout_tip}>{texts.layout}</ToolButton>
    </Panel>
  );
}
