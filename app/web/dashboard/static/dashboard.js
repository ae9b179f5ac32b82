// Porteføljeoversikt: a dashboard over the portfolio that talks only to /graphql.
// Plain ES module, no build step and no external libraries, so it works offline.

import { fill, formatDate, h, plural, s } from "./common.js";
import { GraphView, graphToolbar } from "./graph.js";
import { LiveConnection } from "./live.js";
import { ComparisonPanel } from "./comparison.js";
import { ScenarioPanel } from "./scenario.js";

const ENDPOINT = "/graphql";

const NAMED = `fragment Named on PortfolioNode {
  __typename
  ... on Initiative { name status }
  ... on Solution { name }
}`;

const START_QUERY = `query DashboardStart {
  currentPeriod { code name }
  labels { enum value label }
}`;

const INITIATIVES_QUERY = `query DashboardInitiatives(
  $filter: InitiativeFilter, $after: String, $includeRiskLevel: Boolean!
) {
  initiatives(filter: $filter, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name state segment status riskLevel reportIsStale
      owner { code name }
      propagatedRisk(includeRiskLevel: $includeRiskLevel) { level sourceCount sourceCodes }
    }
  }
}`;

const GRAPH_QUERY = `query DashboardGraph(
  $root: String, $direction: Direction!, $maxDepth: Int, $includeRiskLevel: Boolean!, $first: Int!
) {
  dependencyGraph(
    root: $root, direction: $direction, maxDepth: $maxDepth, includeRiskLevel: $includeRiskLevel
  ) {
    nodeCount edgeCount
    nodes(first: $first) {
      code name kind status riskLevel propagatedLevel depth layer
      node { ... on Initiative { segment owner { code name } } }
    }
    edges(first: $first) { supplierCode dependantCode criticality late development neededBy }
  }
  lateDependencyCount
}`;

// dependencyGraph lists at most 1,000 edges; a bigger portfolio's edges are read from the
// initiatives' dependencies, a page of 500 at a time, so that the whole graph is drawn.
const EDGES_QUERY = `query DashboardEdges($after: String) {
  initiatives(first: 500, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code
      developedSolutions { code }
      dependencies(first: 50) { supplierCode dependantCode criticality isLate neededBy }
    }
  }
}`;

const INITIATIVE_QUERY = `query DashboardInitiative($code: String!, $includeRiskLevel: Boolean!) {
  initiative(code: $code) {
    code name state segment phase status riskLevel reportIsStale
    plannedEnd forecastEnd
    owner { name }
    latestReport { statusReason period { name } }
    propagatedRisk(includeRiskLevel: $includeRiskLevel) { level sourceCount sourceCodes paths }
    schedule { earliestFinish totalFloatDays critical }
    upstreamCount
    upstream { code kind depth path node { ...Named } }
    downstreamCount
    downstream { code kind depth path node { ...Named } }
  }
  criticalPath { ... on CriticalPath { chains(first: 100) } }
}
${NAMED}`;

const SOLUTION_QUERY = `query DashboardSolution(
  $code: String!, $includeRiskLevel: Boolean!, $first: Int!
) {
  solution(code: $code) {
    code name category legallyMandated
    operator { name }
    developedBy { code name status }
    dependantCount
    dependants { criticality dependant { code name status } }
  }
  dependencyGraph(root: $code, direction: DOWNSTREAM, includeRiskLevel: $includeRiskLevel) {
    nodeCount
    nodes(first: $first) { code name kind status propagatedLevel depth }
  }
}`;

const IMPACT_QUERY = `query DashboardImpact($code: String!, $slipDays: Int!, $first: Int!) {
  impact(code: $code, slipDays: $slipDays) {
    __typename
    ... on Impact {
      code slipDays finishBefore finishAfter finishMovedDays
      movedCount newlyLateCount
      moved(first: $first) { code days newFinish initiative { name } }
      newlyLate(first: $first) { supplierCode dependantCode slackDays supplierDate neededBy }
    }
    ... on NotFoundError { message }
    ... on NotScheduledError { message }
    ... on DependencyCycleError { message cycle }
  }
}`;

// One initiative's row as the table shows it (the fields of INITIATIVES_QUERY's nodes),
// read again when an event names it.
const ROW_QUERY = `query DashboardRow($code: String!, $includeRiskLevel: Boolean!) {
  initiative(code: $code) {
    code name state segment status riskLevel reportIsStale
    owner { code name }
    propagatedRisk(includeRiskLevel: $includeRiskLevel) { level sourceCount sourceCodes }
  }
  lateDependencyCount
}`;

