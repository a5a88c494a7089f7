"use strict";
// critica's web page: paste a review, see it understood; browse the store's films. No external assets.

const ASPECTOS = {
  fotografia: "Fotografía", actuacion: "Actuación", direccion: "Dirección", guion: "Guion",
  musica: "Música", ritmo: "Ritmo", efectos: "Efectos", produccion: "Producción",
};
const POLARIDAD = { positive: "positivo", negative: "negativo", mixed: "mixto" };
const ROLES = {
  director: "dirección", writer: "guion", cinematographer: "fotografía", composer: "música",
  editor: "montaje", producer: "producción", actor: "interpretación",
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function tint(polarity) {
  // Green for positive, red for negative; the stronger the polarity, the stronger the tint.
  const alpha = Math.min(Math.abs(polarity), 1) * 0.45;
  return polarity >= 0 ? `rgba(46, 125, 50, ${alpha})` : `rgba(198, 40, 40, ${alpha})`;
}

// Split the review at every span boundary and give each piece its sentence tint and marks.
function annotate(text, result) {
  const marks = [];
  result.sentences.forEach((s) => marks.push({ start: s.start, end: s.end, kind: "sentence", polarity: s.polarity }));
  result.evidence.forEach((e) => marks.push({ start: e.start, end: e.end, kind: "evidence", weight: e.weight }));
  result.aspects.forEach((a) => a.mentions.forEach((m) => marks.push({ start: m.start, end: m.end, kind: "aspect", aspect: a.aspect })));
  result.quality.untranslated.forEach((f) => marks.push({ start: f.start, end: f.end, kind: "mt", language: f.language }));
  const cuts = new Set([0, text.length]);
  marks.forEach((m) => { cuts.add(m.start); cuts.add(m.end); });
  const points = [...cuts].sort((a, b) => a - b);
  const container = $("texto-anotado");
  container.replaceChildren();
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const covering = marks.filter((m) => m.start <= a && b <= m.end);
    const piece = el("span", {}, text.slice(a, b));
    const sentence = covering.find((m) => m.kind === "sentence");
    if (sentence) piece.style.background = tint(sentence.polarity);
    if (covering.some((m) => m.kind === "evidence")) piece.classList.add("evidencia");
    const fragment = covering.find((m) => m.kind === "mt");
    if (fragment) {
      piece.classList.add("ta");
      piece.title = `Fragmento sin traducir (${fragment.language})`;
    }
    const aspects = covering.filter((m) => m.kind === "aspect").map((m) => m.aspect);
    if (aspects.length) piece.dataset.aspectos = aspects.join(" ");
    container.append(piece);
  }
}

function highlight(aspect, on) {
  document.querySelectorAll("#texto-anotado [data-aspectos]").forEach((node) => {
    if (node.dataset.aspectos.split(" ").includes(aspect)) node.classList.toggle("resaltado", on);
  });
}

function renderAspects(aspects) {
  const box = $("aspectos");
  box.replaceChildren();
  if (!aspects.length) box.append(el("p", {}, "La reseña no juzga ningún aspecto concreto."));
  aspects.forEach((a) => {
    const label = `${ASPECTOS[a.aspect] || a.aspect}: ${POLARIDAD[a.polarity]} (${Math.round(a.score * 100)} %)`;
    const chip = el("button", { type: "button", class: `chip ${a.polarity}`, role: "listitem", "aria-pressed": "false", "data-aspecto": a.aspect }, label);
    chip.addEventListener("mouseenter", () => highlight(a.aspect, true));
    chip.addEventListener("mouseleave", () => highlight(a.aspect, chip.getAttribute("aria-pressed") === "true"));
    chip.addEventListener("focus", () => highlight(a.aspect, true));
    chip.addEventListener("blur", () => highlight(a.aspect, chip.getAttribute("aria-pressed") === "true"));
    chip.addEventListener("click", () => {
      const pressed = chip.getAttribute("aria-pressed") !== "true";
      chip.setAttribute("aria-pressed", String(pressed));
      highlight(a.aspect, pressed);
    });
    box.append(chip);
  });
}

