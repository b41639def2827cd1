// Conversions between the neurocanvas/1 graph and React Flow's nodes/edges, plus the small graph rules.
export const CATEGORY_ORDER = [
  "input", "dense", "convolution", "pooling", "normalisation",
  "recurrent", "attention", "merge", "reshape", "activation",
];

// Colour-blind-friendly hues that stay distinct on a washed-out projector.
export const CATEGORY_COLOURS = {
  input: "#2563eb", dense: "#7c3aed", convolution: "#0891b2", pooling: "#0d9488",
  normalisation: "#b45309", recurrent: "#db2777", attention: "#ea580c", merge: "#475569",
  reshape: "#64748b", activation: "#16a34a",
};

export const colourOf = (spec) => CATEGORY_COLOURS[spec?.category] || "#334155";
export const isMulti = (spec) => spec?.inputs === "many";
export const hasInput = (type, spec) => type !== "Input" && spec?.inputs !== 0;

// "Linear" -> "linear3", "Conv2d" -> "conv2d1"; a type ending in a digit gets a separator: "Block2" -> "block2_1".
export function newNodeId(type, taken) {
  const stem = type.toLowerCase().replace(/[^a-z0-9_]/g, "");
  const sep = /\d$/.test(stem) ? "_" : "";
  for (let n = 1; ; n += 1) {
    const id = `${stem}${sep}${n}`;
    if (!taken.has(id)) return id;
  }
}

export function defaultParams(spec) {
  const params = {};
  for (const [name, p] of Object.entries(spec?.params || {})) {
    // `initial` is what a fresh node starts with: a required size (out_features) gets a sensible value so
    // the dropped layer is valid at once; optional ones start at their default.
    const value = p?.initial ?? p?.default;
    if (value !== null && value !== undefined) params[name] = value;
  }
  return params;
}

const edgeId = (s, t, port) => `${s}->${t}#${port}`;

export function makeEdge(source, target, port, raw = {}) {
  return {
    id: edgeId(source, target, port), source, target,
    sourceHandle: "out", targetHandle: `in${port}`, data: { port, raw },
  };
}

// Multi-input nodes get ports 0..n-1 ordered by their old port (stable), so deleting one closes the gap.
export function renumberPorts(edges, palette, nodeTypes) {
  const byTarget = new Map();
  edges.forEach((e, i) => {
    if (!isMulti(palette[nodeTypes.get(e.target)])) return;
    if (!byTarget.has(e.target)) byTarget.set(e.target, []);
    byTarget.get(e.target).push(i);
  });
  const out = edges.slice();
  for (const idxs of byTarget.values()) {
    idxs.sort((a, b) => (edges[a].data?.port ?? Infinity) - (edges[b].data?.port ?? Infinity) || a - b);
    idxs.forEach((i, port) => {
      const e = edges[i];
      if (e.data?.port !== port) out[i] = makeEdge(e.source, e.target, port, e.data?.raw);
    });
  }
  return out;
}

export function toFlow(graph, palette, selected) {
  const nodes = (graph?.nodes || []).map((n, i) => ({
    id: String(n.id), type: "layer", selected: n.id === selected,
    position: Array.isArray(n.pos) ? { x: n.pos[0], y: n.pos[1] } : { x: 40 * i, y: 40 * i },
    data: { type: n.type, params: n.params || {}, raw: n },
  }));
  const types = new Map(nodes.map((n) => [n.id, n.data.type]));
  const edges = (graph?.edges || []).map((e) =>
    makeEdge(String(e.source), String(e.target), e.target_port ?? null, e));
  // Single-input targets use handle in0; multi-input ports are ordered by target_port, then file order.
  const fixed = edges.map((e) => (isMulti(palette[types.get(e.target)]) || e.data.port === 0
    ? e : makeEdge(e.source, e.target, 0, e.data.raw)));
  return { nodes, edges: renumberPorts(fixed, palette, types) };
}

export function fromFlow(nodes, edges, palette) {
  const types = new Map(nodes.map((n) => [n.id, n.data.type]));
  return {
    nodes: nodes.map((n) => ({
      ...n.data.raw, id: n.id, type: n.data.type, params: n.data.params,
      pos: [Math.round(n.position.x), Math.round(n.position.y)],
    })),
    edges: edges.map((e) => {
      const { target_port: _dropped, ...raw } = e.data?.raw || {};
      const edge = { ...raw, source: e.source, target: e.target };
      if (isMulti(palette[types.get(e.target)])) edge.target_port = e.data.port;
      return edge;
    }),
  };
}

// True when an edge source -> target would close a cycle (target already reaches source).
export function wouldCycle(edges, source, target) {
  if (source === target) return true;
  const next = new Map();
  for (const e of edges) {
    if (!next.has(e.source)) next.set(e.source, []);
    next.get(e.source).push(e.target);
  }
  const seen = new Set();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop();
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) || []));
  }
  return false;
}

// Adds the edge of a new connection, replacing whatever occupied that input handle.
export function connect(edges, { source, target, targetHandle }, palette, nodeTypes) {
  const multi = isMulti(palette[nodeTypes.get(target)]);
  const port = multi ? Number(String(targetHandle || "in0").slice(2)) : 0;
  const kept = edges.filter((e) => e.target !== target || (multi && e.data.port !== port));
  return renumberPorts([...kept, makeEdge(source, target, port)], palette, nodeTypes);
}
