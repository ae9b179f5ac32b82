// Statusrapportering: owners report a round in the browser through the public GraphQL
// mutations (submitStatusReport, upsertDelivery); the office follows the round's progress.
// The API token lives in sessionStorage only: never in a URL, gone when the tab closes.
// Where the service offers sign-in with the identity provider, a person signs in there
// instead: the session is the service's HttpOnly cookie, which this script never sees.

import { fill, formatDate, formatDateTime, h, plural } from "./common.js";

const ENDPOINT = "/graphql";
const TOKEN_KEY = "portfolio.apiToken";
const PAGE_SIZE = 500;

const START_QUERY = `query ReportingStart {
  viewer { role name canWrite authenticatedBy organisation { code name } }
  currentPeriod { code name opens deadline closed }
  labels { enum value label }
}`;

const INITIATIVES_QUERY = `query ReportingInitiatives($filter: InitiativeFilter, $after: String, $first: Int) {
  initiatives(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      code name segment state viewerCanReport
      owner { code name }
      latestReport { periodCode submittedAt submittedBy }
    }
  }
}`;

const INITIATIVE_QUERY = `query ReportingInitiative($code: String!) {
  initiative(code: $code) {
    code name segment phase state forecastEnd viewerCanReport
    owner { name }
    latestReport {
      periodCode revision status statusReason riskLevel mainRiskAreas
      plannedMitigations implementedMitigations phase forecastEnd
      investmentNok annualOperatingCostNok benefits benefitPrerequisites
      dependenciesConfirmed submittedAt submittedBy period { name }
    }
    deliveries { code name description baselineDate forecastDate deliveredDate status }
    dependencyCount
    dependencies(first: 500) {
      supplierCode criticality neededBy
      supplier { __typename ... on Initiative { name } ... on Solution { name } }
    }
  }
}`;

const ERROR_FIELDS = `__typename
  ... on ValidationError { message problems { field message } }
  ... on NotFoundError { message field }
  ... on PermissionDeniedError { message }`;

const SUBMIT_REPORT = `mutation ReportingSubmit($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    ${ERROR_FIELDS}
    ... on StatusReportPayload {
      report {
        revision status riskLevel submittedAt submittedBy
        period { code name deadline }
      }
      initiative { code name }
    }
  }
}`;

const UPSERT_DELIVERY = `mutation ReportingDelivery($input: UpsertDeliveryInput!) {
  upsertDelivery(input: $input) {
    ${ERROR_FIELDS}
    ... on DeliveryPayload { delivery { code name forecastDate status } }
  }
}`;

// The report's inputs in the order the form shows them. `segments`: where the field is
// asked for; `required(values)`: whether the segment rules (DOMAIN.md) demand it.
const LIGHTS = ["GREEN", "YELLOW", "RED"];
const ALL = ["OBSERVE", "COORDINATE", "CO_GOVERN"];
const RISK = ["COORDINATE", "CO_GOVERN"];
const ECONOMY = ["CO_GOVERN"];
const flagged = (level) => level === "YELLOW" || level === "RED";

