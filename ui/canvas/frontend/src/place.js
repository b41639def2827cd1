// Where nodes are: measured sizes kept across a replaced graph, free places for new nodes.

export const NODE_BOX = { w: 196, h: 120 }; // a node's face and a margin: a drop never lands on another node

// A replaced graph (a Python push, undo) keeps the very objects of the nodes and edges it shares unchanged with
// the old one, so React Flow re-renders only what changed; a changed node keeps its measured size (React Flow
// hides unmeasured nodes for a frame, a flicker, and leaves them out of "fit view").
export const keepUnchanged = (next, prev) => {
  const oldNodes = new Map(prev.nodes.map((n) => [n.id, n]));
  const nodes = next.nodes.map((n) => {
    const o = oldNodes.get(n.id);
    if (!o) return n;
    const same = o.selected === n.selected && o.position.x === n.position.x && o.position.y === n.position.y
      && o.data.type === n.data.type && JSON.stringify([o.data.params, o.data.raw]) === JSON.stringify(
        [n.data.params, n.data.raw]);
    return same ? o : o.measured ? { ...n, measured: o.measured } : n;
  });
  const oldEdges = new Map(prev.edges.map((e) => [e.id, e]));
  const edges = next.edges.map((e) => {
    const o = oldEdges.get(e.id);
    return o && JSON.stringify(o.data) === JSON.stringify(e.data) ? o : e;
  });
  return { ...next, nodes, edges };
};
export const typesOf = (nodes) => new Map(nodes.map((n) => [n.id, n.data.type]));
export const placement = (nodes) => JSON.stringify(nodes.map((n) => [n.id, n.position.x, n.position.y]));
// The nearest free place below `at` for a new node: dropped layers do not pile up on each other.
export const freePlace = (nodes, at) => {
  const taken = (p) => nodes.some((n) => Math.abs(n.position.x - p.x) < NODE_BOX.w
    && Math.abs(n.position.y - p.y) < NODE_BOX.h);
  const p = { ...at };
  for (let i = 0; i < 200 && taken(p); i += 1) p.y += NODE_BOX.h / 2;
  return p;
};
