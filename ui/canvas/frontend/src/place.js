// Where nodes are: measured sizes kept across a replaced graph, free places for new nodes.

export const NODE_BOX = { w: 196, h: 120 }; // a node's face and a margin: a drop never lands on another node

// A replaced graph keeps the measured sizes of nodes it shares with the old one: React Flow hides
// unmeasured nodes for a frame (a flicker) and leaves them out of "fit view".
export const keepMeasured = (next, prev) => {
  const sizes = new Map(prev.nodes.map((n) => [n.id, n.measured]));
  return { ...next, nodes: next.nodes.map((n) => (sizes.get(n.id) ? { ...n, measured: sizes.get(n.id) } : n)) };
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