const FIELDS = [
  { name: "status", label: "Samlet status", kind: "light", segments: ALL, section: "status",
    required: () => true },
  { name: "statusReason", label: "Begrunnelse for status", kind: "text", segments: ALL,
    section: "status", hint: "Påkrevd når status er gul eller rød.",
    required: (values) => flagged(values.status) },
  { name: "phase", label: "Fase", kind: "enum", enumName: "Phase", segments: ALL,
    section: "status", required: () => false },
  { name: "forecastEnd", label: "Prognose for sluttdato", kind: "date", segments: ALL,
    section: "status", required: () => false },
  { name: "riskLevel", label: "Samlet risiko", kind: "light", segments: RISK, section: "risk",
    required: () => true },
  { name: "mainRiskAreas", label: "Viktigste risikoområder", kind: "text", segments: RISK,
    section: "risk", required: () => true },
  { name: "plannedMitigations", label: "Planlagte tiltak mot risiko", kind: "text",
    segments: RISK, section: "risk", hint: "Påkrevd når risikoen er gul eller rød.",
    required: (values) => flagged(values.riskLevel) },
  { name: "implementedMitigations", label: "Gjennomførte tiltak mot risiko", kind: "text",
    segments: RISK, section: "risk", hint: "Påkrevd når risikoen er gul eller rød.",
    required: (values) => flagged(values.riskLevel) },
  { name: "investmentNok", label: "Investeringskostnad (kr)", kind: "money", segments: ECONOMY,
    section: "economy", required: () => true },
  { name: "annualOperatingCostNok", label: "Årlig kostnad til drift og forvaltning (kr)",
    kind: "money", segments: ECONOMY, section: "economy", required: () => true },
  { name: "benefits", label: "Nytte", kind: "text", segments: ECONOMY, section: "economy",
    required: () => true },
  { name: "benefitPrerequisites", label: "Nytteforutsetninger", kind: "text",
    segments: ECONOMY, section: "economy", required: () => true },
];

const SECTIONS = [
  { key: "status", title: "Status" },
  { key: "risk", title: "Risiko" },
  { key: "dependencies", title: "Avhengigheter" },
  { key: "economy", title: "Økonomi og nytte" },
  { key: "deliveries", title: "Leveranser" },
];

const state = {
  token: null,
  session: false, // signed in with the identity provider (the cookie speaks)
  viewer: null,
  period: null,
  labels: new Map(),
  initiatives: [],
  initiative: null, // the one being reported, as read
};

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

// ---------------------------------------------------------------- GraphQL

class SignInError extends Error {}

async function gql(query, variables = {}) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "Accept-Language": "nb",
  };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) {
    throw new SignInError("API-nøkkelen er ukjent eller trukket tilbake.");
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    throw new Error(`For mange forespørsler. Prøv igjen om ${wait || "litt"} sekunder.`);
  }
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
  banner.hidden = !error;
  banner.textContent = error ? `Noe gikk galt: ${error.message || error}` : "";
}

function label(enumName, value) {
  if (value === null || value === undefined) return "–";
  return state.labels.get(`${enumName}.${value}`) ?? value;
}

// ---------------------------------------------------------------- signing in

function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage switched off: the key lasts as long as the page.
  }
}

function tokenError(message) {
  const input = $("signin-token");
  const error = $("signin-token-error");
  error.hidden = !message;
  error.textContent = message || "";
  if (message) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    input.removeAttribute("aria-invalid");
  }
}

async function signIn(token) {
  state.token = token;
  let data;
  try {
    data = await gql(START_QUERY);
  } catch (error) {
    state.token = null;
    storeToken(null);
    if (error instanceof SignInError) {
      showSignIn();
      tokenError(error.message);
      return;
    }
    throw error;
  }
  const viewer = data.viewer;
  if (!viewer.role) {
    state.token = null;
    storeToken(null);
    showSignIn();
    tokenError("Nøkkelen gir ingen rolle. Be porteføljekontoret om en ny.");
    return;
  }
  storeToken(token);
  await enter(data);
}

// Signed in, by token or session: show who, the round, and what the caller may report.
async function enter(data) {
  const viewer = data.viewer;
  state.viewer = viewer;
  state.period = data.currentPeriod;
  state.labels = new Map(data.labels.map((item) => [`${item.enum}.${item.value}`, item.label]));
  $("signin").hidden = true;
  $("viewer").hidden = false;
  $("signin-token").value = "";
  tokenError(null);
  fill(
    $("viewer-name"),
    h("strong", {}, viewer.name),
    ` – ${label("Role", viewer.role)}`,
    viewer.organisation ? `, ${viewer.organisation.name}` : "",
  );
  renderPeriod();
  await loadInitiatives();
}

function showSignIn() {
  state.viewer = null;
  state.initiative = null;
  state.initiatives = [];
  for (const testid of ["viewer", "progress", "pick", "report-form", "receipt"]) {
    $(testid).hidden = true;
  }
  $("signin").hidden = false;
}

