// The dashboard's scenario panel: build a what-if of several changes, save it, evaluate it
// on a copy of the portfolio (Scenario.evaluation) and mark in the graph the initiatives it
// moves and newly flags. Saving needs an API token (ADMIN or REPORTER); it is kept in
// sessionStorage under the key the reporting form uses, so signing in on either page
// serves both, and never in a URL.
// Plain ES module, no build step and no external libraries, so it works offline.

import { formatDate, h, plural } from "./common.js";

const ENDPOINT = "/graphql";
const TOKEN_KEY = "portfolio.apiToken";
const MAX_PAGE = 1000;

const VIEWER_QUERY = `query ScenarioViewer {
  viewer { role canWrite organisation { code } }
  scenarios { code name changeCount }
}`;

const RESULT = `__typename
  ... on Error { message }
  ... on ValidationError { problems { field message } }
  ... on DependencyCycleError { cycle }
  ... on ScenarioPayload { scenario { code version } }`;

const CREATE = `mutation ScenarioCreate($input: CreateScenarioInput!) {
  createScenario(input: $input) { ${RESULT} }
}`;

const UPDATE = `mutation ScenarioUpdate($code: String!, $input: UpdateScenarioInput!) {
  updateScenario(code: $code, input: $input) { ${RESULT} }
}`;

const EVALUATE = `query ScenarioEvaluate($code: String!, $includeRiskLevel: Boolean!, $first: Int!) {
  scenario(code: $code) {
    code name
    changes {
      __typename
      ... on ScenarioSlip { code days }
      ... on ScenarioSetStatus { code status }
      ... on ScenarioSetRisk { code riskLevel }
      ... on ScenarioSetDates { code plannedStart plannedEnd }
      ... on ScenarioAddDependency { supplierCode dependantCode }
      ... on ScenarioRemoveDependency { supplierCode dependantCode }
    }
    evaluation(includeRiskLevel: $includeRiskLevel) {
      __typename
      ... on Error { message }
      ... on DependencyCycleError { cycle }
      ... on ScenarioEvaluation {
        finishBefore finishAfter finishMovedDays
        newlyFlaggedCount newlyFlagged(first: $first) { code level sourceCodes }
        noLongerFlaggedCount noLongerFlagged(first: $first) { code }
        movedCount moved(first: $first) { code days newFinish }
        lateDependencyCount
      }
    }
  }
}`;

const KINDS = {
  slip: "Forsink (dager)",
  setStatus: "Sett status",
  setRisk: "Sett risiko",
};

const LIGHTS = ["GREEN", "YELLOW", "RED"];

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

export class ScenarioPanel {
  // `root` is the panel's body; `label(enum, value)` gives Norwegian labels;
  // `show({ moved, flagged })` marks the graph (empty maps and sets clear it);
  // `includeRiskLevel()` follows the dashboard's filter.
  constructor(root, { label, show, includeRiskLevel }) {
    this.root = root;
    this.label = label;
    this.show = show;
    this.includeRiskLevel = includeRiskLevel;
    this.token = readToken();
    this.changes = [];
    this.saved = [];
    this.ticket = 0;
  }

  async start() {
    if (!this.token) {
      this.renderSignIn();
      return;
    }
    try {
      const data = await this.gql(VIEWER_QUERY);
      if (!data.viewer.role) throw new Error("Nøkkelen gir ingen rolle.");
      this.viewer = data.viewer;
      this.saved = data.scenarios;
      this.renderBuilder();
    } catch (error) {
      this.token = null;
      storeToken(null);
      this.renderSignIn(error.message);
    }
  }

  async gql(query, variables = {}) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
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

  // ------------------------------------------------------------ signing in

  renderSignIn(problem = "") {
    const input = h("input", {
      id: "scenario-token",
      type: "password",
      autocomplete: "off",
      "data-testid": "scenario-token",
      "aria-describedby": "scenario-token-help",
    });
    const form = h(
      "form",
      {
        class: "scenario-signin",
        "data-testid": "scenario-signin",
        onsubmit: (event) => {
          event.preventDefault();
          const token = input.value.trim();
          if (!token) return;
          this.token = token;
          storeToken(token);
          this.start();
        },
      },
      h("label", { for: "scenario-token" }, "API-nøkkel"),
      input,
      h("button", { type: "submit", "data-testid": "scenario-signin-submit" }, "Logg inn"),
    );
    this.root.replaceChildren(
      h(
        "p",
        { class: "muted", id: "scenario-token-help" },
        "Scenarioer endrer ingenting i porteføljen, men for å lagre og beregne dem trengs en " +
          "API-nøkkel (porteføljekontoret eller en rapportør).",
      ),
      problem ? h("p", { class: "late", role: "alert" }, problem) : null,
      form,
    );
    this.root.dataset.state = "signed-out";
  }

  // ------------------------------------------------------------ building

