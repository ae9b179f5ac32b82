// The dependency graph as inline SVG: layered columns (the longest supplier chain into a
// node), optionally in bands by owner or segment that fold into one box each, with pan,
// zoom, search-to-focus and the edges of the node under the pointer highlighted.
// Arrows always run from supplier to dependant.

import { h, s } from "./common.js";

export const NODE_WIDTH = 164;
export const NODE_HEIGHT = 40;
const COLUMN_GAP = 96;
const ROW_GAP = 14;
const BAND_HEADER = 30;
const BAND_GAP = 12;
const MARGIN = { top: 44, right: 24, bottom: 24, left: 24 };
const SOLUTIONS = "SOLUTIONS";
const EDGE_RANK = { LOW: 0, MEDIUM: 1, HIGH: 2, development: 3, late: 4 };
const ZOOM_STEP = 1.25;
const MAX_ZOOM = 3; // screen pixels per graph unit
const LARGE = 150; // nodes: above this the whole graph starts grouped and folded

// A line of text in a node's box: centred when it fits, else from the left, clipped.
function nodeText(text, y, className) {
  const fits = text.length <= (className === "node-code" ? 20 : 26);
  return s(
    "text",
    {
      x: fits ? NODE_WIDTH / 2 : 8,
      y,
      class: fits ? className : `${className} clipped`,
      "clip-path": fits ? null : "url(#node-clip)",
    },
    text,
  );
}

function edgeKind(edge) {
  if (edge.late) return "late";
  if (edge.development) return "development";
  return edge.criticality;
}

export function edgeClass(edge) {
  const kind = edgeKind(edge);
  return kind === "late" || kind === "development" ? `edge edge-${kind}` : `edge edge-${kind}`;
}

function edgeMarker(edge) {
  return `url(#arrow-${edgeKind(edge)})`;
}

export function nodeShape(node, inset = 0) {
  const x = -inset;
  const y = -inset;
  const width = NODE_WIDTH + 2 * inset;
  const height = NODE_HEIGHT + 2 * inset;
  if (node.kind === "SOLUTION") {
    const cut = 12 + inset * 0.4;
    const points = [
      [x + cut, y],
      [x + width - cut, y],
      [x + width, y + height / 2],
      [x + width - cut, y + height],
      [x + cut, y + height],
      [x, y + height / 2],
    ];
    return ["polygon", { points: points.map((point) => point.join(",")).join(" ") }];
  }
  return ["rect", { x, y, width, height, rx: 7 + inset, ry: 7 + inset }];
}

function arrowMarker(kind) {
  return s(
    "marker",
    {
      id: `arrow-${kind}`,
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse",
      class: `marker arrow-${kind}`,
    },
    s("path", { d: "M 0 0 L 10 5 L 0 10 z" }),
  );
}

export class GraphView {
  // options: { label(enumName, value), describeNode(node), formatDate(iso), onSelect(code, kind),
  //            onStatus(text) }
  constructor(svg, wrap, options) {
    this.svg = svg;
    this.wrap = wrap;
    this.options = options;
    this.graph = { nodes: [], edges: [] };
    this.root = null;
    this.moved = new Map();
    this.flagged = new Set(); // newly flagged by an evaluated scenario
    this.groupBy = "none";
    this.groupChosen = false;
    this.collapsed = new Set();
    this.view = null; // { x, y, w, h } in graph units
    this.content = { width: 400, height: 120 };
    this.edgesByCode = new Map();
    this.elements = new Map(); // code -> node element
    this.wire();
  }

  // ------------------------------------------------------------ data

  setData(graph, { root, moved, flagged = new Set() }) {
    const sameNodes =
      this.graph.nodes.length === graph.nodes.length &&
      this.graph.nodes.every((node, index) => node.code === graph.nodes[index]?.code);
    this.graph = graph;
    this.root = root;
    this.moved = moved;
    this.flagged = flagged;
    if (!sameNodes && !this.groupChosen) {
      // Until someone picks a grouping, a large graph comes grouped by segment and folded.
      this.groupBy = graph.nodes.length > LARGE ? "segment" : "none";
      this.options.onGroupBy?.(this.groupBy);
    }
    if (!sameNodes) this.resetGroups();
    this.render({ keepView: sameNodes });
  }