// A browser signed in with the identity provider: the cookie already names the person.
async function signInWithSession() {
  let available = false;
  try {
    const response = await fetch("/auth/session", { headers: { Accept: "application/json" } });
    available = response.ok && (await response.json()).signInAvailable === true;
  } catch {
    available = false;
  }
  $("signin-oidc").hidden = !available;
  if (!available) return;
  const data = await gql(START_QUERY);
  if (data.viewer.role && data.viewer.authenticatedBy === "OIDC") {
    state.session = true;
    await enter(data);
  }
}

function signOut() {
  if (state.session) {
    // The session ends on the server (POST, from this page), which drops the cookie.
    const form = h("form", {
      method: "post",
      action: `/auth/logout?return_to=${encodeURIComponent(location.pathname)}`,
      hidden: "",
    });
    document.body.append(form);
    form.submit();
    return;
  }
  state.token = null;
  storeToken(null);
  showSignIn();
  fill($("current-period"));
  $("signin-token").focus();
}

function renderPeriod() {
  const period = state.period;
  if (!period) {
    $("current-period").textContent = "Ingen rapporteringsrunde er åpnet";
    return;
  }
  const closed = period.closed ? " (lukket)" : "";
  $("current-period").textContent =
    `Runde: ${period.name}${closed} · frist ${formatDate(period.deadline)}`;
}

// ---------------------------------------------------------------- initiatives and progress

async function loadInitiatives() {
  const filter = { state: ["ACTIVE", "PAUSED"] };
  if (state.viewer.role === "REPORTER" && state.viewer.organisation) {
    filter.owner = [state.viewer.organisation.code];
  }
  const nodes = [];
  let after = null;
  do {
    const data = await gql(INITIATIVES_QUERY, { filter, after, first: PAGE_SIZE });
    nodes.push(...data.initiatives.nodes);
    after = data.initiatives.pageInfo.hasNextPage ? data.initiatives.pageInfo.endCursor : null;
  } while (after);
  state.initiatives = nodes;
  renderPicker();
  renderProgress();
}

function reportedThisRound(initiative) {
  return Boolean(
    state.period && initiative.latestReport &&
      initiative.latestReport.periodCode === state.period.code,
  );
}

function renderPicker() {
  const select = $("pick-initiative");
  const reportable = state.initiatives.filter((initiative) => initiative.viewerCanReport);
  fill(
    select,
    h("option", { value: "" }, "Velg et tiltak …"),
    reportable.map((initiative) =>
      h(
        "option",
        { value: initiative.code },
        `${initiative.code} – ${initiative.name}` +
          (reportedThisRound(initiative) ? " (rapportert)" : " (mangler rapport)"),
      ),
    ),
  );
  $("pick").hidden = false;
  const empty = $("pick-empty");
  empty.hidden = reportable.length > 0;
  empty.textContent = "Nøkkelen gir ikke rett til å rapportere for noe tiltak.";
  select.disabled = reportable.length === 0 || !state.period || state.period.closed;
  if (state.period && state.period.closed) {
    empty.hidden = false;
    empty.textContent = `Runden ${state.period.name} er lukket; rapportene kan bare leses.`;
  }
}

