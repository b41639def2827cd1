// What each node and edge shows beyond the graph (shape, parameter count, error, live pictures, inputs), as
// objects that keep their identity while their content is the same: React Flow then re-renders only the nodes
// and edges whose picture changed, not all of them whenever Python sends new annotations.
import { isMulti } from "./graph.js";

// `value`, or the equal one (by JSON) that `cache` kept under `key` the last time; `next` keeps what is used.
function stable(cache, next, key, value) {
  const json = JSON.stringify(value);
  const old = cache.get(key);
  const kept = old && old.json === json ? old : { json, value };
  next.set(key, kept);
  return kept.value;
}

// Map(node id -> face): { ann: {shape, params, error}, live: {hist, dead_text} | undefined, inCount }.
// inCount (incoming wires) only matters to a multi-input node, which draws one handle more than it has.
export function nodeFaces(nodes, edges, annotations, palette, cache) {
  const counts = new Map();
  for (const e of edges) counts.set(e.target, (counts.get(e.target) || 0) + 1);
  const next = new Map();
  const faces = new Map();
  for (const n of nodes) {
    const face = {
      ann: annotations[n.id] || {}, live: annotations._live?.[n.id],
      inCount: isMulti(palette[n.data.type]) ? counts.get(n.id) || 0 : 0,
    };
    faces.set(n.id, stable(cache.faces, next, n.id, face));
  }
  cache.faces = next;
  return faces;
}

// The nodes handed to React Flow: each editor node with its face in data.face; a node whose editor object
// and face are unchanged is the very object passed last time.
export function withFaces(nodes, faces, cache) {
  const next = new Map();
  const out = nodes.map((n) => {
    const face = faces.get(n.id);
    const old = cache.nodes.get(n.id);
    const kept = old && old.node === n && old.face === face
      ? old : { node: n, face, out: { ...n, data: { ...n.data, face } } };
    next.set(n.id, kept);
    return kept.out;
  });
  cache.nodes = next;
  cache.nodeList = same(cache.nodeList, out);
  return cache.nodeList;
}

// `prev` when `next` holds the very same objects: React Flow then has no new array to adopt at all.
const same = (prev, next) => (prev && prev.length === next.length && next.every((x, i) => x === prev[i])
  ? prev : next);

// The edges handed to React Flow: the shape as label, the gradient flow as width and colour while training,
// a screen-reader label; an edge whose editor object and look are unchanged is the object passed last time.
export function edgeViews(edges, annotations, ariaLabel, cache) {
  const looks = new Map();
  const views = new Map();
  const out = edges.map((e) => {
    const wire = `${e.source}->${e.target}`;
    const look = stable(cache.looks, looks, e.id,
      { label: annotations._edges?.[wire], live: annotations._flow?.[wire], aria: ariaLabel(e) });
    const old = cache.edges.get(e.id);
    const kept = old && old.edge === e && old.look === look ? old : { edge: e, look, out: edgeView(e, look) };
    views.set(e.id, kept);
    return kept.out;
  });
  cache.looks = looks;
  cache.edges = views;
  cache.edgeList = same(cache.edgeList, out);
  return cache.edgeList;
}

function edgeView(e, { label, live, aria }) {
  const style = live ? { stroke: live.colour, strokeWidth: live.width } : undefined;
  return { ...e, className: live ? "nc-edge nc-flowing" : "nc-edge", ariaLabel: aria,
           ...(label ? { label } : {}), ...(style ? { style } : {}) };
}

// A fresh cache for one editor.
export const newFaceCache = () => ({
  faces: new Map(), nodes: new Map(), looks: new Map(), edges: new Map(), nodeList: null, edgeList: null,
});
