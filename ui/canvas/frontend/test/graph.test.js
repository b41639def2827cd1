// Unit tests of the editor's graph rules (node --test): ids, defaults, ports, cycles, round trips.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  connect, defaultParams, fromFlow, newNodeId, renumberPorts, toFlow, wouldCycle,
} from "../src/graph.js";

const PALETTE = {
  Input: { category: "input", inputs: 1, params: { shape: { kind: "shape", default: [64] } } },
  Linear: { category: "dense", inputs: 1, params: { out_features: { default: 32 }, bias: { default: true } } },
  Conv2d: { category: "convolution", inputs: 1, params: { padding: { default: null }, kernel_size: { default: 3 },
                                                            out_channels: { default: null, required: true, initial: 8 } } },
  ReLU: { category: "activation", inputs: 1, params: {} },
  Add: { category: "merge", inputs: "many", params: {} },
};
const GRAPH = {
  nodes: [
    { id: "in", type: "Input", params: { shape: [64] }, pos: [0, 0], note: "kept" },
    { id: "a", type: "Linear", params: { out_features: 8 }, pos: [0, 150] },
    { id: "b", type: "ReLU", params: {}, pos: [200, 150] },
    { id: "sum", type: "Add", params: {}, pos: [0, 300] },
  ],
  edges: [
    { source: "in", target: "a" },
    { source: "in", target: "b" },
    { source: "b", target: "sum", target_port: 1 },
    { source: "a", target: "sum", target_port: 0 },
  ],
};
const types = (flow) => new Map(flow.nodes.map((n) => [n.id, n.data.type]));
const ports = (flow, target) => flow.edges.filter((e) => e.target === target)
  .map((e) => [e.source, e.data.port]).sort((x, y) => x[1] - y[1]);

test("new ids are the lowercase type plus the first free number", () => {
  assert.equal(newNodeId("Linear", new Set(["linear1", "linear3"])), "linear2");
  assert.equal(newNodeId("Conv2d", new Set()), "conv2d1");
  assert.equal(newNodeId("Block2", new Set()), "block2_1"); // a name ending in a digit gets a separator
});

test("a fresh node gets required sizes from `initial` and skips null defaults", () => {
  assert.deepEqual(defaultParams(PALETTE.Conv2d), { kernel_size: 3, out_channels: 8 });
  assert.deepEqual(defaultParams(PALETTE.ReLU), {});
});

test("a graph survives toFlow -> fromFlow unchanged, unknown keys included", () => {
  assert.deepEqual(fromFlow(toFlow(GRAPH, PALETTE).nodes, toFlow(GRAPH, PALETTE).edges, PALETTE), GRAPH);
});

test("multi-input ports follow target_port, then edge order; single inputs use port 0", () => {
  const g = structuredClone(GRAPH);
  g.edges.push({ source: "in", target: "sum" }); // no target_port: after the numbered ones
  const flow = toFlow(g, PALETTE);
  assert.deepEqual(ports(flow, "sum"), [["a", 0], ["b", 1], ["in", 2]]);
  assert.deepEqual(ports(flow, "a"), [["in", 0]]);
  const out = fromFlow(flow.nodes, flow.edges, PALETTE);
  assert.equal(out.edges.find((e) => e.target === "a").target_port, undefined);
});

test("deleting an input of Add closes the gap in its ports", () => {
  const flow = toFlow(GRAPH, PALETTE);
  const left = renumberPorts(flow.edges.filter((e) => e.source !== "a"), PALETTE, types(flow));
  assert.deepEqual(ports({ edges: left }, "sum"), [["b", 0]]);
});

test("connecting replaces the edge on that handle; the free Add handle appends a port", () => {
  const flow = toFlow(GRAPH, PALETTE);
  let edges = connect(flow.edges, { source: "b", target: "a", targetHandle: "in0" }, PALETTE, types(flow));
  assert.deepEqual(ports({ edges }, "a"), [["b", 0]]);
  edges = connect(edges, { source: "in", target: "sum", targetHandle: "in2" }, PALETTE, types(flow));
  assert.deepEqual(ports({ edges }, "sum"), [["a", 0], ["b", 1], ["in", 2]]);
  edges = connect(edges, { source: "in", target: "sum", targetHandle: "in0" }, PALETTE, types(flow));
  assert.deepEqual(ports({ edges }, "sum"), [["in", 0], ["b", 1], ["in", 2]]);
});

test("connections that would close a cycle are refused", () => {
  const { edges } = toFlow(GRAPH, PALETTE);
  assert.equal(wouldCycle(edges, "sum", "in"), true);
  assert.equal(wouldCycle(edges, "a", "a"), true);
  assert.equal(wouldCycle(edges, "a", "b"), false);
});