function renderProgress() {
  // The portfolio office follows the whole round; an owner sees its initiatives in the picker.
  const section = $("progress");
  section.hidden = state.viewer.role !== "ADMIN" || !state.period;
  if (section.hidden) return;
  const reported = state.initiatives.filter(reportedThisRound);
  const missing = state.initiatives.filter((initiative) => !reportedThisRound(initiative));
  const deadline = state.period.deadline;
  const today = new Date().toISOString().slice(0, 10);
  $("progress-deadline").textContent =
    `Frist ${formatDate(deadline)}` + (today > deadline ? " (passert)" : "");
  fill(
    $("progress-count"),
    h("strong", { "data-testid": "progress-reported-count" }, String(reported.length)),
    ` av ${state.initiatives.length} tiltak har rapportert for ${state.period.name}; `,
    h("strong", { "data-testid": "progress-missing-count" }, String(missing.length)),
    " mangler.",
  );
  const item = (initiative, extra) =>
    h(
      "li",
      { "data-code": initiative.code },
      h("span", { class: "code" }, initiative.code),
      ` ${initiative.name} – ${initiative.owner.name}`,
      extra,
    );
  fill(
    $("progress-missing"),
    missing.length ? missing.map((initiative) => item(initiative, "")) : h("li", {}, "Ingen."),
  );
  fill(
    $("progress-reported"),
    reported.length
      ? reported.map((initiative) =>
          item(
            initiative,
            h(
              "span",
              { class: "muted" },
              ` (${formatDateTime(initiative.latestReport.submittedAt)}, ` +
                `${initiative.latestReport.submittedBy})`,
            ),
          ),
        )
      : h("li", {}, "Ingen ennå."),
  );
}

// ---------------------------------------------------------------- the form

// Arrow keys on the picker choose one initiative after another: only the last answer counts.
let picking = 0;

async function pick(code) {
  const ticket = ++picking;
  $("receipt").hidden = true;
  if (!code) {
    $("report-form").hidden = true;
    state.initiative = null;
    return;
  }
  const data = await gql(INITIATIVE_QUERY, { code });
  if (ticket !== picking) return;
  if (!data.initiative) {
    showError(`Fant ikke tiltaket ${code}.`);
    return;
  }
  state.initiative = data.initiative;
  renderForm();
}

function segmentOf(initiative) {
  return initiative.segment || "OBSERVE";
}

function fieldId(name) {
  return `field-${name}`;
}

function requiredMark(field) {
  return h("span", { class: "required", "data-required-for": field.name }, " (påkrevd)");
}

function fieldError(name) {
  return h("p", {
    class: "field-error",
    id: `${fieldId(name)}-error`,
    "data-testid": `error-${name}`,
    hidden: true,
  });
}

function describedBy(name, hint) {
  return [hint ? `${fieldId(name)}-hint` : null, `${fieldId(name)}-error`]
    .filter(Boolean)
    .join(" ");
}

function lightField(field, value) {
  const options = LIGHTS.map((light) =>
    h(
      "label",
      { class: `light light-${light}` },
      h("input", {
        type: "radio",
        name: field.name,
        value: light,
        checked: value === light,
        "data-testid": `input-${field.name}-${light}`,
      }),
      h("span", { class: "dot", "aria-hidden": "true" }),
      label("TrafficLight", light),
    ),
  );
  return h(
    "fieldset",
    {
      class: "field lights",
      id: fieldId(field.name),
      "data-field": field.name,
      "aria-describedby": describedBy(field.name),
      tabindex: "-1",
    },
    h("legend", {}, field.label, requiredMark(field)),
    h("div", { class: "light-options" }, options),
    fieldError(field.name),
  );
}

function inputFor(field, value) {
  const common = {
    id: fieldId(field.name),
    name: field.name,
    "data-testid": `input-${field.name}`,
    "aria-describedby": describedBy(field.name, field.hint),
  };
  if (field.kind === "text") {
    return h("textarea", { ...common, rows: 3 }, value ?? "");
  }
  if (field.kind === "enum") {
    const values = [...state.labels.keys()]
      .filter((key) => key.startsWith(`${field.enumName}.`))
      .map((key) => key.slice(field.enumName.length + 1));
    return h(
      "select",
      common,
      values.map((option) =>
        h("option", { value: option, selected: option === value }, label(field.enumName, option)),
      ),
    );
  }
  if (field.kind === "date") {
    return h("input", { ...common, type: "date", value: value ?? "" });
  }
  // Money: whole kroner; text with a numeric keyboard, so that "1 250 000" is accepted.
  return h("input", {
    ...common,
    type: "text",
    inputmode: "numeric",
    autocomplete: "off",
    value: value === null || value === undefined ? "" : String(Math.round(value)),
  });
}