// What the dashboard listens to over graphql-transport-ws; each event names what to read.
const SEARCH_QUERY = `query DashboardSearch($text: String!, $after: String) {
  search(text: $text, first: 20, after: $after) {
    totalCount
    nodes { initiative { code name } field snippetParts { text match } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const LIVE_SUBSCRIPTIONS = {
  statusReportSubmitted: {
    query: "subscription DashboardReports { statusReportSubmitted { initiativeCode } }",
  },
  propagatedRiskChanged: {
    query: "subscription DashboardPropagation { propagatedRiskChanged { initiativeCode } }",
  },
  dependencyBecameLate: {
    query: "subscription DashboardLate { dependencyBecameLate { dependantCode } }",
  },
  reportingPeriodOpened: {
    query: "subscription DashboardOpened { reportingPeriodOpened { periodCode } }",
  },
  reportingPeriodClosed: {
    query: "subscription DashboardClosed { reportingPeriodClosed { periodCode } }",
  },
};
const LIVE_STATES = {
  connecting: "Direkte oppdatering: kobler til …",
  open: "Direkte oppdatering: på",
  waiting: "Direkte oppdatering: forbindelsen er brutt, prøver igjen …",
};
// More changed initiatives than this at once: read the whole portfolio again instead.
const LIVE_BATCH = 25;

// The graph and the what-if ask for up to the API's maximum page (1,000 items) and say
// how many more there are; other lists show the API's default page and their count.
const MAX_PAGE = 1000;

const state = {
  labels: new Map(), // "Enum.VALUE" -> Norwegian label
  filter: { search: "", segment: "", status: "", riskLevel: "", owner: "" },
  includeRiskLevel: false,
  direction: "BOTH",
  maxDepth: null,
  selected: null, // { code, kind }
  rows: [],
  allRows: [],
  moved: new Map(), // code -> days, from the last what-if or scenario
  flagged: new Set(), // codes a scenario newly flags
  lateCount: 0, // late dependencies in the whole portfolio
};

const sequence = { rows: 0, graph: 0, detail: 0, impact: 0, search: 0 };

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

// ---------------------------------------------------------------- GraphQL

async function gql(query, variables = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`Tjenesten svarte ${response.status} uten gyldig JSON.`);
  }
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((error) => error.message).join("; "));
  }
  if (!response.ok) throw new Error(`Tjenesten svarte ${response.status}.`);
  return body.data;
}

function showError(error) {
  const banner = $("error");
  if (!error) {
    banner.hidden = true;
    banner.textContent = "";
    return;
  }
  banner.hidden = false;
  banner.textContent = `Noe gikk galt: ${error.message || error}`;
}

// ---------------------------------------------------------------- helpers

function label(enumName, value) {
  if (value === null || value === undefined) return "";
  return state.labels.get(`${enumName}.${value}`) ?? value;
}

function chip(value, { testid, title } = {}) {
  if (!value) return h("span", { class: "chip chip-none", "data-testid": testid }, "–");
  return h(
    "span",
    { class: `chip chip-${value}`, "data-testid": testid, "data-value": value, title },
    h("span", { class: "dot", "aria-hidden": "true" }),
    label("TrafficLight", value),
  );
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

// ---------------------------------------------------------------- table

function filterVariables() {
  const filter = {};
  const { search, segment, status, riskLevel, owner } = state.filter;
  if (search.trim()) filter.search = search.trim();
  if (segment) filter.segment = [segment];
  if (status) filter.status = [status];
  if (riskLevel) filter.riskLevel = [riskLevel];
  if (owner) filter.owner = [owner];
  return filter;
}

function filterIsActive() {
  return Object.keys(filterVariables()).length > 0;
}

async function fetchInitiatives(filter) {
  const rows = [];
  let after = null;
  for (;;) {
    const data = await gql(INITIATIVES_QUERY, {
      filter,
      after,
      includeRiskLevel: state.includeRiskLevel,
    });
    rows.push(...data.initiatives.nodes);
    if (!data.initiatives.pageInfo.hasNextPage) return rows;
    after = data.initiatives.pageInfo.endCursor;
  }
}

async function loadRows() {
  const ticket = ++sequence.rows;
  const table = $("initiatives-table");
  table.dataset.state = "loading";
  try {
    const rows = await fetchInitiatives(filterVariables());
    if (ticket !== sequence.rows) return;
    state.rows = rows;
    renderTable();
    markGraphFilter();
    showError(null);
  } catch (error) {
    if (ticket === sequence.rows) showError(error);
  }
}

function renderTable() {
  const table = $("initiatives-table");
  const body = table.querySelector("tbody");
  const selectedCode = state.selected?.code;
  body.replaceChildren(
    ...state.rows.map((row) => {
      const sources = row.propagatedRisk?.sourceCodes ?? [];
      const tags = [];
      if (row.state !== "ACTIVE") tags.push(h("span", { class: "tag" }, label("LifecycleState", row.state)));
      if (row.reportIsStale) tags.push(h("span", { class: "tag tag-muted" }, "eldre rapport"));
      return h(
        "tr",
        {
          "data-testid": "initiative-row",
          "data-code": row.code,
          class: row.code === selectedCode ? "selected" : null,
          "aria-selected": row.code === selectedCode ? "true" : "false",
          onclick: (event) => {
            if (event.target.closest("button")) return;
            select(row.code, "INITIATIVE");
          },
        },
        h(
          "td",
          {},
          h(
            "button",
            {
              type: "button",
              class: "link code",
              "data-testid": "row-select",
              "aria-label": `Vis ${row.code} – ${row.name}`,
              onclick: () => select(row.code, "INITIATIVE"),
            },
            row.code,
          ),
        ),
        h("td", { class: "name" }, row.name, ...tags),
        h("td", {}, row.owner.name),
        h("td", {}, label("Segment", row.segment) || "–"),
        h("td", {}, chip(row.status, { testid: "row-status" })),
        h("td", {}, chip(row.riskLevel, { testid: "row-risk" })),
        h(
          "td",
          {},
          row.propagatedRisk
            ? chip(row.propagatedRisk.level, {
                testid: "row-propagated",
                title: `Arvet fra ${sources.join(", ")}`,
              })
            : h("span", { class: "muted", "data-testid": "row-propagated" }, "–"),
          sources.length
            ? h("span", { class: "sources" }, `fra ${sources.join(", ")}${moreText(sources.length, row.propagatedRisk.sourceCount)}`)
            : null,
        ),
      );
    }),
  );
  if (!state.rows.length) {
    body.append(
      h("tr", {}, h("td", { colspan: 7, class: "empty" }, "Ingen tiltak passer filteret.")),
    );
  }
  const total = state.allRows.length;
  $("table-count").textContent = filterIsActive()
    ? `${state.rows.length} av ${plural(total, "tiltak", "tiltak")}`
    : plural(state.rows.length, "tiltak", "tiltak");
  table.dataset.state = "ready";
}

// ---------------------------------------------------------------- summary

function renderSummary() {
  const rows = state.allRows;
  const count = (predicate) => rows.filter(predicate).length;
  const lateEdges = state.lateCount;
  const cards = [
    ["Tiltak i porteføljen", rows.length, "neutral", "summary-total"],
    ["Rød status", count((row) => row.status === "RED"), "red", "summary-red-status"],
    ["Rød risiko", count((row) => row.riskLevel === "RED"), "red", "summary-red-risk"],
    ["Arvet rød eller gul risiko", count((row) => row.propagatedRisk), "yellow", "summary-propagated"],
    ["Forsinkede avhengigheter", lateEdges, "red", "summary-late"],
  ];
  $("summary").replaceChildren(
    ...cards.map(([title, value, tone, testid]) =>
      h(
        "div",
        { class: `stat stat-${value ? tone : "neutral"}`, "data-testid": testid },
        h("span", { class: "stat-value" }, String(value)),
        h("span", { class: "stat-label" }, title),
      ),
    ),
  );
}

// ---------------------------------------------------------------- graph

async function loadGraph() {
  const ticket = ++sequence.graph;
  const svg = $("graph");
  svg.dataset.state = "loading";
  const root = state.selected?.code ?? null;
  try {
    const data = await gql(GRAPH_QUERY, {
      root,
      direction: root ? state.direction : "BOTH",
      maxDepth: root ? state.maxDepth : null,
      includeRiskLevel: state.includeRiskLevel,
      first: MAX_PAGE,
    });
    if (ticket !== sequence.graph) return;
    const graph = data.dependencyGraph ?? { nodes: [], edges: [], nodeCount: 0, edgeCount: 0 };
    if (!root && graph.edgeCount > graph.edges.length) {
      graph.edges = await allEdges(graph);
      if (ticket !== sequence.graph) return;
    }
    state.graph = graph;
    renderGraph(graph, root);
    if (!root) {
      state.lateCount = data.lateDependencyCount;
      renderSummary();
    }
    showError(null);
  } catch (error) {
    if (ticket === sequence.graph) showError(error);
  }
}

async function allEdges(graph) {
  const drawn = new Set(graph.nodes.map((node) => node.code));
  const edges = [];
  let after = null;
  do {
    const data = await gql(EDGES_QUERY, { after });
    for (const initiative of data.initiatives.nodes) {
      for (const solution of initiative.developedSolutions) {
        edges.push({
          supplierCode: initiative.code,
          dependantCode: solution.code,
          criticality: "HIGH",
          late: false,
          development: true,
          neededBy: null,
        });
      }
      for (const dependency of initiative.dependencies) {
        edges.push({
          supplierCode: dependency.supplierCode,
          dependantCode: dependency.dependantCode,
          criticality: dependency.criticality,
          late: Boolean(dependency.isLate),
          development: false,
          neededBy: dependency.neededBy,
        });
      }
    }
    after = data.initiatives.pageInfo.hasNextPage ? data.initiatives.pageInfo.endCursor : null;
  } while (after);
  return edges.filter((edge) => drawn.has(edge.supplierCode) && drawn.has(edge.dependantCode));
}

function describeNode(node) {
  const parts = [`${node.code} – ${node.name}`, label("NodeKind", node.kind)];
  if (node.status) parts.push(`status ${label("TrafficLight", node.status)}`);
  if (node.riskLevel) parts.push(`risiko ${label("TrafficLight", node.riskLevel)}`);
  if (node.propagatedLevel) parts.push(`arvet risiko ${label("TrafficLight", node.propagatedLevel)}`);
  return parts.join(", ");
}

function renderGraph(graph, root) {
  const svg = $("graph");
  graphView().setData(graph, { root, moved: state.moved, flagged: state.flagged });
  fill(
    $("graph-find-codes"),
    graph.nodes.map((node) => h("option", { value: node.code }, node.name)),
  );
  const selected = graph.nodes.find((node) => node.code === root);
  $("graph-title").textContent = root
    ? `Avhengighetsgraf – nabolaget til ${root}${selected ? ` (${truncate(selected.name, 48)})` : ""}`
    : "Avhengighetsgraf – hele porteføljen";
  const note = $("graph-more");
  const hidden = Math.max(graph.nodeCount - graph.nodes.length, graph.edgeCount - graph.edges.length);
  note.hidden = hidden <= 0;
  note.textContent = hidden > 0
    ? `Viser ${graph.nodes.length} av ${graph.nodeCount} noder og ${graph.edges.length} av ${graph.edgeCount} kanter (+${hidden} flere).`
    : "";
  $("graph-reset").disabled = !root;
  markGraphFilter();
  svg.dataset.state = "ready";
  svg.dataset.root = root ?? "";
}

// Initiatives outside the table's filter are toned down in the graph.
function markGraphFilter() {
  const visible = new Set(state.rows.map((row) => row.code));
  const dimmed = filterIsActive()
    ? new Set(state.allRows.map((row) => row.code).filter((code) => !visible.has(code)))
    : new Set();
  graphView().dim(dimmed);
}

let view = null;

function graphView() {
  if (!view) {
    view = new GraphView($("graph"), $("graph-wrap"), {
      label,
      describeNode,
      formatDate,
      onSelect: select,
      onGroupBy: (groupBy) => {
        const choice = $("graph-group-by");
        if (choice) choice.value = groupBy;
      },
    });
    const toolbar = graphToolbar({
      onGroupBy: (groupBy) => {
        view.setGroupBy(groupBy);
        markGraphFilter();
      },
      onZoomIn: () => view.zoom(1.25),
      onZoomOut: () => view.zoom(1 / 1.25),
      onFit: () => view.fit(),
      onFind: (text) => {
        const found = view.find(text);
        markGraphFilter();
        if (!text.trim()) return "Skriv en kode eller et navn.";
        return found ? `Fant ${found.code} – ${found.name}.` : `Ingen node i grafen passer til «${text.trim()}».`;
      },
    });
    $("graph-toolbar").replaceChildren(toolbar.element);
  }
  return view;
}

// ---------------------------------------------------------------- legend

function renderLegend() {
  const swatch = (shape, className) =>
    s("svg", { width: 30, height: 18, viewBox: "0 0 30 18", "aria-hidden": "true" }, shape(className));
  const box = (className) => s("rect", { x: 2, y: 2, width: 26, height: 14, rx: 4, class: className });
  const hexagon = (className) =>
    s("polygon", { points: "7,2 23,2 28,9 23,16 7,16 2,9", class: className });
  const ring = (className) => s("rect", { x: 2, y: 2, width: 26, height: 14, rx: 5, class: className });
  const line = (className) =>
    s("svg", { width: 34, height: 12, viewBox: "0 0 34 12", "aria-hidden": "true" },
      s("line", { x1: 2, y1: 6, x2: 32, y2: 6, class: className }));
  const item = (graphic, text) => h("span", { class: "legend-item" }, graphic, text);
  const traffic = ["GREEN", "YELLOW", "RED"];
  $("legend").replaceChildren(
    h(
      "div",
      { class: "legend-group" },
      h("span", { class: "legend-title" }, "Status"),
      ...traffic.map((value) =>
        item(swatch(box, `legend-status status-${value}`), label("TrafficLight", value)),
      ),
      item(swatch(box, "legend-status status-NONE"), "Ingen rapport"),
    ),
    h(
      "div",
      { class: "legend-group" },
      h("span", { class: "legend-title" }, "Form"),
      item(swatch(box, "legend-status status-NONE"), label("NodeKind", "INITIATIVE")),
      item(swatch(hexagon, "legend-solution"), `${label("NodeKind", "SOLUTION")} (nasjonal / grunnmur)`),
    ),
    h(
      "div",
      { class: "legend-group" },
      h("span", { class: "legend-title" }, "Arvet risiko"),
      item(swatch(ring, "halo halo-RED"), label("TrafficLight", "RED")),
      item(swatch(ring, "halo halo-YELLOW"), label("TrafficLight", "YELLOW")),
    ),
    h(
      "div",
      { class: "legend-group" },
      h("span", { class: "legend-title" }, "Avhengighet"),
      ...["HIGH", "MEDIUM", "LOW"].map((value) =>
        item(line(`edge edge-${value}`), `${label("Criticality", value)} kritikalitet`),
      ),
      item(line("edge edge-late"), "Forsinket"),
      item(line("edge edge-development"), "Utvikler løsningen"),
    ),
    h("p", { class: "legend-note" }, "Pilene går fra leverandør til den som venter. Klikk en node for detaljer."),
  );
}

// ---------------------------------------------------------------- full-text search

const textSearch = { text: "", after: null, shown: 0 };

function hitItem(hit) {
  const { code, name } = hit.initiative;
  return h(
    "li",
    { class: "hit", "data-testid": "text-search-hit", "data-code": code, "data-field": hit.field },
    h(
      "div",
      { class: "hit-head" },
      codeButton(code, "INITIATIVE"),
      h("span", { class: "hit-name" }, name),
      h("span", { class: "hit-field", "data-testid": "hit-field" }, label("SearchField", hit.field)),
    ),
    // The parts are text: the matched words are marked, nothing is read as markup.
    h(
      "p",
      { class: "hit-snippet", "data-testid": "hit-snippet" },
      hit.snippetParts.map((part) => (part.match ? h("mark", {}, part.text) : part.text)),
    ),
  );
}

async function runTextSearch({ more = false } = {}) {
  const ticket = ++sequence.search;
  const list = $("text-search-hits");
  const count = $("text-search-count");
  const moreButton = $("text-search-more");
  if (!more) {
    textSearch.after = null;
    textSearch.shown = 0;
    list.replaceChildren();
    list.hidden = true;
    moreButton.hidden = true;
  }
  if (!/[\p{L}\p{N}]/u.test(textSearch.text)) {
    count.textContent = "Skriv minst ett ord å søke etter.";
    return;
  }
  count.textContent = "Søker …";
  try {
    const data = await gql(SEARCH_QUERY, { text: textSearch.text, after: textSearch.after });
    if (ticket !== sequence.search) return;
    const { nodes, pageInfo, totalCount } = data.search;
    list.append(...nodes.map(hitItem));
    textSearch.shown += nodes.length;
    textSearch.after = pageInfo.endCursor;
    list.hidden = textSearch.shown === 0;
    moreButton.hidden = !pageInfo.hasNextPage;
    const found = !totalCount
      ? "Ingen treff"
      : pageInfo.hasNextPage
        ? `${textSearch.shown} av ${totalCount} treff`
        : plural(totalCount, "treff", "treff");
    count.textContent = `${found} for «${textSearch.text}».`;
    showError(null);
  } catch (error) {
    if (ticket !== sequence.search) return;
    count.textContent = "";
    showError(error);
  }
}

function wireTextSearch() {
  $("text-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    textSearch.text = $("text-search-input").value.trim();
    runTextSearch();
  });
  $("text-search-more").addEventListener("click", () => runTextSearch({ more: true }));
}

// ---------------------------------------------------------------- selection and panel

function select(code, kind) {
  if (!code) return;
  state.selected = { code, kind };
  state.moved = new Map();
  if (decodeURIComponent(location.hash.slice(1)) !== code) {
    history.replaceState(null, "", `#${encodeURIComponent(code)}`);
  }
  for (const row of document.querySelectorAll('[data-testid="initiative-row"]')) {
    const on = row.dataset.code === code;
    row.classList.toggle("selected", on);
    row.setAttribute("aria-selected", on ? "true" : "false");
  }
  document.querySelector(".layout").classList.add("has-panel");
  const panel = $("detail-panel");
  panel.hidden = false;
  $("panel-title").textContent = code;
  $("panel-body").replaceChildren(h("p", { class: "muted" }, "Henter …"));
  loadGraph();
  loadDetail();
}