  setGroupBy(groupBy) {
    this.groupChosen = true;
    this.groupBy = groupBy;
    this.resetGroups();
    this.render({ keepView: false });
  }

  // A large graph starts folded, so that its first picture is readable.
  resetGroups() {
    this.collapsed = new Set();
    if (this.groupBy !== "none" && this.graph.nodes.length > LARGE) {
      for (const node of this.graph.nodes) this.collapsed.add(this.groupOf(node).key);
    }
  }

  groupOf(node) {
    if (this.groupBy === "none") return { key: "", title: "" };
    if (node.kind === "SOLUTION") {
      return { key: SOLUTIONS, title: "Nasjonale løsninger og grunnmur" };
    }
    const initiative = node.node ?? {};
    if (this.groupBy === "owner") {
      const owner = initiative.owner;
      return owner
        ? { key: `owner:${owner.code}`, title: owner.name }
        : { key: "owner:", title: "Uten eier" };
    }
    const segment = initiative.segment;
    return segment
      ? { key: `segment:${segment}`, title: this.options.label("Segment", segment) }
      : { key: "segment:", title: "Uten segment" };
  }

  toggleGroup(key) {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
    this.render({ keepView: true });
    const toggle = this.svg.querySelector(`[data-testid="graph-group-toggle"][data-group="${CSS.escape(key)}"]`);
    toggle?.focus({ preventScroll: true });
  }

  // ------------------------------------------------------------ layout

  // The drawn items: nodes, and one box per folded group; edges between drawn items, one
  // per pair (the strongest kind wins, the count is kept).
  visibleItems() {
    const groups = new Map();
    const items = [];
    const owner = new Map(); // node code -> drawn item id
    for (const node of this.graph.nodes) {
      const group = this.groupOf(node);
      if (!groups.has(group.key)) {
        groups.set(group.key, { ...group, members: [], layer: Infinity, red: 0 });
      }
      const entry = groups.get(group.key);
      entry.members.push(node);
      entry.layer = Math.min(entry.layer, node.layer);
      if (node.status === "RED") entry.red += 1;
      if (!this.collapsed.has(group.key)) {
        items.push({ id: node.code, node, group: group.key, layer: node.layer });
        owner.set(node.code, node.code);
      }
    }
    for (const group of groups.values()) {
      if (!this.collapsed.has(group.key)) continue;
      const id = `group:${group.key}`;
      items.push({ id, cluster: group, group: group.key, layer: group.layer });
      for (const member of group.members) owner.set(member.code, id);
    }
    const links = new Map();
    for (const edge of this.graph.edges) {
      const from = owner.get(edge.supplierCode);
      const to = owner.get(edge.dependantCode);
      if (!from || !to || from === to) continue;
      const key = `${from}\u0000${to}`;
      const link = links.get(key);
      if (!link) {
        links.set(key, { from, to, edge, count: 1, late: edge.late ? 1 : 0 });
      } else {
        link.count += 1;
        if (edge.late) link.late += 1;
        if (EDGE_RANK[edgeKind(edge)] > EDGE_RANK[edgeKind(link.edge)]) link.edge = edge;
      }
    }
    return { groups, items, links: [...links.values()] };
  }