function plainField(field, value) {
  return h(
    "div",
    { class: "field", "data-field": field.name },
    h("label", { for: fieldId(field.name) }, field.label, requiredMark(field)),
    field.hint ? h("p", { class: "hint", id: `${fieldId(field.name)}-hint` }, field.hint) : null,
    inputFor(field, value),
    fieldError(field.name),
  );
}

function prefillValue(field, initiative) {
  const report = initiative.latestReport;
  if (field.name === "phase") return report?.phase ?? initiative.phase;
  if (field.name === "forecastEnd") return report?.forecastEnd ?? initiative.forecastEnd;
  return report ? report[field.name] : null;
}

function dependencySection(initiative) {
  const rows = initiative.dependencies.map((dependency) =>
    h(
      "li",
      {},
      h("span", { class: "code" }, `${dependency.supplierCode} → ${initiative.code}`),
      ` ${dependency.supplier.name ?? ""}, ${label("Criticality", dependency.criticality).toLowerCase()} kritikalitet`,
      dependency.neededBy ? `, trengs ${formatDate(dependency.neededBy)}` : "",
    ),
  );
  const more =
    initiative.dependencyCount > initiative.dependencies.length
      ? h("p", { class: "muted" }, `… og ${initiative.dependencyCount - rows.length} til.`)
      : null;
  return [
    h(
      "p",
      { class: "muted", id: "dependencies-intro" },
      initiative.dependencyCount
        ? `${initiative.code} avhenger av (leverandør → ${initiative.code}):`
        : `${initiative.code} har ingen registrerte avhengigheter.`,
    ),
    rows.length ? h("ul", { class: "dependency-list", "data-testid": "dependency-list" }, rows) : null,
    more,
    h(
      "div",
      { class: "field check", "data-field": "dependenciesConfirmed" },
      h(
        "label",
        {},
        h("input", {
          type: "checkbox",
          id: fieldId("dependenciesConfirmed"),
          name: "dependenciesConfirmed",
          "data-testid": "input-dependenciesConfirmed",
          "aria-describedby": `dependencies-intro ${fieldId("dependenciesConfirmed")}-error`,
          // Prefilled from last round, like every other answer.
          checked: initiative.latestReport?.dependenciesConfirmed === true,
        }),
        " Avhengighetene over er riktige for denne runden",
        h("span", { class: "required" }, " (påkrevd)"),
      ),
      fieldError("dependenciesConfirmed"),
    ),
  ];
}

function deliverySection(initiative) {
  if (!initiative.deliveries.length) {
    return [h("p", { class: "muted" }, "Tiltaket har ingen registrerte leveranser.")];
  }
  const statuses = [...state.labels.keys()]
    .filter((key) => key.startsWith("DeliveryStatus."))
    .map((key) => key.slice("DeliveryStatus.".length));
  return initiative.deliveries.map((delivery) => {
    const base = `delivery-${delivery.code}`;
    return h(
      "fieldset",
      { class: "delivery", "data-testid": "delivery", "data-code": delivery.code },
      h("legend", {}, `${delivery.code} – ${delivery.name}`),
      h("p", { class: "muted" }, `Opprinnelig plan: ${formatDate(delivery.baselineDate)}`),
      h(
        "div",
        { class: "delivery-fields" },
        h(
          "div",
          { class: "field", "data-field": `${base}-forecastDate` },
          h("label", { for: `${base}-forecastDate` }, "Prognose"),
          h("input", {
            type: "date",
            id: `${base}-forecastDate`,
            value: delivery.forecastDate ?? "",
            "data-testid": `delivery-forecast-${delivery.code}`,
            "aria-describedby": `${base}-forecastDate-error`,
          }),
          h("p", { class: "field-error", id: `${base}-forecastDate-error`, hidden: true }),
        ),
        h(
          "div",
          { class: "field", "data-field": `${base}-status` },
          h("label", { for: `${base}-status` }, "Status"),
          h(
            "select",
            {
              id: `${base}-status`,
              "data-testid": `delivery-status-${delivery.code}`,
              "aria-describedby": `${base}-status-error`,
            },
            statuses.map((status) =>
              h(
                "option",
                { value: status, selected: status === delivery.status },
                label("DeliveryStatus", status),
              ),
            ),
          ),
          h("p", { class: "field-error", id: `${base}-status-error`, hidden: true }),
        ),
      ),
      h("p", { class: "field-error", id: `${base}-error`, hidden: true }),
    );
  });
}