  renderBuilder() {
    const canSave = this.viewer.canWrite;
    this.list = h("ol", { class: "scenario-changes", "data-testid": "scenario-changes" });
    this.result = h("div", { class: "scenario-result", "data-testid": "scenario-result", "aria-live": "polite" });
    const saved = h(
      "select",
      { id: "scenario-saved", "data-testid": "scenario-saved" },
      h("option", { value: "" }, this.saved.length ? "Velg …" : "Ingen lagrede scenarioer"),
      this.saved.map((item) =>
        h("option", { value: item.code }, `${item.code} – ${item.name} (${plural(item.changeCount, "endring", "endringer")})`),
      ),
    );
    const pick = h(
      "form",
      {
        class: "scenario-row",
        onsubmit: (event) => {
          event.preventDefault();
          if (saved.value) this.evaluate(saved.value);
        },
      },
      h("label", { for: "scenario-saved" }, "Lagrede scenarioer"),
      saved,
      h("button", { type: "submit", class: "secondary", "data-testid": "scenario-open" }, "Beregn"),
    );
    const parts = [pick];
    if (canSave) parts.push(this.changeForm(), this.list, this.saveForm());
    else parts.push(h("p", { class: "muted" }, "En lesenøkkel kan beregne lagrede scenarioer, ikke lagre nye."));
    parts.push(
      h("button", { type: "button", class: "secondary", "data-testid": "scenario-clear", onclick: () => this.clear() }, "Fjern markeringene i grafen"),
      this.result,
    );
    this.root.replaceChildren(...parts);
    this.renderChanges();
    this.root.dataset.state = "ready";
  }

  changeForm() {
    const kind = h(
      "select",
      { id: "scenario-kind", "data-testid": "scenario-kind" },
      Object.entries(KINDS).map(([value, text]) => h("option", { value }, text)),
    );
    const code = h("input", {
      id: "scenario-code",
      list: "graph-find-codes",
      autocomplete: "off",
      required: true,
      "data-testid": "scenario-change-code",
    });
    const days = h("input", { id: "scenario-days", type: "number", step: 1, value: 90, "data-testid": "scenario-days" });
    const light = h(
      "select",
      { id: "scenario-light", "data-testid": "scenario-light" },
      LIGHTS.map((value) => h("option", { value }, this.label("TrafficLight", value))),
    );
    const dayLabel = h("label", { for: "scenario-days" }, "Dager");
    const lightLabel = h("label", { for: "scenario-light", hidden: true }, "Nivå");
    light.hidden = true;
    kind.addEventListener("change", () => {
      const isSlip = kind.value === "slip";
      days.hidden = dayLabel.hidden = !isSlip;
      light.hidden = lightLabel.hidden = isSlip;
    });
    return h(
      "form",
      {
        class: "scenario-row",
        "data-testid": "scenario-change-form",
        onsubmit: (event) => {
          event.preventDefault();
          const target = code.value.trim().toUpperCase();
          if (!target) return;
          if (kind.value === "slip") {
            const value = Number.parseInt(days.value, 10);
            if (!Number.isInteger(value)) return;
            this.changes.push({ slip: { code: target, days: value } });
          } else if (kind.value === "setStatus") {
            this.changes.push({ setStatus: { code: target, status: light.value } });
          } else {
            this.changes.push({ setRisk: { code: target, riskLevel: light.value } });
          }
          code.value = "";
          this.renderChanges();
        },
      },
      h("label", { for: "scenario-kind" }, "Endring"),
      kind,
      h("label", { for: "scenario-code" }, "Tiltak"),
      code,
      dayLabel,
      days,
      lightLabel,
      light,
      h("button", { type: "submit", class: "secondary", "data-testid": "scenario-add" }, "Legg til"),
    );
  }

  describe(change) {
    if (change.slip) return `${change.slip.code} forsinkes ${plural(change.slip.days, "dag", "dager")}`;
    if (change.setStatus) return `${change.setStatus.code} får status ${this.label("TrafficLight", change.setStatus.status)}`;
    return `${change.setRisk.code} får risiko ${this.label("TrafficLight", change.setRisk.riskLevel)}`;
  }

  renderChanges() {
    if (!this.list) return;
    this.list.replaceChildren(
      ...(this.changes.length
        ? this.changes.map((change, index) =>
            h(
              "li",
              { "data-testid": "scenario-change" },
              this.describe(change),
              " ",
              h(
                "button",
                {
                  type: "button",
                  class: "icon",
                  "aria-label": `Fjern endringen «${this.describe(change)}»`,
                  onclick: () => {
                    this.changes.splice(index, 1);
                    this.renderChanges();
                  },
                },
                "×",
              ),
            ),
          )
        : [h("li", { class: "muted" }, "Ingen endringer ennå.")]),
    );
  }

