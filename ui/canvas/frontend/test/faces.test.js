// Unit tests of faces.js (node --test): new annotations from Python make new objects only where a face changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { edgeViews, newFaceCache, nodeFaces, withFaces } from "../src/faces.js";
import { toFlow } from "../src/graph.js";
import { keepUnchanged } from "../src/place.js";

const PALETTE = {
  Input: { category: "input", inputs: 1, params: {} },
  Linear: { category: "dense", inputs: 1, params: {} },
  Add: { category: "merge", inputs: "many", params: {} },
};
const GRAPH = {
  nodes: [
    { id: "in", type: "Input", params: { shape: [4] }, pos: [0, 0] },
    { id: "a", type: "Linear", params: { out_features: 8 }, pos: [0, 100] },
    { id: "b", type: "Linear", params: { out_features: 8 }, pos: [200, 100] },
    { id: "sum", type: "Add", params: {}, pos: [0, 200] },
  ],
  edges: [
    { source: "in", target: "a" }, { source: "in", target: "b" },
    { source: "a", target: "sum", target_port: 0 }, { source: "b", target: "sum", target_port: 1 },
  ],
};
const notes = (aShape) => ({
  in: { shape: "[4]" }, a: { shape: aShape, params: 40 }, b: { shape: "[8]", params: 40 }, sum: { shape: aShape },
  _edges: { "in->a": "[4]", "in->b": "[4]", "a->sum": aShape, "b->sum": "[8]" },
});
const label = (e) => `${e.source} to ${e.target}`;

function draw(flow, annotations, cache) {
  const faces = nodeFaces(flow.nodes, flow.edges, annotations, PALETTE, cache);
  return { nodes: withFaces(flow.nodes, faces, cache), edges: edgeViews(flow.edges, annotations, label, cache) };
}

test("the same annotations again, as new objects, give back the very same nodes and edges", () => {
  const flow = toFlow(GRAPH, PALETTE, null);
  const cache = newFaceCache();
  const first = draw(flow, notes("[8]"), cache);
  const again = draw(flow, JSON.parse(JSON.stringify(notes("[8]"))), cache);
  assert.equal(again.nodes, first.nodes); // the very same arrays: React Flow has nothing to adopt
  assert.equal(again.edges, first.edges);
  assert.equal(first.nodes[1].data.face.ann.shape, "[8]");
  assert.equal(first.edges[0].label, "[4]");
});

test("a changed shape makes new objects for the nodes and edges that show it, and only for them", () => {
  const flow = toFlow(GRAPH, PALETTE, null);
  const cache = newFaceCache();
  const first = draw(flow, notes("[8]"), cache);
  const next = draw(flow, notes("[16]"), cache);
  const changed = next.nodes.filter((n, i) => n !== first.nodes[i]).map((n) => n.id);
  assert.deepEqual(changed, ["a", "sum"]);
  assert.equal(next.nodes[1].data.face.ann.shape, "[16]");
  const rewired = next.edges.filter((e, i) => e !== first.edges[i]).map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(rewired, ["a->sum"]);
  assert.equal(next.edges[2].label, "[16]");
});

test("a moved node is a new object; the others stay; live flow styles an edge", () => {
  const flow = toFlow(GRAPH, PALETTE, null);
  const cache = newFaceCache();
  const first = draw(flow, notes("[8]"), cache);
  const moved = { ...flow, nodes: flow.nodes.map((n) => (n.id === "b" ? { ...n, position: { x: 9, y: 9 } } : n)) };
  const live = { ...notes("[8]"), _flow: { "in->a": { width: 3, colour: "#dc2626" } } };
  const next = draw(moved, live, cache);
  assert.deepEqual(next.nodes.filter((n, i) => n !== first.nodes[i]).map((n) => n.id), ["b"]);
  assert.deepEqual(next.edges[0].style, { stroke: "#dc2626", strokeWidth: 3 });
  assert.equal(next.edges[0].className, "nc-edge nc-flowing");
  assert.equal(next.edges[1], first.edges[1]);
});

test("only a multi-input node counts its wires: a new wire into it does not touch the single-input nodes", () => {
  const flow = toFlow(GRAPH, PALETTE, null);
  const cache = newFaceCache();
  const faces = nodeFaces(flow.nodes, flow.edges, notes("[8]"), PALETTE, cache);
  assert.equal(faces.get("sum").inCount, 2);
  assert.equal(faces.get("a").inCount, 0);
  const fewer = nodeFaces(flow.nodes, flow.edges.slice(0, 3), notes("[8]"), PALETTE, cache);
  assert.equal(fewer.get("sum").inCount, 1);
  assert.equal(fewer.get("b"), faces.get("b"));
});

test("a graph pushed again keeps the objects of unchanged nodes and edges, and the measured size of changed ones", () => {
  const prev = toFlow(GRAPH, PALETTE, null);
  prev.nodes = prev.nodes.map((n) => ({ ...n, measured: { width: 180, height: 90 } }));
  const pushed = JSON.parse(JSON.stringify(GRAPH));
  pushed.nodes[1].params.out_features = 16;
  pushed.nodes.push({ id: "new", type: "Linear", params: {}, pos: [400, 0] });
  const next = keepUnchanged(toFlow(pushed, PALETTE, null), prev);
  assert.deepEqual(next.nodes.filter((n, i) => n !== prev.nodes[i]).map((n) => n.id), ["a", "new"]);
  assert.equal(next.nodes[1].data.params.out_features, 16);
  assert.deepEqual(next.nodes[1].measured, { width: 180, height: 90 });
  assert.equal(next.nodes[4].measured, undefined);
  next.edges.forEach((e, i) => assert.equal(e, prev.edges[i]));
});
