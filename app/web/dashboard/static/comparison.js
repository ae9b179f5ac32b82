// The dashboard's comparison panel: pick two rounds or baselines (or now) and list what
// changed between them (portfolioChanges): status and risk, delivery forecasts that moved
// later, initiatives newly flagged RED through their dependencies, and the critical path.
// The initiatives with slipped deliveries and the newly flagged ones are marked in the graph.
// Plain ES module, no build step and no external libraries, so it works offline.

import { formatDate, h, plural } from "./common.js";

const MAX_PAGE = 1000;
const NOW = "";

const CHOICES_QUERY = `query ComparisonChoices {
  reportingPeriods { code name }
  baselines(first: 200) { code name }
}`;

const CHANGES_QUERY = `query ComparisonChanges($from: String!, $to: String, $first: Int!) {
  portfolioChanges(from: $from, to: $to) {
    statusChanges(first: $first) { initiative { code name } before after }
    riskChanges(first: $first) { initiative { code name } before after }
    deliverySlips(first: $first) {
      delivery { code initiative { code } } forecastBefore forecastAfter days
    }
    propagationChanges(first: $first) {
      initiative { code name } before after sources(first: 10) { code }
    }
    criticalPathChange {
      changed finishBefore finishAfter finishMovedDays
      chainBefore { code } chainAfter { code }
    }
  }
}`;

export class ComparisonPanel {
  // `root` is the panel's body; `gql(query, variables)` asks the API; `label(enum, value)`
  // gives Norwegian labels; `show({ moved, flagged })` marks the graph (empty clears it).
  constructor(root, { gql, label, show }) {
    this.root = root;
    this.gql = gql;
    this.label = label;
    this.show = show;
    this.ticket = 0;
  }

  async start() {
    try {
      const data = await this.gql(CHOICES_QUERY);
      this.render(data.reportingPeriods, data.baselines);
    } catch (error) {
      this.root.replaceChildren(
        h("p", { class: "late", role: "alert", "data-testid": "comparison-error" }, `Noe gikk galt: ${error.message || error}`),
      );
      this.root.dataset.state = "error";
    }
  }

  options(periods, baselines, { withNow }) {
    const groups = [];
    if (withNow) groups.push(h("option", { value: NOW }, "Nå"));
    groups.push(
      h("optgroup", { label: "Rapporteringsrunder" }, periods.map((item) => h("option", { value: item.code }, `${item.code} – ${item.name}`))),
    );
    if (baselines.length) {
      groups.push(
        h("optgroup", { label: "Referansepunkter" }, baselines.map((item) => h("option", { value: item.code }, `${item.code} – ${item.name}`))),
      );
    }
    return groups;
  }

  render(periods, baselines) {
    // reportingPeriods is newest first: compare the round before the newest with now.
    const from = h("select", { id: "comparison-from", "data-testid": "comparison-from" }, this.options(periods, baselines, { withNow: false }));
    const to = h("select", { id: "comparison-to", "data-testid": "comparison-to" }, this.options(periods, baselines, { withNow: true }));
    if (periods.length > 1) from.value = periods[1].code;
    this.result = h("div", { class: "comparison-result", "data-testid": "comparison-result", "aria-live": "polite" });
    const form = h(
      "form",
      {
        class: "scenario-row",
        "data-testid": "comparison-form",
        onsubmit: (event) => {
          event.preventDefault();
          this.compare(from.value, to.value);
        },
      },
      h("label", { for: "comparison-from" }, "Fra"),
      from,
      h("label", { for: "comparison-to" }, "Til"),
      to,
      h("button", { type: "submit", "data-testid": "comparison-run" }, "Sammenlign"),
      h("button", { type: "button", class: "secondary", "data-testid": "comparison-clear", onclick: () => this.clear() }, "Fjern markeringene i grafen"),
    );
    if (!periods.length) {
      this.root.replaceChildren(h("p", { class: "muted" }, "Ingen rapporteringsrunder å sammenligne."));
    } else {
      this.root.replaceChildren(form, this.result);
    }
    this.root.dataset.state = "ready";
  }

