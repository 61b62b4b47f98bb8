// Site search with Pagefind's index, which the build writes into /pagefind/. Runs entirely in the browser:
// the query never leaves the page. Results are built with DOM methods, never innerHTML.
const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const bundle = list.dataset.pagefind;
let pagefind = null;
let latest = 0;

async function engine() {
  if (pagefind === null) {
    pagefind = await import(bundle);
    await pagefind.init();
  }
  return pagefind;
}

function excerptNodes(excerpt) {
  // Pagefind marks matched words with <mark>; keep those, treat everything else as text.
  const nodes = [];
  const parts = excerpt.split(/(<mark>.*?<\/mark>)/g);
  for (const part of parts) {
    const marked = part.match(/^<mark>(.*)<\/mark>$/);
    const text = (marked ? marked[1] : part).replace(/<[^>]*>/g, "");
    const decoded = new DOMParser().parseFromString(text, "text/html").documentElement.textContent;
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = decoded;
      nodes.push(mark);
    } else if (decoded) {
      nodes.push(document.createTextNode(decoded));
    }
  }
  return nodes;
}

function show(results, query) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const heading = document.createElement("h2");
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(result.excerpt || ""));
    item.append(heading, excerpt);
    list.append(item);
  }
  const count = results.length;
  status.textContent = count === 0
    ? `No pages found for "${query}". Try a different word, or browse the topics.`
    : `${count} ${count === 1 ? "page" : "pages"} found for "${query}".`;
}

async function run(query) {
  const ticket = ++latest;
  query = query.trim();
  if (!query) {
    list.replaceChildren();
    status.textContent = "Type a word or phrase, for example pins and needles.";
    return;
  }
  try {
    const search = await (await engine()).search(query);
    const results = await Promise.all(search.results.slice(0, 10).map((result) => result.data()));
    if (ticket === latest) show(results, query);
  } catch (error) {
    status.textContent = "Search is not working right now. You can browse the topics instead.";
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

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value), 250);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
input.value = initial;
run(initial);
