// Site search with Pagefind's index, which the build writes into /pagefind/. Runs entirely in the browser:
// the query never leaves the page. Results are built with DOM methods, never innerHTML.
// Each result links to the section that matched best (Pagefind's sub-results). Readers' words are widened with
// rules/search-synonyms.yml (pagefind/synonyms.json): "paresthesia" also finds "paraesthesia".
// A large site's index comes in shards (pagefind/shards/<n>/, listed in synonyms.json), merged into one search.
const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const more = document.getElementById("search-more");
const none = document.getElementById("search-none");
const suggestions = document.getElementById("search-suggestions");
const bundle = list.dataset.pagefind;
const PAGE_SIZE = 10;
// Words too common to be worth highlighting in an excerpt.
const STOP_WORDS = new Set(("a an and are as at be but by can do for from has have how i if in into is it its " +
  "me my no not of on or so than that the their them then there these they this to too up was we were what when " +
  "which who why will with you your").split(" "));
let pagefind = null;
let extraLoaded = null;
let latest = 0;
let pending = [];
let shown = 0;

function engine() {
  // One promise, so searches typed while the index loads do not merge the shards twice; tried again after a failure.
  if (pagefind === null) {
    pagefind = loadEngine().catch((error) => {
      pagefind = null;
      throw error;
    });
  }
  return pagefind;
}

async function loadEngine() {
  const [loaded, data] = await Promise.all([import(bundle), searchData()]);
  await loaded.init();
  const base = new URL(bundle, window.location.href);
  await Promise.all((data.shards || []).map((shard) => loaded.mergeIndex(new URL(shard, base).pathname)));
  return loaded;
}

function searchData() {
  if (extraLoaded === null) extraLoaded = loadSearchData();
  return extraLoaded;
}

async function loadSearchData() {
  let extra;
  try {
    const response = await fetch(list.dataset.synonyms);
    extra = response.ok ? await response.json() : {};
  } catch {
    extra = {};
  }
  addSuggestions(extra.suggestions || []);
  return extra;
}

function addSuggestions(pages) {
  const home = list.dataset.home.replace(/\/$/, "");
  const known = new Set([...suggestions.querySelectorAll("a")].map((a) => a.getAttribute("href")));
  const items = [];
  for (const page of pages) {
    const href = home + page.path;
    if (known.has(href)) continue;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = href;
    link.textContent = page.title;
    item.append(link);
    items.push(item);
  }
  suggestions.prepend(...items);
}

function variants(query, groups) {
  // The query, plus the query with each reader's phrase swapped for the other phrases of its group.
  const words = query.toLowerCase();
  const found = [words];
  for (const group of groups || []) {
    for (const phrase of group) {
      const pattern = new RegExp(`(^|[^a-z0-9])${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=$|[^a-z0-9])`);
      if (!pattern.test(words)) continue;
      for (const other of group) {
        if (other !== phrase) found.push(words.replace(pattern, `$1${other}`));
      }
    }
  }
  return [...new Set(found)];
}

function excerptNodes(excerpt) {
  // Parse the whole excerpt once, so the spaces around <mark> are kept; copy only text and marks.
  const body = new DOMParser().parseFromString(excerpt, "text/html").body;
  const nodes = [];
  for (const node of body.childNodes) {
    const text = node.textContent;
    if (node.nodeName === "MARK" && !STOP_WORDS.has(text.trim().toLowerCase())) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else if (text) {
      nodes.push(document.createTextNode(text));
    }
  }
  return nodes;
}

function score(sub) {
  const weighted = sub.weighted_locations || [];
  return weighted.length ? weighted.reduce((sum, w) => sum + (w.balanced_score || w.weight || 1), 0)
    : (sub.locations || []).length;
}

function bestSection(data) {
  // The section that matched most; the page itself when the best match is above the first heading.
  let best = null;
  for (const sub of data.sub_results || []) {
    if (best === null || score(sub) > score(best)) best = sub;
  }
  return best;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  const title = data.meta.title || data.url;
  const section = bestSection(data);
  const inSection = section !== null && section.url.includes("#") && section.title && section.title !== title;
  link.href = inSection ? section.url : data.url;
  link.append(title);
  if (inSection) {
    const part = document.createElement("span");
    part.className = "search-section";
    part.textContent = ` › ${section.title}`;
    link.append(part);
  }
  const heading = document.createElement("h2");
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.append(...excerptNodes((inSection ? section.excerpt : data.excerpt) || ""));
  item.append(heading, excerpt);
  return item;
}

async function showMore(ticket, focusFirst) {
  const next = pending.slice(shown, shown + PAGE_SIZE);
  const pages = await Promise.all(next.map((result) => result.data()));
  if (ticket !== latest) return;
  const items = pages.map(resultItem);
  list.append(...items);
  shown += next.length;
  more.hidden = shown >= pending.length;
  if (focusFirst && items.length) items[0].querySelector("a").focus();
}

function report(query) {
  const total = pending.length;
  none.hidden = total !== 0;
  status.textContent = total === 0
    ? `No pages found for "${query}". Try fewer words, or another word for the same thing.`
    : `${total} ${total === 1 ? "page" : "pages"} found for "${query}".` +
      (total > PAGE_SIZE ? ` Showing the first ${PAGE_SIZE}.` : "");
}

async function find(search, words, sharded) {
  // One index finds the pages that have every word it knows. Each shard leaves out the words it does not have, so
  // with shards keep only the pages that have every word some shard has: the pages one index would find.
  const found = (await search.search(words)).results;
  const terms = words.split(/\s+/).filter(Boolean);
  if (!sharded || terms.length < 2) return found;
  const each = await Promise.all(terms.map((term) => search.search(term)));
  const known = each.filter((one) => one.results.length).map((one) => new Set(one.results.map((result) => result.id)));
  return found.filter((result) => known.every((pages) => pages.has(result.id)));
}

async function run(query) {
  const ticket = ++latest;
  query = query.trim();
  list.replaceChildren();
  pending = [];
  shown = 0;
  more.hidden = true;
  none.hidden = true;
  if (!query) {
    status.textContent = "Type a word or phrase, for example pins and needles.";
    return;
  }
  try {
    const [search, data] = await Promise.all([engine(), searchData()]);
    const sharded = (data.shards || []).length > 0;
    const searches = await Promise.all(variants(query, data.synonyms).map((words) => find(search, words, sharded)));
    const byId = new Map();
    for (const found of searches) {
      for (const result of found) {
        const seen = byId.get(result.id);
        if (!seen || result.score > seen.score) byId.set(result.id, result);
      }
    }
    if (ticket !== latest) return;
    pending = [...byId.values()].sort((a, b) => b.score - a.score);
    await showMore(ticket, false);
    if (ticket === latest) report(query);
  } catch (error) {
    status.textContent = "Search is not working right now. You can browse the topics instead.";
    none.hidden = false;
    console.warn(error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(window.location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});

more.addEventListener("click", () => showMore(latest, true));

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value), 250);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
input.value = initial;
run(initial);
