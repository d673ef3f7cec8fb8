// The ballot page, enhanced: a live meter, instant filters, and keyboard ordering for ranked
// ballots. Progressive enhancement only: the form works without this file, and the server
// validates every ballot (pb/voting/formats.py). The meter mirrors those rules exactly and shows
// the server's own translated messages (pb/voting/meter.py puts them in #ballot-messages), so no
// user-facing text lives here.
const form = document.getElementById("ballot-form");
if (form) enhance(form);

function enhance(form) {
  const messages = JSON.parse(document.getElementById("ballot-messages").textContent);
  const filterMessages = JSON.parse(document.getElementById("filter-messages").textContent);
  const params = JSON.parse(form.dataset.params || "{}");
  const format = form.dataset.format;
  const kind = form.dataset.inputKind;
  const budget = Number(form.dataset.budget);
  const lang = document.documentElement.lang || "en";
  const money = new Intl.NumberFormat(lang, { style: "currency", currency: form.dataset.currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits;
  const cards = [...form.querySelectorAll(".project-card")];
  const inputOf = (card) => card.querySelector("[name^='project-']");
  const meter = document.getElementById("ballot-meter");
  const statusText = document.getElementById("meter-status");
  const problemText = document.getElementById("meter-problem");
  const bar = document.getElementById("meter-bar");
  let touched = problemText.textContent.trim() !== "";

  const fmtMoney = (minor) => money.format(minor / 10 ** minorDigits);
  const fillIn = (template, values) =>
    template.replace(/%\((\w+)\)[sd]/g, (_, key) => String(values[key] ?? ""));
  const setText = (element, text) => {
    if (element.textContent !== text) element.textContent = text;
  };

  // The server's parse(): empty or "0" is "not chosen"; anything but ASCII digits is refused.
  function readBallot() {
    const choices = new Map();
    let malformed = false;
    for (const card of cards) {
      const input = inputOf(card);
      const raw = input.type === "checkbox" ? (input.checked ? input.value : "") : input.value.trim();
      if (!raw || raw === "0") continue;
      if (!/^[0-9]+$/.test(raw) || raw.length > 6) {
        malformed = true;
        continue;
      }
      choices.set(card, kind === "checkbox" ? 1 : parseInt(raw, 10));
    }
    return { choices, malformed };
  }

  const countErrors = (count, low, high) => {
    if (low && count < low) return [messages.too_few];
    if (high && count > high) return [messages.too_many];
    return [];
  };
  const costOf = (choices) => [...choices.keys()].reduce((sum, card) => sum + Number(card.dataset.cost), 0);

  // The server's validate(), format by format.
  function problems({ choices, malformed }) {
    if (malformed) return [messages.whole_numbers];
    const values = [...choices.values()];
    if (values.some((value) => value < 1)) return [messages.positive];
    const count = choices.size;
    if (format === "approval") return countErrors(count, params.min_projects, params.max_projects);
    if (format === "knapsack") {
      if (!count) return [messages.empty];
      const total = costOf(choices);
      if (total > budget) return [messages.over_budget];
      const share = params.min_share_percent || 0;
      if (total * 100 < share * budget) return [messages.min_share];
      return [];
    }
    if (format === "ranked") {
      const errors = countErrors(count, params.min_rank, params.max_rank);
      if (errors.length) return errors;
      const sorted = [...values].sort((a, b) => a - b);
      return sorted.every((value, index) => value === index + 1) ? [] : [messages.rank_gaps];
    }
    if (format === "cumulative") {
      if (!count) return [messages.empty];
      // Every broken limit at once, like the server (pb/voting/formats.py).
      const errors = [];
      if (Math.max(...values) > params.max_per_project) errors.push(messages.most_on_one);
      if (values.reduce((a, b) => a + b, 0) > params.total_points) errors.push(messages.most_points);
      return errors;
    }
    return [];
  }

  // What the meter says, and which projects cannot be added now (pb/voting/meter.py: state()).
  function update() {
    const ballot = readBallot();
    const { choices } = ballot;
    const found = problems(ballot);
    const unchosen = cards.filter((card) => !choices.has(card));
    let status;
    let ratio;
    let over;
    let unfit = new Set();
    let unfitText = "";
    if (format === "knapsack") {
      const spent = costOf(choices);
      status = fillIn(spent > budget ? messages.status_over : messages.status_budget, {
        spent: fmtMoney(spent), budget: fmtMoney(budget),
        left: fmtMoney(budget - spent), over: fmtMoney(spent - budget),
      });
      ratio = spent / budget;
      over = spent > budget;
      unfit = new Set(unchosen.filter((card) => spent + Number(card.dataset.cost) > budget));
      unfitText = messages.no_fit_budget;
    } else if (kind === "points") {
      const total = params.total_points;
      const used = [...choices.values()].reduce((a, b) => a + b, 0);
      status = fillIn(used > total ? messages.status_points_over : messages.status_points, {
        used, total, left: total - used, over: used - total,
      });
      ratio = used / total;
      over = used > total || [...choices.values()].some((value) => value > params.max_per_project);
      if (used >= total) unfit = new Set(unchosen);
      unfitText = messages.no_fit_points;
    } else {
      const limit = kind === "rank" ? params.max_rank : params.max_projects;
      const count = choices.size;
      status = limit
        ? fillIn(messages.status_count_limit, { count, limit })
        : fillIn(messages.status_count, { count });
      ratio = count / (limit || cards.length || 1);
      over = Boolean(limit) && count > limit;
      if (limit && count >= limit) unfit = new Set(unchosen);
      unfitText = kind === "rank" ? messages.no_fit_rank : messages.no_fit_count;
    }
    for (const card of cards) {
      const note = card.querySelector(".fit-note");
      const blocked = unfit.has(card);
      card.classList.toggle("is-chosen", choices.has(card));
      card.classList.toggle("does-not-fit", blocked);
      note.hidden = !blocked;
      setText(note, blocked ? unfitText : "");
    }
    meter.classList.toggle("over", over);
    bar.value = Math.round(Math.min(ratio, 1) * 100);
    setText(statusText, status);
    if (touched) setText(problemText, found.length ? found.join(" ") : messages.ready);
    if (kind === "rank") renderRanking(choices);
  }

  // Filters: instant, and they only hide cards (a hidden card's choice is still submitted).
  const category = document.getElementById("filter-category");
  const ward = document.getElementById("filter-ward");
  const filterCount = document.getElementById("filter-count");
  document.getElementById("filter-apply").hidden = true;
  function applyFilters() {
    let shown = 0;
    for (const card of cards) {
      const visible = (!category.value || card.dataset.category === category.value)
        && (!ward.value || card.dataset.ward === ward.value);
      card.hidden = !visible;
      if (visible) shown += 1;
    }
    setText(filterCount, filterMessages[shown]);
  }
  category.addEventListener("change", applyFilters);
  ward.addEventListener("change", applyFilters);

  // Ranked ballots: choosing a rank already taken moves the others down; the list below the meter
  // reorders with buttons (keyboard and touch alike), never by dragging only.
  const panel = document.getElementById("ranking-panel");
  const list = document.getElementById("ranking-list");
  const itemTemplate = document.getElementById("ranking-item");
  const announcer = document.getElementById("ranking-announce");
  const rankOf = (card) => parseInt(inputOf(card).value, 10) || 0;
  const setRank = (card, rank) => {
    inputOf(card).value = rank && rank <= params.max_rank ? String(rank) : "";
  };
  const ranked = () => cards.filter((card) => rankOf(card) > 0).sort((a, b) => rankOf(a) - rankOf(b));

  function renderRanking() {
    list.replaceChildren(
      ...ranked().map((card) => {
        const item = itemTemplate.content.firstElementChild.cloneNode(true);
        item.dataset.project = card.dataset.project;
        item.querySelector(".ranking-title").textContent = card.dataset.title;
        for (const name of item.querySelectorAll(".ranking-name")) name.textContent = `: ${card.dataset.title}`;
        return item;
      }),
    );
  }

  function renumber(order) {
    order.forEach((card, index) => setRank(card, index + 1));
  }

  if (kind === "rank") {
    panel.hidden = false;
    const previous = new Map(cards.map((card) => [card, rankOf(card)]));
    form.addEventListener("change", (event) => {
      const card = event.target.closest(".project-card");
      if (!card) return;
      const chosen = rankOf(card);
      const before = previous.get(card) || 0;
      const clash = chosen && cards.find((other) => other !== card && rankOf(other) === chosen);
      if (clash && before) setRank(clash, before);
      else if (clash) {
        const later = cards.filter((other) => other !== card && rankOf(other) >= chosen);
        for (const other of later.sort((a, b) => rankOf(b) - rankOf(a))) setRank(other, rankOf(other) + 1);
      }
      for (const each of cards) previous.set(each, rankOf(each));
    }, true);
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-move]");
      if (!button) return;
      const order = ranked();
      const card = cards.find((each) => each.dataset.project === button.closest("li").dataset.project);
      const index = order.indexOf(card);
      const move = button.dataset.move;
      if (move === "up" && index > 0) order.splice(index - 1, 0, ...order.splice(index, 1));
      if (move === "down" && index < order.length - 1) order.splice(index + 1, 0, ...order.splice(index, 1));
      if (move === "remove") {
        order.splice(index, 1);
        setRank(card, 0);
      }
      renumber(order);
      for (const each of cards) previous.set(each, rankOf(each));
      touched = true;
      update();
      const rank = rankOf(card);
      announcer.textContent = rank
        ? fillIn(messages.moved, { title: card.dataset.title, rank })
        : fillIn(messages.unranked, { title: card.dataset.title });
      const again = list.querySelector(`li[data-project="${card.dataset.project}"] button[data-move="${move}"]`);
      (again || inputOf(card)).focus();
    });
  }

  const onEdit = () => {
    touched = true;
    update();
  };
  form.addEventListener("change", onEdit);
  form.addEventListener("input", onEdit);
  update();
}
