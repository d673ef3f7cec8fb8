// Live ballot meter: progressive enhancement only. The form works without this file; the server
// validates every ballot with the same rules (pb/voting/formats.py). Messages come translated from
// the page (data-msg-* attributes), so no user-facing text lives here.
const form = document.getElementById("ballot-form");

if (form) {
  const meter = document.getElementById("ballot-meter");
  const text = document.getElementById("meter-text");
  const fill = document.getElementById("meter-fill");
  const kind = form.dataset.inputKind;
  const format = form.dataset.format;
  const budget = Number(form.dataset.budget);
  const params = JSON.parse(form.dataset.params || "{}");
  const currency = form.dataset.currency;
  const lang = document.documentElement.lang || "en";
  const money = new Intl.NumberFormat(lang, { style: "currency", currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits;
  const cards = [...form.querySelectorAll(".project-card")];

  const fmtMoney = (minor) => money.format(minor / 10 ** minorDigits);
  const fill_in = (template, values) =>
    template.replace(/%\((\w+)\)[sd]/g, (_, key) => String(values[key] ?? ""));

  const inputOf = (card) => card.querySelector("input, select");
  const valueOf = (card) => {
    const input = inputOf(card);
    if (input.type === "checkbox") return input.checked ? 1 : 0;
    const number = parseInt(input.value, 10);
    return Number.isFinite(number) && number > 0 ? number : 0;
  };

  function update() {
    const chosen = cards.filter((card) => valueOf(card) > 0);
    const spent = chosen.reduce((sum, card) => sum + Number(card.dataset.cost), 0);
    let message;
    let ratio;
    let over = false;
    if (format === "knapsack") {
      message = fill_in(form.dataset.msgBudget, { spent: fmtMoney(spent), budget: fmtMoney(budget), left: fmtMoney(budget - spent) });
      ratio = spent / budget;
      over = spent > budget;
      for (const card of cards) {
        const chosenCard = valueOf(card) > 0;
        const fits = chosenCard || spent + Number(card.dataset.cost) <= budget;
        card.classList.toggle("does-not-fit", !fits);
        const note = card.querySelector(".fit-note");
        note.hidden = fits;
        note.textContent = fits ? "" : form.dataset.msgNoFit;
      }
    } else if (kind === "points") {
      const used = chosen.reduce((sum, card) => sum + valueOf(card), 0);
      message = fill_in(form.dataset.msgPoints, { used, total: params.total_points, left: params.total_points - used });
      ratio = used / params.total_points;
      over = used > params.total_points || chosen.some((card) => valueOf(card) > params.max_per_project);
    } else {
      const limit = kind === "rank" ? params.max_rank : params.max_projects;
      message = fill_in(form.dataset.msgCount, { count: chosen.length, limit: limit || cards.length });
      ratio = limit ? chosen.length / limit : chosen.length / cards.length;
      over = Boolean(limit) && chosen.length > limit;
    }
    if (over) message += " " + form.dataset.msgOver;
    for (const card of cards) card.classList.toggle("is-chosen", valueOf(card) > 0);
    meter.classList.toggle("over", over);
    fill.style.width = `${Math.min(ratio, 1) * 100}%`;
    if (text.textContent !== message) text.textContent = message;
  }

  meter.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}