  layout() {
    const { groups, items, links } = this.visibleItems();
    const byId = new Map(items.map((item) => [item.id, item]));
    const neighbours = new Map(items.map((item) => [item.id, []]));
    for (const link of links) {
      neighbours.get(link.from).push(link.to);
      neighbours.get(link.to).push(link.from);
    }
    // Bands in a stable order: solutions first (they are the foundation), then by title.
    const bandKeys = [...groups.keys()].sort((a, b) => {
      if (a === SOLUTIONS) return -1;
      if (b === SOLUTIONS) return 1;
      return groups.get(a).title.localeCompare(groups.get(b).title, "nb");
    });
    const layers = Math.max(1, ...items.map((item) => item.layer + 1));
    const pitch = NODE_HEIGHT + ROW_GAP;
    const header = this.groupBy === "none" ? 0 : BAND_HEADER;
    const bands = [];
    let top = 0;
    for (const key of bandKeys) {
      const columns = Array.from({ length: layers }, () => []);
      for (const item of items) if (item.group === key) columns[item.layer].push(item);
      for (const column of columns) {
        column.sort(
          (a, b) =>
            (a.node?.kind ?? "").localeCompare(b.node?.kind ?? "") || a.id.localeCompare(b.id),
        );
      }
      const tallest = Math.max(1, ...columns.map((column) => column.length));
      const height = header + tallest * pitch - ROW_GAP;
      bands.push({ key, group: groups.get(key), columns, top, tallest, height });
      top += height + (header ? BAND_GAP : 0);
    }
    const y = new Map();
    const place = (band, column) => {
      const offset = band.top + header + ((band.tallest - column.length) * pitch) / 2;
      column.forEach((item, row) => y.set(item.id, offset + row * pitch));
    };
    for (const band of bands) band.columns.forEach((column) => place(band, column));
    // Barycentre sweeps: each node moves towards the nodes it is linked to in other columns
    // (fewer crossings; deterministic, ties broken by id).
    for (let sweep = 0; sweep < 8; sweep += 1) {
      const order = [...Array(layers).keys()];
      if (sweep % 2) order.reverse();
      for (const layer of order) {
        for (const band of bands) {
          const column = band.columns[layer];
          if (column.length < 2) continue;
          const centre = new Map(
            column.map((item) => {
              const linked = neighbours.get(item.id).filter((id) => byId.get(id).layer !== layer);
              const mean = linked.length
                ? linked.reduce((sum, id) => sum + y.get(id), 0) / linked.length
                : y.get(item.id);
              return [item.id, mean];
            }),
          );
          column.sort((a, b) => centre.get(a.id) - centre.get(b.id) || a.id.localeCompare(b.id));
          place(band, column);
        }
      }
    }
    const positions = new Map();
    for (const item of items) {
      positions.set(item.id, {
        x: MARGIN.left + item.layer * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN.top + y.get(item.id),
      });
    }
    const width = MARGIN.left + MARGIN.right + layers * NODE_WIDTH + (layers - 1) * COLUMN_GAP;
    return {
      items,
      links,
      bands,
      positions,
      layers,
      width: Math.max(width, 400),
      height: Math.max(MARGIN.top + MARGIN.bottom + Math.max(top, 40), 120),
    };
  }

  // ------------------------------------------------------------ drawing