function renderForm() {
  const initiative = state.initiative;
  const segment = segmentOf(initiative);
  $("form-title").textContent = `Rapport for ${initiative.code} – ${initiative.name}`;
  $("form-segment").textContent =
    `Segment: ${label("Segment", segment)} · runde ${state.period.name}` +
    ` · frist ${formatDate(state.period.deadline)}`;
  const report = initiative.latestReport;
  $("form-prefill").textContent = report
    ? `Feltene er fylt ut med svarene fra ${report.period.name} ` +
      `(versjon ${report.revision}, sendt ${formatDateTime(report.submittedAt)}). ` +
      "Se over og rett det som er endret."
    : "Tiltaket har ikke rapportert før.";
  const sections = SECTIONS.map((section) => {
    let content;
    if (section.key === "dependencies") {
      if (!RISK.includes(segment)) return null;
      content = dependencySection(initiative);
    } else if (section.key === "deliveries") {
      content = deliverySection(initiative);
    } else {
      const fields = FIELDS.filter(
        (field) => field.section === section.key && field.segments.includes(segment),
      );
      if (!fields.length) return null;
      content = fields.map((field) =>
        field.kind === "light"
          ? lightField(field, prefillValue(field, initiative))
          : plainField(field, prefillValue(field, initiative)),
      );
    }
    return h(
      "fieldset",
      { class: "form-section", "data-testid": `section-${section.key}` },
      h("legend", {}, section.title),
      content,
    );
  });
  fill($("form-sections"), sections);
  clearErrors();
  updateRequired();
  $("report-form").hidden = false;
}

function formValues() {
  const form = $("report-form");
  const values = {};
  for (const field of FIELDS) {
    if (!field.segments.includes(segmentOf(state.initiative))) continue;
    if (field.kind === "light") {
      values[field.name] = form.querySelector(`input[name="${field.name}"]:checked`)?.value ?? null;
    } else {
      const raw = form.querySelector(`#${fieldId(field.name)}`).value.trim();
      values[field.name] = raw === "" ? null : raw;
    }
  }
  return values;
}

function updateRequired() {
  if (!state.initiative) return;
  const values = formValues();
  for (const field of FIELDS) {
    const mark = $("report-form").querySelector(`[data-required-for="${field.name}"]`);
    if (!mark) continue;
    const required = field.required(values);
    mark.hidden = !required;
    const control = document.getElementById(fieldId(field.name));
    if (control && control.tagName !== "FIELDSET") {
      control.setAttribute("aria-required", required ? "true" : "false");
    }
  }
}

// Money as the API wants it: a number of whole kroner. Spaces and a trailing "kr" are
// accepted; anything else is sent as it is typed, so that the API names the problem.
function parseMoney(raw) {
  const cleaned = raw.replace(/\s|kr\.?$/gi, "").replace(",", ".");
  const number = Number(cleaned);
  return cleaned !== "" && Number.isFinite(number) ? number : null;
}

// ---------------------------------------------------------------- errors beside fields

function clearErrors() {
  const form = $("report-form");
  for (const error of form.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const invalid of form.querySelectorAll("[aria-invalid]")) {
    invalid.removeAttribute("aria-invalid");
  }
  const summary = $("error-summary");
  summary.hidden = true;
  fill(summary);
}

function fieldLabel(name) {
  const field = FIELDS.find((candidate) => candidate.name === name);
  if (field) return field.label;
  if (name === "dependenciesConfirmed") return "Avhengigheter bekreftet";
  const delivery = name.match(/^delivery-(.+)-(forecastDate|status)$/);
  if (delivery) return `Leveranse ${delivery[1]}: ${delivery[2] === "status" ? "status" : "prognose"}`;
  return null;
}