function deselect() {
  state.selected = null;
  state.moved = new Map();
  history.replaceState(null, "", location.pathname + location.search);
  document.querySelector(".layout").classList.remove("has-panel");
  $("detail-panel").hidden = true;
  for (const row of document.querySelectorAll('[data-testid="initiative-row"].selected')) {
    row.classList.remove("selected");
    row.setAttribute("aria-selected", "false");
  }
  loadGraph();
}

async function loadDetail() {
  const ticket = ++sequence.detail;
  const { code, kind } = state.selected;
  const variables = { code, includeRiskLevel: state.includeRiskLevel };
  try {
    if (kind === "SOLUTION") {
      const data = await gql(SOLUTION_QUERY, { ...variables, first: MAX_PAGE });
      if (ticket !== sequence.detail) return;
      renderSolution(data.solution, data.dependencyGraph);
    } else {
      const data = await gql(INITIATIVE_QUERY, variables);
      if (ticket !== sequence.detail) return;
      renderInitiative(data.initiative, data.criticalPath?.chains ?? []);
    }
    showError(null);
  } catch (error) {
    if (ticket === sequence.detail) showError(error);
  }
}

function notFound(code) {
  $("panel-title").textContent = code;
  $("panel-body").replaceChildren(h("p", { class: "muted" }, `Fant ikke ${code}.`));
}