function list(items, render, empty) {
  if (!items.length) return el("p", {}, empty);
  const ul = el("ul");
  items.forEach((item) => ul.append(el("li", {}, render(item))));
  return ul;
}

function renderFacts(facts) {
  const dl = el("dl");
  dl.append(el("dt", {}, "Películas"), el("dd", {}, list(facts.films, (f) =>
    `${f.title}${f.original_title ? ` (título original: ${f.original_title})` : ""}${f.year ? `, ${f.year}` : ""}${f.reviewed ? " — la reseñada" : ""}`,
    "Ninguna.")));
  dl.append(el("dt", {}, "Personas"), el("dd", {}, list(facts.people, (p) =>
    `${p.name}${p.roles.length ? ` — ${p.roles.map((r) => ROLES[r] || r).join(", ")}` : ""}${p.character ? ` (como ${p.character})` : ""}`,
    "Ninguna.")));
  dl.append(el("dt", {}, "Premios"), el("dd", {}, list(facts.awards, (a) =>
    [a.award, a.event, a.year, a.film].filter(Boolean).join(" · ") + (a.nomination ? " (nominación)" : ""),
    "Ninguno.")));
  dl.append(el("dt", {}, "Festivales"), el("dd", {}, list(facts.festivals || [], (f) =>
    [f.festival, f.year].filter(Boolean).join(" · "), "Ninguno.")));
  $("datos").replaceChildren(dl);
}

function renderQuality(quality) {
  const score = quality.machine_translation;
  const box = $("calidad");
  box.replaceChildren(
    el("p", {}, score === null ? "Sin puntuación." : `Probabilidad de traducción automática: ${Math.round(score * 100)} %`),
    list(quality.untranslated, (f) => `Sin traducir (${f.language}): «${f.text}»`, "Sin fragmentos sin traducir."),
    list(quality.notes, (n) => n, "Sin otras observaciones."),
  );
}

function renderVerdict(result) {
  const box = $("veredicto");
  const s = result.sentiment;
  if (s.label === null) {
    box.className = "veredicto nulo";
    box.textContent = `Sin veredicto: ${result.errors.map((e) => e.message).join("; ")}`;
    return;
  }
  box.className = `veredicto ${s.label}`;
  const stars = s.rating === null || s.rating === undefined ? "" : ` — valoración ${s.rating.toFixed(1)} de 5 estrellas`;
  const language = result.language === "es" ? "" : ` (reseña en ${result.language === "en" ? "inglés" : result.language})`;
  box.textContent = `Veredicto: ${s.label === "positive" ? "POSITIVA" : "NEGATIVA"} — probabilidad ${s.score.toFixed(2)}${stars}${language}`;
}

