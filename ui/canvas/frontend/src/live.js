// Entry point of the live pictures' component: each poll while the network trains, it hands the nodes' sparklines
// and the wires' gradient flow to the editor (channel.js); the editor itself is not sent again.
import { publish } from "./channel.js";

export default function mountLive({ parentElement, data }) {
  hide(parentElement);
  const { channel, live } = data || {};
  if (typeof channel !== "string") return undefined;
  publish(channel, live && typeof live === "object" ? live : null);
  return () => publish(channel, null); // the run ended (the component left the page): no pictures
}

// The element takes no room on the page: its container (outside its shadow root) is not displayed.
function hide(parentElement) {
  const root = parentElement?.getRootNode?.();
  const host = root?.host || parentElement;
  const box = host?.closest?.('[data-testid="stElementContainer"]');
  if (box) box.style.display = "none";
}
