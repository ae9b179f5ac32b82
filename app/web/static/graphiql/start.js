// Starts GraphiQL on /graphql: queries over HTTP, subscriptions over a WebSocket on the
// same path, and a headers editor for "Authorization: Bearer <token>". Everything it loads
// is served by this service.
"use strict";

const EXAMPLE_QUERY = `# GraphiQL for the national e-health portfolio.
#
# Run a query with Ctrl-Enter; Ctrl-Space completes; the Docs pane describes every type.
# To act as a caller, add {"Authorization": "Bearer <token>"} under Headers.

{
  currentPeriod { code name }
  initiative(code: "PLL") {
    name
    status
    dependencies { criticality supplier { __typename ... on Solution { code name } } }
  }
}
`;

const parameters = {};
for (const entry of window.location.search.slice(1).split("&")) {
  const eq = entry.indexOf("=");
  if (eq >= 0) {
    parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
  }
}

function updateURL(data) {
  Object.assign(parameters, data);
  const search = Object.keys(parameters)
    .filter((key) => Boolean(parameters[key]))
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(parameters[key])}`)
    .join("&");
  history.replaceState(null, "", `?${search}`);
}

const fetchURL = window.location.href.split("?")[0].split("#")[0];

function webSocketURL(url) {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "http:" ? "ws:" : "wss:";
  parsed.hash = "";
  return parsed.toString();
}

const fetcher = GraphiQL.createFetcher({
  url: fetchURL,
  subscriptionUrl: webSocketURL(fetchURL),
});

function GraphiQLWithExplorer() {
  const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(parameters.variables);
  const [headers, setHeaders] = React.useState(parameters.headers);
  // Without the attribution footer, whose links lead to outside hosts.
  const explorer = React.useMemo(
    () => GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false }),
    [],
  );

  return React.createElement(
    GraphiQL,
    {
    fetcher,
    defaultEditorToolsVisibility: true,
    plugins: [explorer],
    query,
    variables,
    headers,
    onEditQuery(next) {
      setQuery(next);
      updateURL({ q: next });
    },
    onEditVariables(next) {
      setVariables(next);
      updateURL({ variables: next });
    },
    onEditHeaders: setHeaders,
    inputValueDeprecation: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    },
    // Our own logo: GraphiQL's links to its project page.
    React.createElement(GraphiQL.Logo, null, "Portfolio API"),
  );
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQLWithExplorer),
);

// GraphiQL's editors are CodeMirror 5: each types into a hidden textarea without a name, and
// scrolls in a region the keyboard cannot reach. Name each after its pane and let Tab reach
// the scroll regions, as WCAG 2.1 asks (names and keyboard access).
const EDITOR_NAMES = [
  [".graphiql-query-editor", "Query editor"],
  [".graphiql-editor-tool .graphiql-editor:not(.hidden):nth-child(1)", "Variables editor"],
  [".graphiql-editor-tool .graphiql-editor:nth-child(2)", "Headers editor"],
  [".result-window", "Result"],
];

function nameEditors() {
  for (const editor of document.querySelectorAll(".CodeMirror")) {
    const pane = EDITOR_NAMES.find(([selector]) => editor.closest(selector));
    const name = pane ? pane[1] : "Editor";
    const textarea = editor.querySelector("textarea");
    if (textarea && !textarea.hasAttribute("aria-label")) textarea.setAttribute("aria-label", name);
    const scroll = editor.querySelector(".CodeMirror-scroll");
    if (scroll && scroll.getAttribute("tabindex") !== "0") {
      scroll.setAttribute("tabindex", "0");
      scroll.setAttribute("role", "region");
      scroll.setAttribute("aria-label", name);
    }
  }
}

new MutationObserver(nameEditors).observe(document.getElementById("graphiql"), {
  childList: true,
  subtree: true,
});