// problems: [{ field, message }], field being the form's id suffix (or null: the form).
function showProblems(problems) {
  clearErrors();
  const summaryItems = [];
  for (const problem of problems) {
    const id = problem.field ? fieldIdFor(problem.field) : null;
    const target = id ? document.getElementById(id) : null;
    const error = id ? document.getElementById(`${id}-error`) : null;
    const name = problem.field ? fieldLabel(problem.field) : null;
    if (target && error) {
      error.hidden = false;
      error.textContent = error.textContent
        ? `${error.textContent} ${problem.message}`
        : problem.message;
      target.setAttribute("aria-invalid", "true");
      summaryItems.push(
        h("li", {}, h("a", { href: `#${id}`, onclick: focusField(id) }, name ?? problem.field),
          `: ${problem.message}`),
      );
    } else {
      summaryItems.push(h("li", {}, name ? `${name}: ${problem.message}` : problem.message));
    }
  }
  const summary = $("error-summary");
  fill(
    summary,
    h("h3", {}, `Rapporten ble ikke sendt: ${plural(problems.length, "feil", "feil")} må rettes`),
    h("ul", {}, summaryItems),
  );
  summary.hidden = false;
  summary.focus();
}

function fieldIdFor(field) {
  return field.startsWith("delivery-") ? field : fieldId(field);
}

function focusField(id) {
  return (event) => {
    event.preventDefault();
    const target = document.getElementById(id);
    const focusable = target.matches("fieldset") ? target.querySelector("input") : target;
    (focusable || target).focus();
  };
}

function refusalProblems(result, prefix = "") {
  if (result.__typename === "ValidationError") {
    return result.problems.map((problem) => ({
      field: prefix ? `${prefix}-${problem.field}` : problem.field,
      message: problem.message,
    }));
  }
  if (result.__typename === "NotFoundError" && result.field) {
    return [{ field: prefix ? `${prefix}-${result.field}` : result.field, message: result.message }];
  }
  return [{ field: null, message: result.message }];
}

// ---------------------------------------------------------------- submitting

function changedDeliveries() {
  const changes = [];
  for (const delivery of state.initiative.deliveries) {
    const base = `delivery-${delivery.code}`;
    const forecast = document.getElementById(`${base}-forecastDate`).value || null;
    const status = document.getElementById(`${base}-status`).value;
    if (forecast !== delivery.forecastDate || status !== delivery.status) {
      changes.push({
        initiative: state.initiative.code,
        code: delivery.code,
        name: delivery.name,
        description: delivery.description,
        baselineDate: delivery.baselineDate,
        forecastDate: forecast,
        deliveredDate: delivery.deliveredDate,
        status,
      });
    }
  }
  return changes;
}

function reportInput(values) {
  const input = { initiative: state.initiative.code, period: state.period.code };
  for (const [name, value] of Object.entries(values)) {
    const field = FIELDS.find((candidate) => candidate.name === name);
    if (field.kind === "money" && value !== null) {
      const number = parseMoney(value);
      if (number === null) return { problem: { field: name, message: "Skriv et helt antall kroner, for eksempel 1 250 000." } };
      input[name] = number;
    } else {
      input[name] = value;
    }
  }
  // status is required by the input type; an empty choice is a problem to name, not a crash.
  if (!input.status) return { problem: { field: "status", message: "Velg samlet status." } };
  return { input };
}

async function submit(event) {
  event.preventDefault();
  if (!state.initiative) return;
  const button = $("report-submit");
  button.disabled = true;
  $("report-form").setAttribute("aria-busy", "true");
  showError(null);
  try {
    await submitReport();
  } catch (error) {
    if (error instanceof SignInError) {
      signOut();
      tokenError(error.message);
    } else {
      showError(error);
    }
  } finally {
    button.disabled = false;
    $("report-form").removeAttribute("aria-busy");
  }
}

