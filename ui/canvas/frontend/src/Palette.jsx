// The layer palette: layer types grouped by category, dragged onto the canvas (or double-clicked).
import React, { useMemo, useState } from "react";
import { CATEGORY_ORDER, colourOf } from "./graph.js";

export const DRAG_MIME = "application/x-neurocanvas-layer";

function groups(palette, filter) {
  const byCat = new Map();
  for (const [type, spec] of Object.entries(palette)) {
    if (filter && !type.toLowerCase().includes(filter)) continue;
    const cat = spec.category || "other";
    if (!byCat.has(cat)) byCat.set(cat, []);
    byCat.get(cat).push(type);
  }
  const rank = (c) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length);
  return [...byCat.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

export default function Palette({ palette, onAdd, texts = {} }) {
  const [filter, setFilter] = useState("");
  const grouped = useMemo(() => groups(palette, filter.trim().toLowerCase()), [palette, filter]);
  return (
    <aside className="nc-palette" data-testid="nc-palette">
      <input className="nc-filter" placeholder={texts.filter} value={filter}
             onChange={(e) => setFilter(e.target.value)} aria-label={texts.filter} />
      {grouped.map(([cat, types]) => (
        <section key={cat}>
          <h4 style={{ "--cat": colourOf(palette[types[0]]) }}>{texts.categories?.[cat] || cat}</h4>
          {types.map((type) => (
            <div key={type} className="nc-item" draggable title={palette[type].help || type}
                 style={{ "--cat": colourOf(palette[type]) }}
                 data-testid="nc-palette-item" data-type={type}
                 onDragStart={(e) => {
                   e.dataTransfer.setData(DRAG_MIME, type);
                   e.dataTransfer.effectAllowed = "copy";
                 }}
                 onDoubleClick={() => onAdd(type)}>
              {type}
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