  render({ keepView }) {
    const { label, describeNode, formatDate } = this.options;
    const drawn = this.layout();
    const { positions } = drawn;
    this.content = { width: drawn.width, height: drawn.height };
    this.edgesByCode = new Map();
    this.elements = new Map();
    const defs = s(
      "defs",
      {},
      ["HIGH", "MEDIUM", "LOW", "late", "development", "bundle"].map(arrowMarker),
      // Names are clipped to their box rather than shortened: the whole name stays the
      // node's text, so what is seen is part of what a screen reader reads (WCAG 2.5.3).
      s(
        "clipPath",
        { id: "node-clip", clipPathUnits: "userSpaceOnUse" },
        s("rect", { x: 6, y: 0, width: NODE_WIDTH - 12, height: NODE_HEIGHT }),
      ),
    );
    const bands =
      this.groupBy === "none"
        ? null
        : s(
            "g",
            { class: "bands" },
            drawn.bands.map((band) => this.drawBand(band, drawn.width)),
          );
    const headers = s(
      "g",
      { class: "column-headers", "aria-hidden": "true" },
      Array.from({ length: drawn.layers }, (_, layer) =>
        s(
          "text",
          {
            x: MARGIN.left + layer * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH / 2,
            y: 18,
            class: "column-header",
          },
          layer === 0 ? "Nivå 0 · grunnlag" : `Nivå ${layer}`,
        ),
      ),
    );
    const edges = s(
      "g",
      { class: "edges" },
      drawn.links.map((link) => {
        const from = positions.get(link.from);
        const to = positions.get(link.to);
        const x1 = from.x + NODE_WIDTH;
        const y1 = from.y + NODE_HEIGHT / 2;
        const x2 = to.x - 2;
        const y2 = to.y + NODE_HEIGHT / 2;
        // A link back to an earlier column (possible between folded groups) loops round.
        const bend = Math.max(40, Math.abs(x2 - x1) / 2);
        const edge = link.edge;
        const notes = [`${label("Criticality", edge.criticality).toLowerCase()} kritikalitet`];
        if (edge.development) notes.push("utvikler løsningen");
        if (edge.late) notes.push(`forsinket, trengs ${formatDate(edge.neededBy)}`);
        else if (edge.neededBy) notes.push(`trengs ${formatDate(edge.neededBy)}`);
        const bundle = link.count > 1;
        const late = link.late ? `, ${link.late} forsinket` : "";
        const title = bundle
          ? `${this.itemName(link.from)} → ${this.itemName(link.to)}: ${link.count} avhengigheter${late}`
          : `${edge.supplierCode} → ${edge.dependantCode}: ${notes.join(", ")}`;
        const path = s(
          "path",
          {
            d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`,
            // Several dependencies between folded groups: one neutral line, as thick as many.
            class: bundle ? "edge edge-bundle" : edgeClass(edge),
            "marker-end": bundle ? "url(#arrow-bundle)" : edgeMarker(edge),
            "data-testid": "graph-edge",
            "data-from": link.count > 1 || link.from.startsWith("group:") ? link.from : edge.supplierCode,
            "data-to": link.count > 1 || link.to.startsWith("group:") ? link.to : edge.dependantCode,
            "data-late": edge.late ? "true" : "false",
            "data-count": link.count,
            style: bundle ? `stroke-width: ${Math.min(1.5 + Math.log2(link.count), 7).toFixed(1)}px` : null,
          },
          s("title", {}, title),
        );
        for (const id of [link.from, link.to]) {
          if (!this.edgesByCode.has(id)) this.edgesByCode.set(id, []);
          this.edgesByCode.get(id).push(path);
        }
        return path;
      }),
    );
    const nodes = s(
      "g",
      { class: "nodes" },
      drawn.items.map((item) =>
        item.cluster
          ? this.drawCluster(item, positions.get(item.id))
          : this.drawNode(item.node, positions.get(item.id), describeNode),
      ),
    );
    this.svg.replaceChildren(defs, bands, headers, edges, nodes);
    if (!this.graph.nodes.length) {
      this.svg.append(s("text", { x: 20, y: 40, class: "column-header" }, "Ingen noder å vise."));
    }
    this.svg.dataset.groupBy = this.groupBy;
    if (!keepView || !this.view) this.fit();
    else this.applyView();
  }

  itemName(id) {
    if (!id.startsWith("group:")) return id;
    const key = id.slice("group:".length);
    const member = this.graph.nodes.find((node) => this.groupOf(node).key === key);
    return member ? this.groupOf(member).title : key;
  }

  drawBand(band, width) {
    const collapsed = this.collapsed.has(band.key);
    const members = band.group.members.length;
    const kind = band.key === SOLUTIONS ? "løsninger" : "tiltak";
    const name = `${band.group.title}, ${members} ${kind}`;
    return s(
      "g",
      { class: "band", "data-testid": "graph-group", "data-group": band.key },
      s("rect", {
        class: "band-back",
        x: 4,
        y: MARGIN.top + band.top - 6,
        width: width - 8,
        height: band.height + 10,
        rx: 10,
      }),
      s(
        "g",
        {
          class: "band-toggle",
          role: "button",
          tabindex: 0,
          "aria-expanded": collapsed ? "false" : "true",
          "aria-label": `${collapsed ? "Fold ut" : "Fold sammen"} ${name}`,
          "data-testid": "graph-group-toggle",
          "data-group": band.key,
          transform: `translate(12, ${MARGIN.top + band.top - 2})`,
          onclick: () => this.toggleGroup(band.key),
          onkeydown: (event) => {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              this.toggleGroup(band.key);
            }
          },
        },
        s("rect", { class: "band-toggle-back", x: -6, y: -2, width: 360, height: 22, rx: 6 }),
        s("text", { x: 0, y: 14, class: "band-title" }, `${collapsed ? "▸" : "▾"} ${name}`),
      ),
    );
  }

  drawNode(node, { x, y }, describeNode) {
    const [shape, shapeAttrs] = nodeShape(node);
    // No <title>: it would join the visible text, which must stay part of the name.
    const children = [];
    if (node.propagatedLevel) {
      const [haloShape, haloAttrs] = nodeShape(node, 5);
      children.push(s(haloShape, { ...haloAttrs, class: `halo halo-${node.propagatedLevel}` }));
    }
    children.push(s(shape, { ...shapeAttrs, class: "shape" }));
    children.push(nodeText(node.code, 16, "node-code"), nodeText(node.name, 31, "node-name"));
    if (this.moved.has(node.code)) {
      children.push(
        s(
          "g",
          { class: "moved-badge", transform: `translate(${NODE_WIDTH - 30}, -9)` },
          s("rect", { width: 40, height: 17, rx: 8.5 }),
          s("text", { x: 20, y: 12.5 }, `+${this.moved.get(node.code)} d`),
        ),
      );
    }
    if (this.flagged.has(node.code)) {
      children.push(
        s(
          "g",
          { class: "flagged-badge", transform: "translate(-10, -9)" },
          s("rect", { width: 30, height: 17, rx: 8.5 }),
          s("text", { x: 15, y: 12.5 }, "ny"),
        ),
      );
    }
    const classes = [
      "node",
      `node-${node.kind.toLowerCase()}`,
      `status-${node.status ?? "NONE"}`,
      node.code === this.root ? "root" : null,
      this.flagged.has(node.code) ? "newly-flagged" : null,
    ];
    const select = () => this.options.onSelect(node.code, node.kind);
    const element = s(
      "g",
      {
        class: classes.filter(Boolean).join(" "),
        transform: `translate(${x}, ${y})`,
        tabindex: 0,
        role: "button",
        "aria-label": this.nodeName(node, describeNode),
        "aria-pressed": node.code === this.root ? "true" : "false",
        "data-testid": "graph-node",
        "data-code": node.code,
        "data-kind": node.kind,
        "data-status": node.status ?? "",
        "data-propagated": node.propagatedLevel ?? "",
        onclick: select,
        onkeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            select();
          }
        },
        onmouseenter: () => this.highlight(node.code, true),
        onmouseleave: () => this.highlight(node.code, false),
        onfocus: () => this.highlight(node.code, true),
        onblur: () => this.highlight(node.code, false),
      },
      children,
    );
    this.elements.set(node.code, element);
    return element;
  }

  // The accessible name: the visible texts in their order (code, name, the what-if's
  // badge, a scenario's "ny"), then what the colours and rings show.
  nodeName(node, describeNode) {
    const description = describeNode(node);
    const badges = [];
    if (this.moved.has(node.code)) badges.push(`+${this.moved.get(node.code)} d (flyttes)`);
    if (this.flagged.has(node.code)) badges.push("ny (nytt flagg i scenarioet eller sammenligningen)");
    if (!badges.length) return description;
    const head = `${node.code} – ${node.name}`;
    return description.startsWith(head)
      ? `${head} ${badges.join(" ")}${description.slice(head.length)}`
      : `${description}, ${badges.join(", ")}`;
  }

  drawCluster(item, { x, y }) {
    const group = item.cluster;
    const count = group.members.length;
    const kind = group.key === SOLUTIONS ? "løsninger" : "tiltak";
    const summary = `${count} ${kind}${group.red ? ` · ${group.red} røde` : ""}`;
    const name = `${group.title}, ${summary}. Fold ut`;
    const expand = () => this.toggleGroup(group.key);
    return s(
      "g",
      {
        class: `node cluster${group.red ? " cluster-red" : ""}`,
        transform: `translate(${x}, ${y})`,
        tabindex: 0,
        role: "button",
        "aria-label": name,
        "data-testid": "graph-cluster",
        "data-group": group.key,
        "data-count": count,
        onclick: expand,
        onkeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            expand();
          }
        },
        onmouseenter: () => this.highlight(item.id, true),
        onmouseleave: () => this.highlight(item.id, false),
        onfocus: () => this.highlight(item.id, true),
        onblur: () => this.highlight(item.id, false),
      },
      s("rect", { x: 4, y: 4, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 7, class: "cluster-shadow" }),
      s("rect", { x: 0, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 7, class: "shape" }),
      nodeText(group.title, 16, "node-code"),
      nodeText(summary, 31, "node-name"),
    );
  }

  highlight(id, on) {
    for (const edge of this.edgesByCode.get(id) ?? []) edge.classList.toggle("hot", on);
    this.svg.classList.toggle("hovering", on && (this.edgesByCode.get(id)?.length ?? 0) > 0);
  }

  dim(codes) {
    for (const [code, element] of this.elements) {
      if (element.classList.contains("node-initiative")) element.classList.toggle("dim", codes.has(code));
    }
  }

  // ------------------------------------------------------------ pan and zoom

  pixelWidth() {
    return this.svg.clientWidth || this.wrap.clientWidth || 800;
  }

  // The drawing fills the frame's width; the frame is as tall as the drawing at that
  // scale, within limits, so that a small graph is not shrunk and a big one stays on screen.
  frameHeight() {
    const scale = this.pixelWidth() / this.content.width;
    const natural = this.content.height * Math.min(scale, 1.2);
    const most = Math.max(320, Math.round(window.innerHeight * 0.8));
    return Math.max(240, Math.min(natural, most));
  }

  fit() {
    this.svg.style.height = `${this.frameHeight()}px`;
    this.view = { x: 0, y: 0, w: this.content.width, h: this.content.height };
    this.applyView();
  }

  applyView() {
    const { x, y, w, h: height } = this.view;
    this.svg.setAttribute("viewBox", `${x} ${y} ${w} ${height}`);
    this.svg.dataset.zoom = (this.scale()).toFixed(3);
  }

  // Screen pixels per graph unit.
  scale() {
    const width = this.pixelWidth();
    const height = this.svg.clientHeight || this.frameHeight();
    return Math.min(width / this.view.w, height / this.view.h);
  }

  zoom(factor, centre = null) {
    const current = this.scale();
    const fitScale = Math.min(
      this.pixelWidth() / this.content.width,
      (this.svg.clientHeight || this.frameHeight()) / this.content.height,
    );
    const target = Math.min(Math.max(current * factor, Math.min(fitScale, 1) / 2), MAX_ZOOM);
    const applied = target / current;
    const cx = centre?.x ?? this.view.x + this.view.w / 2;
    const cy = centre?.y ?? this.view.y + this.view.h / 2;
    this.view = {
      x: cx - (cx - this.view.x) / applied,
      y: cy - (cy - this.view.y) / applied,
      w: this.view.w / applied,
      h: this.view.h / applied,
    };
    this.applyView();
  }

  pan(dxPixels, dyPixels) {
    const scale = this.scale();
    this.view = { ...this.view, x: this.view.x - dxPixels / scale, y: this.view.y - dyPixels / scale };
    this.applyView();
  }

  toGraph(clientX, clientY) {
    const matrix = this.svg.getScreenCTM();
    if (!matrix) return null;
    const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  }

  centreOn(code, scale = 1) {
    const element = this.elements.get(code);
    if (!element) return false;
    const box = element.transform.baseVal.consolidate()?.matrix;
    const x = (box?.e ?? 0) + NODE_WIDTH / 2;
    const y = (box?.f ?? 0) + NODE_HEIGHT / 2;
    const width = this.pixelWidth() / scale;
    const height = (this.svg.clientHeight || this.frameHeight()) / scale;
    this.view = { x: x - width / 2, y: y - height / 2, w: width, h: height };
    this.applyView();
    return true;
  }

  // Search-to-focus: the best match by code, then by name; unfolds its group, centres it,
  // marks it and gives it the keyboard focus. Returns the node found, or null.
  find(text) {
    const needle = text.trim().toLowerCase();
    if (!needle) return null;
    const nodes = this.graph.nodes;
    const match =
      nodes.find((node) => node.code.toLowerCase() === needle) ??
      nodes.find((node) => node.code.toLowerCase().startsWith(needle)) ??
      nodes.find((node) => node.name.toLowerCase().includes(needle)) ??
      nodes.find((node) => node.code.toLowerCase().includes(needle));
    if (!match) return null;
    const group = this.groupOf(match).key;
    if (this.collapsed.has(group)) {
      this.collapsed.delete(group);
      this.render({ keepView: true });
    }
    for (const element of this.svg.querySelectorAll(".node.found")) element.classList.remove("found");
    this.centreOn(match.code, 1);
    const element = this.elements.get(match.code);
    element.classList.add("found");
    element.focus({ preventScroll: true });
    return match;
  }

  wire() {
    this.wrap.addEventListener(
      "wheel",
      (event) => {
        // Ctrl + wheel (and a trackpad's pinch) zooms; the plain wheel scrolls the page.
        if (!event.ctrlKey && !event.metaKey) return;
        event.preventDefault();
        this.zoom(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, this.toGraph(event.clientX, event.clientY));
      },
      { passive: false },
    );
    let drag = null;
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || event.target.closest(".node, .band-toggle")) return;
      drag = { x: event.clientX, y: event.clientY, id: event.pointerId };
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add("panning");
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      this.pan(event.clientX - drag.x, event.clientY - drag.y);
      drag = { ...drag, x: event.clientX, y: event.clientY };
    });
    const stop = (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      drag = null;
      this.svg.classList.remove("panning");
    };
    this.svg.addEventListener("pointerup", stop);
    this.svg.addEventListener("pointercancel", stop);
    this.wrap.addEventListener("keydown", (event) => {
      if (event.target !== this.wrap) return; // keys on a node select it
      const step = 60;
      const keys = {
        "+": () => this.zoom(ZOOM_STEP),
        "=": () => this.zoom(ZOOM_STEP),
        "-": () => this.zoom(1 / ZOOM_STEP),
        0: () => this.fit(),
        ArrowLeft: () => this.pan(step, 0),
        ArrowRight: () => this.pan(-step, 0),
        ArrowUp: () => this.pan(0, step),
        ArrowDown: () => this.pan(0, -step),
      };
      const action = keys[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
  }
}

// The controls above the graph: grouping, zoom buttons and the search box.
export function graphToolbar({ onGroupBy, onZoomIn, onZoomOut, onFit, onFind }) {
  const status = h("p", { class: "graph-status", "data-testid": "graph-status", role: "status" });
  const input = h("input", {
    type: "search",
    id: "graph-find",
    name: "graph-find",
    list: "graph-find-codes",
    autocomplete: "off",
    placeholder: "Kode eller navn",
    "data-testid": "graph-find",
  });
  const form = h(
    "form",
    {
      class: "graph-find",
      role: "search",
      "aria-label": "Søk i grafen",
      onsubmit: (event) => {
        event.preventDefault();
        status.textContent = onFind(input.value);
      },
    },
    h("label", { for: "graph-find" }, "Finn i grafen"),
    h("div", { class: "inline" }, input, h("button", { type: "submit", class: "secondary", "data-testid": "graph-find-submit" }, "Finn")),
    h("datalist", { id: "graph-find-codes", "data-testid": "graph-find-codes" }),
  );
  const group = h(
    "label",
    {},
    "Grupper",
    h(
      "select",
      {
        "data-testid": "graph-group-by",
        onchange: (event) => onGroupBy(event.target.value),
      },
      h("option", { value: "none" }, "Ingen"),
      h("option", { value: "owner" }, "Eier"),
      h("option", { value: "segment" }, "Segment"),
    ),
  );
  const zoom = h(
    "div",
    { class: "zoom", role: "group", "aria-label": "Zoom" },
    h("button", { type: "button", class: "secondary", "data-testid": "graph-zoom-in", onclick: onZoomIn }, "Zoom inn"),
    h("button", { type: "button", class: "secondary", "data-testid": "graph-zoom-out", onclick: onZoomOut }, "Zoom ut"),
    h("button", { type: "button", class: "secondary", "data-testid": "graph-fit", onclick: onFit }, "Tilpass"),
  );
  return { element: h("div", { class: "graph-toolbar" }, form, group, zoom, status), status };
}