async function submitReport() {
  const values = formValues();
  const problems = [];
  const segment = segmentOf(state.initiative);
  const confirmation = document.getElementById(fieldId("dependenciesConfirmed"));
  if (RISK.includes(segment) && confirmation && !confirmation.checked) {
    problems.push({
      field: "dependenciesConfirmed",
      message: "Bekreft at avhengighetene er riktige, eller be porteføljekontoret rette dem.",
    });
  }
  const { input, problem } = reportInput(values);
  if (problem) problems.push(problem);
  if (input && RISK.includes(segment) && confirmation) input.dependenciesConfirmed = confirmation.checked;
  if (problems.length) {
    showProblems(problems);
    return;
  }
  // Deliveries first: a refused forecast stops before the report is sent.
  const saved = [];
  for (const delivery of changedDeliveries()) {
    const data = await gql(UPSERT_DELIVERY, { input: delivery });
    const result = data.upsertDelivery;
    if (result.__typename !== "DeliveryPayload") {
      showProblems(refusalProblems(result, `delivery-${delivery.code}`));
      return;
    }
    saved.push(result.delivery);
  }
  const data = await gql(SUBMIT_REPORT, { input });
  const result = data.submitStatusReport;
  if (result.__typename !== "StatusReportPayload") {
    showProblems(refusalProblems(result));
    if (saved.length) {
      $("error-summary").append(
        h("p", {}, `Leveransene ${saved.map((d) => d.code).join(", ")} er lagret.`),
      );
    }
    return;
  }
  showReceipt(result, saved);
}

function showReceipt(result, deliveries) {
  const report = result.report;
  const body = $("receipt-body");
  fill(
    body,
    h(
      "p",
      { class: "receipt-lead", "data-testid": "receipt-message" },
      `Rapporten for ${result.initiative.code} – ${result.initiative.name} er mottatt ` +
        `for ${report.period.name}.`,
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Versjon"),
      h("dd", { "data-testid": "receipt-revision" }, String(report.revision)),
      h("dt", {}, "Sendt"),
      h("dd", {}, formatDateTime(report.submittedAt)),
      h("dt", {}, "Sendt av"),
      h("dd", {}, report.submittedBy),
      h("dt", {}, "Status"),
      h("dd", {}, label("TrafficLight", report.status)),
      report.riskLevel ? h("dt", {}, "Risiko") : null,
      report.riskLevel ? h("dd", {}, label("TrafficLight", report.riskLevel)) : null,
      h("dt", {}, "Leveranser oppdatert"),
      h("dd", {}, deliveries.length ? deliveries.map((d) => d.code).join(", ") : "ingen"),
    ),
    h(
      "p",
      { class: "muted" },
      `Dere kan sende en ny versjon fram til runden lukkes (frist ${formatDate(report.period.deadline)}); ` +
        "tidligere versjoner tas vare på.",
    ),
  );
  $("report-form").hidden = true;
  $("pick-initiative").value = "";
  state.initiative = null;
  const receipt = $("receipt");
  receipt.hidden = false;
  receipt.focus();
  loadInitiatives().catch(showError);
}

// ---------------------------------------------------------------- start

function wire() {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("signin-token").value.trim();
    if (!token) {
      tokenError("Skriv inn API-nøkkelen.");
      return;
    }
    showError(null);
    signIn(token).catch(showError);
  });
  $("signout").addEventListener("click", signOut);
  $("pick-initiative").addEventListener("change", (event) => {
    showError(null);
    pick(event.target.value).catch(showError);
  });
  $("report-form").addEventListener("submit", submit);
  $("report-form").addEventListener("input", updateRequired);
  $("report-form").addEventListener("change", updateRequired);
}

async function start() {
  wire();
  const token = readToken();
  if (token) await signIn(token);
  else await signInWithSession();
  document.body.dataset.state = "ready";
}

start().catch((error) => {
  showError(error);
  document.body.dataset.state = "ready";
});