function codeButton(code, kind) {
  return h(
    "button",
    { type: "button", class: "link code", onclick: () => select(code, kind) },
    code,
  );
}

function chainList(testid, items, emptyText) {
  if (!items.length) return h("p", { class: "muted", "data-testid": `${testid}-empty` }, emptyText);
  return h(
    "ol",
    { class: "chain", "data-testid": testid },
    items.map((item) =>
      h(
        "li",
        { "data-testid": `${testid}-item`, "data-code": item.code, "data-depth": item.depth },
        h(
          "div",
          { class: "chain-head" },
          h("span", { class: "depth", title: "Antall ledd" }, `${item.depth}`),
          codeButton(item.code, item.kind),
          h("span", { class: `kind kind-${item.kind}` }, label("NodeKind", item.kind)),
          item.status ? chip(item.status) : null,
        ),
        h("div", { class: "chain-name" }, item.name ?? ""),
        item.path ? h("div", { class: "path" }, item.path.join(" → ")) : null,
      ),
    ),
  );
}

// The API gives each chain's path from the starting node outwards; upstream that runs
// against the arrows, so it is turned round to read supplier → … → dependant.
function chainItems(chain, { upstream = false } = {}) {
  return [...chain]
    .sort((a, b) => a.depth - b.depth || a.code.localeCompare(b.code))
    .map((item) => ({
      code: item.code,
      kind: item.kind,
      depth: item.depth,
      path: upstream ? [...item.path].reverse() : item.path,
      name: item.node?.name,
      status: item.node?.status,
    }));
}