  async compare(from, to) {
    const ticket = ++this.ticket;
    this.result.dataset.state = "loading";
    this.result.replaceChildren(h("p", { class: "muted" }, "Sammenligner …"));
    try {
      const data = await this.gql(CHANGES_QUERY, { from, to: to || null, first: MAX_PAGE });
      if (ticket !== this.ticket) return;
      const changes = data.portfolioChanges;
      const slipped = changes.deliverySlips.filter((slip) => slip.days > 0);
      const newlyRed = changes.propagationChanges.filter((item) => item.after === "RED" && item.before !== "RED");
      // An initiative's badge shows its longest slip.
      const moved = new Map();
      for (const slip of slipped) {
        const code = slip.delivery.initiative.code;
        moved.set(code, Math.max(moved.get(code) ?? 0, slip.days));
      }
      this.show({ moved, flagged: new Set(newlyRed.map((item) => item.initiative.code)) });
      this.result.replaceChildren(...this.renderChanges(from, to, changes, slipped, newlyRed));
      this.result.dataset.state = "ready";
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.result.replaceChildren(h("p", { class: "late", role: "alert", "data-testid": "comparison-error" }, `Noe gikk galt: ${error.message || error}`));
      this.result.dataset.state = "ready";
    }
  }

  level(value) {
    return value ? this.label("TrafficLight", value) : "ingen";
  }

  list(items, testid, code, text) {
    return items.length
      ? h(
          "ul",
          { class: "plain", "data-testid": testid },
          items.map((item) => h("li", { "data-testid": `${testid}-item`, "data-code": code(item) }, text(item))),
        )
      : h("p", { class: "muted", "data-testid": `${testid}-empty` }, "Ingen.");
  }

  renderChanges(from, to, changes, slipped, newlyRed) {
    const path = changes.criticalPathChange;
    const codes = (chain) => chain.map((item) => item.code).join(" → ") || "–";
    const finish = !path.changed
      ? "Kritisk linje og porteføljens sluttdato er uendret."
      : (path.finishMovedDays
          ? `Porteføljens sluttdato flyttet ${plural(path.finishMovedDays, "dag", "dager")}: ${formatDate(path.finishBefore)} → ${formatDate(path.finishAfter)}. `
          : "Sluttdatoen er den samme. ") + `Kritisk linje: ${codes(path.chainAfter)} (før: ${codes(path.chainBefore)}).`;
    const byCode = (item) => item.initiative.code;
    return [
      h("h3", {}, `${from} → ${to || "nå"}`),
      h("p", { class: "impact-summary", "data-testid": "comparison-critical" }, finish),
      h("h4", {}, `Endret status · ${changes.statusChanges.length}`),
      this.list(changes.statusChanges, "comparison-status", byCode, (item) =>
        `${item.initiative.code} ${item.initiative.name}: ${this.level(item.before)} → ${this.level(item.after)}`,
      ),
      h("h4", {}, `Endret risiko · ${changes.riskChanges.length}`),
      this.list(changes.riskChanges, "comparison-risk", byCode, (item) =>
        `${item.initiative.code} ${item.initiative.name}: ${this.level(item.before)} → ${this.level(item.after)}`,
      ),
      h("h4", {}, `Leveranser med senere prognose · ${slipped.length}`),
      this.list(slipped, "comparison-slips", (item) => item.delivery.code, (item) =>
        `${item.delivery.code} (${item.delivery.initiative.code}): ${formatDate(item.forecastBefore)} → ${formatDate(item.forecastAfter)}, +${plural(item.days, "dag", "dager")}`,
      ),
      h("h4", {}, `Nye med rød status gjennom avhengighetene · ${newlyRed.length}`),
      this.list(newlyRed, "comparison-newly-red", byCode, (item) =>
        `${item.initiative.code} ${item.initiative.name}: fra ${item.sources.map((source) => source.code).join(", ")}`,
      ),
    ];
  }

  clear() {
    this.show({ moved: new Map(), flagged: new Set() });
    this.result.replaceChildren();
  }
}
