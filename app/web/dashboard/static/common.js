// Shared by the dashboard and the reporting form: DOM builders and dates.
// Plain ES module, no build step and no external libraries, so it works offline.

export const SVG_NS = "http://www.w3.org/2000/svg";

export function setAttributes(element, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

function present(children) {
  return children.flat().filter((child) => child !== null && child !== undefined);
}

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attrs);
  element.append(...present(children));
  return element;
}

export function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  element.append(...present(children));
  return element;
}

// replaceChildren that skips absent children (null, undefined) instead of printing them.
export function fill(element, ...children) {
  element.replaceChildren(...present(children));
}

export function formatDate(iso) {
  if (!iso) return "–";
  const [year, month, day] = iso.slice(0, 10).split("-");
  return `${day}.${month}.${year}`;
}

export function formatDateTime(iso) {
  if (!iso) return "–";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return moment.toLocaleString("nb-NO", { dateStyle: "long", timeStyle: "short" });
}

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}