// "+N flere" when a list shows fewer items than its count field says there are.
function moreText(shown, total) {
  return total > shown ? ` +${total - shown} flere` : "";
}

function more(shown, total) {
  if (!(total > shown)) return null;
  return h("p", { class: "muted more", "data-testid": "more" }, `+${total - shown} flere`);
}

function section(title, testid, ...content) {
  return h("section", { class: "panel-section", "data-testid": testid }, h("h3", {}, title), ...content);
}

function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

// The same critical set as the API's criticalPath and the report's section 8: zero
// float makes an initiative critical, and it lies on one or more of the chains.
function criticalNote(code, schedule, chains) {
  if (!schedule?.critical) return "";
  const own = chains.filter((chain) => chain.includes(code)).map((chain) => chain.join(" → "));
  return own.length ? ` (kritisk linje: ${own.join("; ")})` : " (kritisk)";
}

function renderInitiative(initiative, chains) {
  if (!initiative) return notFound(state.selected.code);
  $("panel-title").textContent = `${initiative.code} – ${initiative.name}`;
  const propagated = initiative.propagatedRisk;
  const reason = initiative.latestReport?.statusReason;
  const schedule = initiative.schedule;
  fill(
    $("panel-body"),
    h(
      "div",
      { class: "chips" },
      h("span", { class: "chip-label" }, "Status"),
      chip(initiative.status, { testid: "panel-status" }),
      h("span", { class: "chip-label" }, "Risiko"),
      chip(initiative.riskLevel, { testid: "panel-risk" }),
      h("span", { class: "chip-label" }, "Arvet"),
      chip(propagated?.level, { testid: "panel-propagated" }),
    ),
    facts([
      ["Eier", initiative.owner.name],
      ["Segment", label("Segment", initiative.segment)],
      ["Fase", label("Phase", initiative.phase)],
      ["Tilstand", label("LifecycleState", initiative.state)],
      ["Planlagt slutt", formatDate(initiative.forecastEnd ?? initiative.plannedEnd)],
      [
        "Slakk",
        schedule
          ? `${plural(schedule.totalFloatDays, "dag", "dager")}${criticalNote(initiative.code, schedule, chains)}`
          : null,
      ],
      ["Begrunnelse", reason ? `${reason} (${initiative.latestReport.period.name})` : null],
    ]),
    propagated
      ? h(
          "div",
          { class: `callout callout-${propagated.level}`, "data-testid": "panel-propagation" },
          h("strong", {}, `Arvet ${label("TrafficLight", propagated.level).toLowerCase()} risiko`),
          h(
            "ul",
            {},
            propagated.paths.map((path) => h("li", {}, path.join(" → "))),
          ),
          more(propagated.paths.length, propagated.sourceCount),
        )
      : null,
    whatIfSection(initiative.code),
    section(
      `Avhenger av (oppstrøms) · ${initiative.upstreamCount}`,
      "upstream-section",
      chainList(
        "upstream",
        chainItems(initiative.upstream, { upstream: true }),
        "Ingen avhengigheter.",
      ),
      more(initiative.upstream.length, initiative.upstreamCount),
    ),
    section(
      `Venter på dette (nedstrøms) · ${initiative.downstreamCount}`,
      "downstream-section",
      chainList("downstream", chainItems(initiative.downstream), "Ingen venter på dette tiltaket."),
      more(initiative.downstream.length, initiative.downstreamCount),
    ),
  );
}

