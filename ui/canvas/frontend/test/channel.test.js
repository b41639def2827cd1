// Unit tests of the live pictures' way to the editor (node --test): live.js publishes, the editor listens.
import assert from "node:assert/strict";
import { test } from "node:test";
import { listen, publish } from "../src/channel.js";
import mountLive from "../src/live.js";

test("each poll's pictures reach the listeners of their canvas, and end with the component", () => {
  const [subscribe, snapshot] = listen("canvas");
  let heard = 0;
  const stop = subscribe(() => { heard += 1; });
  const pictures = { nodes: { fc1: { hist: [0.5, 1] } }, edges: { "in->fc1": { width: 3, colour: "#dc2626" } } };
  const cleanup = mountLive({ parentElement: null, data: { channel: "canvas", live: pictures } });
  assert.deepEqual(snapshot(), pictures);
  assert.equal(listen("other")[1](), null, "another canvas hears nothing");
  cleanup();
  assert.equal(snapshot(), null);
  assert.equal(heard, 2);
  stop();
  publish("canvas", pictures);
  assert.equal(heard, 2, "an editor gone listens no more");
});

test("data that is not a channel and pictures is ignored", () => {
  assert.equal(mountLive({ parentElement: null, data: { channel: 7, live: {} } }), undefined);
  mountLive({ parentElement: null, data: { channel: "canvas", live: "junk" } });
  assert.equal(listen("canvas")[1](), null);
});