async function analyse(event) {
  event.preventDefault();
  const text = $("texto").value;
  const button = $("analizar");
  button.disabled = true;
  $("estado").textContent = "Analizando…";
  try {
    const response = await fetch("/v1/analyze", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    renderVerdict(body);
    annotate(text, body);
    renderAspects(body.aspects);
    renderFacts(body.facts);
    renderQuality(body.quality);
    $("resultado").hidden = false;
    $("estado").textContent = "Análisis listo.";
  } catch (error) {
    $("estado").replaceChildren(el("span", { class: "error" }, `Error: ${error.message}`));
  } finally {
    button.disabled = false;
  }
}

function bar(parts) {
  const total = parts.reduce((sum, p) => sum + p.value, 0) || 1;
  const box = el("div", { class: "barra", role: "img", "aria-label": parts.map((p) => `${p.label}: ${p.value}`).join(", ") });
  parts.forEach((p) => {
    const seg = el("span");
    seg.style.width = `${(100 * p.value) / total}%`;
    seg.style.background = p.colour;
    box.append(seg);
  });
  return box;
}

async function showFilm(title) {
  const response = await fetch(`/v1/films/${encodeURIComponent(title)}`);
  const film = await response.json();
  const box = $("informe-pelicula");
  if (!response.ok) { box.replaceChildren(el("p", { class: "error" }, film.error.message)); return; }
  const aspects = el("table", {}, el("caption", {}, "Balance de aspectos"));
  Object.entries(film.aspects).forEach(([aspect, c]) => aspects.append(el("tr", {},
    el("th", { scope: "row" }, ASPECTOS[aspect] || aspect),
    el("td", {}, bar([
      { label: "positivo", value: c.positive, colour: "#2e7d32" },
      { label: "negativo", value: c.negative, colour: "#c62828" },
      { label: "mixto", value: c.mixed, colour: "#8d6e63" },
    ])))));
  const passages = (items) => list(items, (p) => `${p.weight > 0 ? "+" : ""}${p.weight.toFixed(2)} · ${p.text}`, "Ninguno.");
  box.replaceChildren(
    el("h3", {}, film.film),
    el("p", {}, `${film.reviews} ${film.reviews === 1 ? "reseña" : "reseñas"}; ${Math.round(film.positive_share * 100)} % positivas (IC 95 %: ${Math.round(film.positive_ci95[0] * 100)}–${Math.round(film.positive_ci95[1] * 100)} %)${film.mean_rating === null ? "" : `; valoración media ${film.mean_rating.toFixed(1)} de 5${film.rating_ci95 ? ` (IC 95 %: ${film.rating_ci95[0].toFixed(1)}–${film.rating_ci95[1].toFixed(1)})` : ""}`}.`),
    bar([{ label: "positivas", value: film.positive_share, colour: "#2e7d32" }, { label: "negativas", value: 1 - film.positive_share, colour: "#c62828" }]),
    aspects,
    el("h4", {}, "Personas más citadas"),
    list(film.people, (p) => `${p.name} (${p.mentions})${p.roles.length ? ` — ${p.roles.map((r) => ROLES[r] || r).join(", ")}` : ""}`, "Ninguna."),
    el("h4", {}, "Pasajes más positivos"), passages(film.strongest_positive),
    el("h4", {}, "Pasajes más negativos"), passages(film.strongest_negative),
  );
}

async function loadFilms() {
  const status = $("peliculas-estado");
  status.textContent = "Cargando…";
  const response = await fetch("/v1/films");
  const body = await response.json();
  if (!response.ok) { status.textContent = body.error.message; return; }
  status.textContent = `${body.reviews} ${body.reviews === 1 ? "reseña" : "reseñas"} en el almacén.`;
  const tbody = document.querySelector("#tabla-peliculas tbody");
  tbody.replaceChildren();
  body.films.forEach((f) => {
    const row = el("tr", { tabindex: "0" },
      el("td", {}, f.film), el("td", {}, String(f.reviews)),
      el("td", {}, `${Math.round(f.positive_share * 100)} % (${Math.round(f.positive_ci95[0] * 100)}–${Math.round(f.positive_ci95[1] * 100)} %)`),
      el("td", {}, f.mean_rating === null ? "—" : `${f.mean_rating.toFixed(1)}${f.rating_ci95 ? ` (${f.rating_ci95[0].toFixed(1)}–${f.rating_ci95[1].toFixed(1)})` : ""}`),
      el("td", {}, `${Math.round(f.machine_translated_share * 100)} %`));
    row.addEventListener("click", () => showFilm(f.film));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showFilm(f.film); } });
    tbody.append(row);
  });
  $("tabla-peliculas").hidden = false;
}

function showView(name) {
  const analysing = name === "analizar";
  $("vista-analizar").hidden = !analysing;
  $("vista-peliculas").hidden = analysing;
  $("tab-analizar").setAttribute("aria-pressed", String(analysing));
  $("tab-peliculas").setAttribute("aria-pressed", String(!analysing));
  if (!analysing) loadFilms();
}

$("formulario").addEventListener("submit", analyse);
$("tab-analizar").addEventListener("click", () => showView("analizar"));
$("tab-peliculas").addEventListener("click", () => showView("peliculas"));