function renderSolution(solution, graph) {
  if (!solution) return notFound(state.selected.code);
  $("panel-title").textContent = `${solution.code} – ${solution.name}`;
  const rootNode = graph?.nodes.find((node) => node.code === solution.code);
  const downstream = (graph?.nodes ?? [])
    .filter((node) => node.code !== solution.code)
    .map((node) => ({
      code: node.code,
      kind: node.kind,
      depth: node.depth ?? 0,
      name: node.name,
      status: node.status,
    }))
    .sort((a, b) => a.depth - b.depth || a.code.localeCompare(b.code));
  fill(
    $("panel-body"),
    h(
      "div",
      { class: "chips" },
      h("span", { class: "chip-label" }, label("SolutionCategory", solution.category)),
      h("span", { class: "chip-label" }, "Arvet"),
      chip(rootNode?.propagatedLevel, { testid: "panel-propagated" }),
    ),
    facts([
      ["Driftes av", solution.operator.name],
      ["Lovpålagt", solution.legallyMandated ? "Ja (forskrift om nasjonale e-helseløsninger)" : "Nei"],
    ]),
    section(
      `Utvikles av · ${solution.developedBy.length}`,
      "developed-by-section",
      chainList(
        "upstream",
        solution.developedBy.map((item) => ({
          code: item.code,
          kind: "INITIATIVE",
          depth: 1,
          name: item.name,
          status: item.status,
        })),
        "Ingen tiltak i porteføljen utvikler løsningen.",
      ),
    ),
    section(
      `Direkte avhengige · ${solution.dependantCount}`,
      "dependants-section",
      solution.dependants.length
        ? h(
            "ul",
            { class: "plain", "data-testid": "dependants" },
            [...solution.dependants]
              .sort((a, b) => a.dependant.code.localeCompare(b.dependant.code))
              .map((dependency) =>
                h(
                  "li",
                  { "data-testid": "dependants-item", "data-code": dependency.dependant.code },
                  codeButton(dependency.dependant.code, "INITIATIVE"),
                  ` ${dependency.dependant.name} `,
                  h("span", { class: "muted" }, `· ${label("Criticality", dependency.criticality).toLowerCase()} kritikalitet`),
                ),
              ),
          )
        : h("p", { class: "muted" }, "Ingen tiltak avhenger direkte av løsningen."),
      more(solution.dependants.length, solution.dependantCount),
    ),
    section(
      `Venter på dette (nedstrøms) · ${Math.max((graph?.nodeCount ?? 1) - 1, 0)}`,
      "downstream-section",
      chainList("downstream", downstream, "Ingen venter på løsningen."),
      more(graph?.nodes.length ?? 0, graph?.nodeCount ?? 0),
    ),
  );
}

// ---------------------------------------------------------------- what-if

function whatIfSection(code) {
  const input = h("input", {
    type: "number",
    id: "whatif-days",
    name: "slipDays",
    value: 30,
    step: 1,
    min: -3650,
    max: 3650,
    required: true,
    "data-testid": "whatif-days",
  });
  const result = h("div", { "data-testid": "whatif-result", "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "whatif",
      "data-testid": "whatif-form",
      onsubmit: (event) => {
        event.preventDefault();
        const days = Number.parseInt(input.value, 10);
        if (!Number.isFinite(days)) {
          result.replaceChildren(h("p", { class: "muted" }, "Skriv inn et helt antall dager."));
          return;
        }
        runImpact(code, days, result);
      },
    },
    h("label", { for: "whatif-days" }, "Forsinkelse (dager)"),
    input,
    h("button", { type: "submit", "data-testid": "whatif-run" }, "Beregn konsekvens"),
  );
  return section(`Hva om ${code} forsinkes?`, "whatif-section", form, result);
}

