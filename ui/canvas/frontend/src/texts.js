// The canvas's texts come from Python in the page's language (data.texts); these helpers fill and apply them.

// "{source} → {target} …" with every {name} replaced by values[name] (a missing template reads as "").
export const fill = (template, values) => Object.entries(values)
  .reduce((text, [name, value]) => text.split(`{${name}}`).join(String(value)), template || "");

// React Flow's own control tooltips and screen-reader texts (its ariaLabelConfig), in the page's language.
export const ariaLabels = (texts) => ({
  "controls.ariaLabel": texts.controls, "controls.zoomIn.ariaLabel": texts.zoom_in,
  "controls.zoomOut.ariaLabel": texts.zoom_out, "controls.fitView.ariaLabel": texts.fit_view,
  "minimap.ariaLabel": texts.minimap,
  "node.a11yDescription.default": texts.node_help, "node.a11yDescription.keyboardDisabled": texts.node_help,
  "edge.a11yDescription.default": texts.edge_help,
  "node.a11yDescription.ariaLiveMessage": (where) => fill(texts.moved, where),
});