  saveForm() {
    const code = h("input", { id: "scenario-save-code", required: true, autocomplete: "off", "data-testid": "scenario-save-code" });
    const name = h("input", { id: "scenario-save-name", required: true, autocomplete: "off", "data-testid": "scenario-save-name" });
    return h(
      "form",
      {
        class: "scenario-row",
        "data-testid": "scenario-save-form",
        onsubmit: (event) => {
          event.preventDefault();
          this.save(code.value.trim(), name.value.trim());
        },
      },
      h("label", { for: "scenario-save-code" }, "Kode"),
      code,
      h("label", { for: "scenario-save-name" }, "Navn"),
      name,
      h("button", { type: "submit", "data-testid": "scenario-save" }, "Lagre og beregn"),
    );
  }

  async save(code, name) {
    if (!code || !name) return;
    this.result.replaceChildren(h("p", { class: "muted" }, "Lagrer …"));
    try {
      const exists = this.saved.some((item) => item.code === code);
      const data = exists
        ? await this.gql(UPDATE, { code, input: { name, changes: this.changes } })
        : await this.gql(CREATE, { input: { code, name, changes: this.changes } });
      const answer = exists ? data.updateScenario : data.createScenario;
      if (answer.__typename !== "ScenarioPayload") {
        this.refusal(answer);
        return;
      }
      if (!exists) this.saved.push({ code, name, changeCount: this.changes.length });
      await this.evaluate(code);
    } catch (error) {
      this.failed(error);
    }
  }

  // ------------------------------------------------------------ evaluating

  async evaluate(code) {
    const ticket = ++this.ticket;
    this.result.dataset.state = "loading";
    this.result.replaceChildren(h("p", { class: "muted" }, "Beregner …"));
    try {
      const data = await this.gql(EVALUATE, { code, includeRiskLevel: this.includeRiskLevel(), first: MAX_PAGE });
      if (ticket !== this.ticket) return;
      const scenario = data.scenario;
      if (!scenario) {
        this.refusal({ message: `Fant ikke scenarioet ${code}.` });
        return;
      }
      const evaluation = scenario.evaluation;
      if (evaluation.__typename !== "ScenarioEvaluation") {
        this.refusal(evaluation);
        return;
      }
      this.show({
        moved: new Map(evaluation.moved.map((item) => [item.code, item.days])),
        flagged: new Set(evaluation.newlyFlagged.map((item) => item.code)),
      });
      this.result.replaceChildren(...this.renderEvaluation(scenario, evaluation));
      this.result.dataset.state = "ready";
    } catch (error) {
      if (ticket === this.ticket) this.failed(error);
    }
  }

  renderEvaluation(scenario, evaluation) {
    const finish = evaluation.finishMovedDays
      ? `Porteføljens sluttdato flyttes ${plural(evaluation.finishMovedDays, "dag", "dager")}: ` +
        `${formatDate(evaluation.finishBefore)} → ${formatDate(evaluation.finishAfter)}.`
      : "Porteføljens sluttdato flyttes ikke.";
    const codes = (items, testid, text) =>
      items.length
        ? h(
            "ul",
            { class: "plain", "data-testid": testid },
            items.map((item) => h("li", { "data-testid": `${testid}-item`, "data-code": item.code }, text(item))),
          )
        : h("p", { class: "muted", "data-testid": `${testid}-empty` }, "Ingen.");
    return [
      h("h3", {}, `${scenario.code} – ${scenario.name}`),
      h("p", { class: "impact-summary", "data-testid": "scenario-summary" }, finish),
      h("h4", {}, `Nye med arvet risiko · ${evaluation.newlyFlaggedCount}`),
      codes(evaluation.newlyFlagged, "scenario-flagged", (item) =>
        `${item.code}: ${this.label("TrafficLight", item.level)} fra ${item.sourceCodes.join(", ")}`,
      ),
      h("h4", {}, `Ikke lenger arvet risiko · ${evaluation.noLongerFlaggedCount}`),
      codes(evaluation.noLongerFlagged, "scenario-unflagged", (item) => item.code),
      h("h4", {}, `Tiltak som flyttes · ${evaluation.movedCount}`),
      codes(evaluation.moved, "scenario-moved", (item) =>
        `${item.code}: ${item.days > 0 ? "+" : ""}${item.days} dager, ny slutt ${formatDate(item.newFinish)}`,
      ),
      h("p", { class: "muted" }, `Forsinkede avhengigheter i scenarioet: ${evaluation.lateDependencyCount}.`),
    ];
  }

  refusal(answer) {
    const parts = [h("p", { class: "late", "data-testid": "scenario-error" }, answer.message)];
    if (answer.problems) {
      parts.push(h("ul", { class: "plain" }, answer.problems.map((item) => h("li", {}, `${item.field}: ${item.message}`))));
    }
    if (answer.cycle) parts.push(h("p", {}, `Sirkel: ${answer.cycle.join(" → ")}`));
    this.result.replaceChildren(...parts);
    this.result.dataset.state = "ready";
  }

  failed(error) {
    this.result.replaceChildren(h("p", { class: "late", role: "alert", "data-testid": "scenario-error" }, `Noe gikk galt: ${error.message || error}`));
    this.result.dataset.state = "ready";
  }

  clear() {
    this.show({ moved: new Map(), flagged: new Set() });
    this.result.replaceChildren();
  }
}