async function runImpact(code, slipDays, result) {
  const ticket = ++sequence.impact;
  result.dataset.state = "loading";
  result.replaceChildren(h("p", { class: "muted" }, "Beregner …"));
  try {
    const data = await gql(IMPACT_QUERY, { code, slipDays, first: MAX_PAGE });
    if (ticket !== sequence.impact) return;
    const impact = data.impact;
    if (impact.__typename !== "Impact") {
      result.replaceChildren(h("p", { class: "muted", "data-testid": "whatif-error" }, impact.message));
      result.dataset.state = "ready";
      return;
    }
    state.moved = new Map(impact.moved.map((moved) => [moved.code, moved.days]));
    if (state.graph) renderGraph(state.graph, state.selected?.code ?? null);
    result.replaceChildren(...renderImpact(impact));
    result.dataset.state = "ready";
    showError(null);
  } catch (error) {
    if (ticket === sequence.impact) showError(error);
  }
}

function renderImpact(impact) {
  const moved = [...impact.moved].sort((a, b) => b.days - a.days || a.code.localeCompare(b.code));
  const summary = impact.finishMovedDays
    ? `Porteføljens sluttdato flyttes ${plural(impact.finishMovedDays, "dag", "dager")}: ` +
      `${formatDate(impact.finishBefore)} → ${formatDate(impact.finishAfter)}.`
    : "Porteføljens sluttdato flyttes ikke.";
  return [
    h("p", { class: "impact-summary", "data-testid": "whatif-summary" }, summary),
    h("h4", {}, `Tiltak som flyttes · ${impact.movedCount}`),
    moved.length
      ? h(
          "table",
          { class: "compact", "data-testid": "whatif-moved" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Tiltak"), h("th", { scope: "col" }, "Dager"), h("th", { scope: "col" }, "Ny slutt"))),
          h(
            "tbody",
            {},
            moved.map((item) =>
              h(
                "tr",
                { "data-testid": "moved-item", "data-code": item.code, "data-days": item.days },
                h("td", {}, codeButton(item.code, "INITIATIVE"), h("div", { class: "chain-name" }, item.initiative.name)),
                h("td", { class: "number" }, `${item.days > 0 ? "+" : ""}${item.days}`),
                h("td", {}, formatDate(item.newFinish)),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, "Ingen tiltak flyttes."),
    h("h4", {}, `Nye forsinkede avhengigheter · ${impact.newlyLateCount}`),
    impact.newlyLate.length
      ? h(
          "ul",
          { class: "plain", "data-testid": "whatif-late" },
          impact.newlyLate.map((late) =>
            h(
              "li",
              { "data-testid": "late-item", "data-supplier": late.supplierCode, "data-dependant": late.dependantCode },
              h("strong", {}, `${late.supplierCode} → ${late.dependantCode}`),
              ` trengs ${formatDate(late.neededBy)}, leveres ${formatDate(late.supplierDate)} `,
              h("span", { class: "late" }, `(${late.slackDays} dager)`),
            ),
          ),
        )
      : h("p", { class: "muted", "data-testid": "whatif-late-empty" }, "Ingen avhengigheter blir forsinket."),
  ];
}

// ---------------------------------------------------------------- live updates

const live = { codes: new Set(), graph: false, everything: false, period: false, timer: null };

function heard(name, event) {
  if (!event) return;
  if (name === "statusReportSubmitted") {
    live.codes.add(event.initiativeCode);
    // With red risk as a source, any report may move what others inherit.
    if (state.includeRiskLevel) live.everything = true;
  } else if (name === "propagatedRiskChanged") {
    live.codes.add(event.initiativeCode);
  } else if (name === "dependencyBecameLate") {
    live.codes.add(event.dependantCode);
    live.graph = true;
  } else {
    live.period = true;
  }
  // Events of one write arrive together: read once they have.
  clearTimeout(live.timer);
  live.timer = setTimeout(applyLive, 150);
}

function replaceRow(row) {
  let known = false;
  for (const rows of [state.allRows, state.rows]) {
    const index = rows.findIndex((candidate) => candidate.code === row.code);
    if (index >= 0) {
      rows[index] = row;
      known = true;
    }
  }
  return known;
}

function updateGraphNodes(rows) {
  if (!state.graph) return;
  let changed = false;
  for (const row of rows) {
    const node = state.graph.nodes.find((candidate) => candidate.code === row.code);
    if (!node) continue;
    node.status = row.status;
    node.riskLevel = row.riskLevel;
    node.propagatedLevel = row.propagatedRisk?.level ?? null;
    changed = true;
  }
  if (changed) {
    graphView().setData(state.graph, {
      root: state.selected?.code ?? null,
      moved: state.moved,
      flagged: state.flagged,
    });
  }
}

function markUpdated(codes) {
  for (const code of codes) {
    const row = document.querySelector(`[data-testid="initiative-row"][data-code="${CSS.escape(code)}"]`);
    if (row) row.classList.add("updated");
  }
}

async function applyLive() {
  const codes = [...live.codes];
  const { graph, everything, period } = live;
  Object.assign(live, { codes: new Set(), graph: false, everything: false, period: false });
  try {
    if (period) await loadPeriod();
    if (everything || codes.length > LIVE_BATCH) {
      await refreshAll();
      markUpdated(codes);
      return;
    }
    if (!codes.length) return;
    const answers = await Promise.all(
      codes.map((code) => gql(ROW_QUERY, { code, includeRiskLevel: state.includeRiskLevel })),
    );
    const rows = answers.map((answer) => answer.initiative).filter(Boolean);
    if (!rows.every(replaceRow)) {
      await refreshAll(); // an initiative the dashboard has not seen yet
      markUpdated(codes);
      return;
    }
    state.lateCount = answers.at(-1).lateDependencyCount;
    renderSummary();
    if (filterIsActive()) await loadRows();
    else renderTable();
    if (graph) await loadGraph();
    else updateGraphNodes(rows);
    if (state.selected && codes.includes(state.selected.code)) await loadDetail();
    markUpdated(codes);
  } catch (error) {
    showError(error);
  }
}

function listen() {
  const status = $("live-status");
  return new LiveConnection(ENDPOINT, LIVE_SUBSCRIPTIONS, {
    onEvent: heard,
    onState: (value) => {
      status.dataset.state = value;
      status.textContent = LIVE_STATES[value];
    },
    // Events sent while the connection was down were not heard: read everything again.
    onResumed: () => {
      loadPeriod().then(refreshAll).catch(showError);
    },
  }).start();
}

// ---------------------------------------------------------------- start

function renderPeriod(period) {
  $("current-period").textContent = period
    ? `Rapporteringsrunde: ${period.name}`
    : "Ingen åpen rapporteringsrunde";
}

async function loadPeriod() {
  renderPeriod((await gql(START_QUERY)).currentPeriod);
}

function fillSelect(testid, enumName, values) {
  const select = $(testid);
  for (const value of values) {
    select.append(h("option", { value }, label(enumName, value)));
  }
}

function wireFilters() {
  const form = $("filters");
  let timer = null;
  form.addEventListener("input", (event) => {
    const { name } = event.target;
    if (name === "includeRiskLevel") return;
    if (!(name in state.filter)) return;
    state.filter[name] = event.target.value;
    clearTimeout(timer);
    timer = setTimeout(loadRows, name === "search" ? 200 : 0);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name !== "includeRiskLevel") return;
    state.includeRiskLevel = event.target.checked;
    refreshAll();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => {
    for (const key of Object.keys(state.filter)) state.filter[key] = "";
    if (state.includeRiskLevel) {
      state.includeRiskLevel = false;
      setTimeout(refreshAll, 0);
    } else {
      setTimeout(loadRows, 0);
    }
  });
  $("graph-direction").addEventListener("change", (event) => {
    state.direction = event.target.value;
    if (state.selected) loadGraph();
  });
  $("graph-depth").addEventListener("change", (event) => {
    state.maxDepth = event.target.value ? Number(event.target.value) : null;
    if (state.selected) loadGraph();
  });
  $("graph-reset").addEventListener("click", deselect);
  $("panel-close").addEventListener("click", deselect);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.selected) deselect();
  });
}

async function refreshAll() {
  try {
    state.allRows = await fetchInitiatives({});
  } catch (error) {
    showError(error);
    return;
  }
  renderSummary();
  const jobs = [loadRows(), loadGraph()];
  if (state.selected) jobs.push(loadDetail());
  await Promise.all(jobs);
}

async function start() {
  document.body.dataset.state = "loading";
  wireFilters();
  wireTextSearch();
  try {
    const data = await gql(START_QUERY);
    for (const entry of data.labels) state.labels.set(`${entry.enum}.${entry.value}`, entry.label);
    renderPeriod(data.currentPeriod);
    const traffic = ["GREEN", "YELLOW", "RED"];
    fillSelect("filter-segment", "Segment", ["OBSERVE", "COORDINATE", "CO_GOVERN"]);
    fillSelect("filter-status", "TrafficLight", traffic);
    fillSelect("filter-risk", "TrafficLight", traffic);
    renderLegend();
    state.allRows = await fetchInitiatives({});
    const owners = new Map(state.allRows.map((row) => [row.owner.code, row.owner.name]));
    const ownerSelect = $("filter-owner");
    [...owners.entries()]
      .sort((a, b) => a[1].localeCompare(b[1], "nb"))
      .forEach(([code, name]) => ownerSelect.append(h("option", { value: code }, name)));
    state.rows = state.allRows;
    renderTable();
    const linked = decodeURIComponent(location.hash.slice(1));
    if (linked) {
      const row = state.allRows.find((candidate) => candidate.code === linked);
      await loadGraph();
      select(linked, row ? "INITIATIVE" : "SOLUTION");
    } else {
      await loadGraph();
    }
    document.body.dataset.state = "ready";
  } catch (error) {
    showError(error);
    document.body.dataset.state = "error";
  }
  listen();
  startScenarios();
  startComparison();
}

// ---------------------------------------------------------------- scenarios

function startScenarios() {
  const panel = new ScenarioPanel($("scenario-body"), {
    label,
    includeRiskLevel: () => state.includeRiskLevel,
    show: ({ moved, flagged }) => {
      state.moved = moved;
      state.flagged = flagged;
      if (state.graph) renderGraph(state.graph, state.selected?.code ?? null);
    },
  });
  panel.start();
}

// ---------------------------------------------------------------- comparisons

function startComparison() {
  const panel = new ComparisonPanel($("comparison-body"), {
    gql,
    label,
    show: ({ moved, flagged }) => {
      state.moved = moved;
      state.flagged = flagged;
      if (state.graph) renderGraph(state.graph, state.selected?.code ?? null);
    },
  });
  panel.start();
}

start();
