// Unit tests of the canvas's text helpers (node --test): templates from Python filled in, React Flow's labels.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ariaLabels, fill } from "../src/texts.js";

test("fill replaces every named field, and a missing template reads as empty", () => {
  assert.equal(fill("{source} → {target} 会形成环路", { source: "out", target: "fc1" }), "out → fc1 会形成环路");
  assert.equal(fill("{count} 个参数 ({count})", { count: "1,234" }), "1,234 个参数 (1,234)");
  assert.equal(fill(undefined, { count: 3 }), "");
});

test("React Flow's controls and screen-reader texts come from the page's texts", () => {
  const labels = ariaLabels({ zoom_in: "放大", fit_view: "适应视图", moved: "向 {direction} 移动：x {x}，y {y}" });
  assert.equal(labels["controls.zoomIn.ariaLabel"], "放大");
  assert.equal(labels["controls.fitView.ariaLabel"], "适应视图");
  assert.equal(labels["node.a11yDescription.ariaLiveMessage"]({ direction: "up", x: 1, y: 2 }), "向 up 移动：x 1，y 2");
});
