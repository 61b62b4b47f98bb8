/* The form's preview pane: the page as readers will see it, with the site's own stylesheet, the care cards and
   the numbered source markers. Loaded by admin/index.html after decap-cms.js; no inline script or style, so it
   runs under the editor's Content-Security-Policy. The build passes the stylesheet's address and the site's
   care-card wording (site.yml, rules/red-flags.yml) as data- attributes of this script's tag. */
(function () {
  "use strict";
  var tag = document.currentScript;
  var site = JSON.parse(tag.getAttribute("data-site") || "{}");
  var stylesheet = tag.getAttribute("data-stylesheet");
  var CMS = window.CMS;
  var h = window.h;
  if (!CMS || !h) {
    return;
  }
  if (stylesheet) {
    CMS.registerPreviewStyle(stylesheet);
  }

  var CARDS = [
    ["emergency", "Emergency", "!", function (s) { return "Call " + s.phone + " now if"; }],
    ["urgent", "Urgent", "!", function (s) { return "Ask for an urgent GP appointment or call " + s.phone + " today if"; }],
    ["non_urgent", "Non-urgent", "i", function () { return "See a GP if"; }]
  ];

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function plain(value) {
    if (value === undefined || value === null) {
      return "";
    }
    return value.toJS ? value.toJS() : value;
  }

  // A small Markdown reader for the preview: headings, lists, paragraphs, emphasis, links and [^id] markers,
  // numbered in the order they are first cited, as the site numbers them.
  function inline(text, numbers) {
    var html = escapeHtml(text);
    html = html.replace(/\[\^([^\]\s]+)\]/g, function (_, id) {
      if (!(id in numbers)) {
        numbers[id] = Object.keys(numbers).length + 1;
      }
      return '<sup class="cite"><a href="#source-' + escapeHtml(id) + '" aria-label="Source ' + numbers[id] + '">' +
        numbers[id] + "</a></sup>";
    });
    html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, function (_, label, url) {
      return /^(https:|\/|#)/.test(url) ? '<a href="' + url + '">' + label + "</a>" : label;
    });
    html = html.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/\*([^*]+)\*/g, "<em>$1</em>");
    return html;
  }

  function markdown(body, numbers) {
    var out = [];
    String(body || "").split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n").filter(function (line) { return line.trim() !== ""; });
      if (!lines.length) {
        return;
      }
      var heading = /^(#{2,6})\s+(.*)$/.exec(lines[0]);
      if (heading && lines.length === 1) {
        var level = heading[1].length;
        out.push("<h" + level + ">" + inline(heading[2], numbers) + "</h" + level + ">");
      } else if (lines.every(function (line) { return /^\s*([-*]|\d+\.)\s+/.test(line); })) {
        var ordered = /^\s*\d+\./.test(lines[0]);
        out.push((ordered ? "<ol>" : "<ul>") + lines.map(function (line) {
          return "<li>" + inline(line.replace(/^\s*([-*]|\d+\.)\s+/, ""), numbers) + "</li>";
        }).join("") + (ordered ? "</ol>" : "</ul>"));
      } else {
        out.push("<p>" + inline(lines.join(" "), numbers) + "</p>");
      }
    });
    return out.join("\n");
  }

  function careCards(care) {
    if (!care) {
      return null;
    }
    var cards = CARDS.filter(function (card) { return (care[card[0]] || []).length; }).map(function (card) {
      var level = card[0];
      var service = (site.services || {})[level] || {name: "", phone: ""};
      var items = care[level].map(function (item, index) {
        var text = (site.signs || {})[item] || item;
        return h("li", {key: index}, text);
      });
      return h("section", {key: level, className: "care-card care-" + level.replace("_", "-")},
        h("h3", null,
          h("span", {className: "care-icon", "aria-hidden": "true"}, card[2]),
          h("span", {className: "care-label"}, card[1] + ":"),
          " " + card[3](service) + ":"),
        h("div", {className: "care-body"},
          h("ul", null, items),
          h("p", {className: "care-action"}, service.phone ? "Call " + service.phone + " " + service.name :
            service.name + ": ask for an appointment.")));
    });
    return h("section", {className: "when-to-get-help"}, h("h2", null, "When to get help"), cards);
  }

  function sourceList(sources, numbers) {
    var cited = (sources || []).filter(function (source) { return source && source.id in numbers; });
    cited.sort(function (a, b) { return numbers[a.id] - numbers[b.id]; });
    return h("section", {className: "sources"},
      h("h2", null, "Sources"),
      h("ol", null, cited.map(function (source) {
        return h("li", {key: source.id, id: "source-" + source.id},
          (source.publisher || "") + ". " + (source.title || "") + ". Accessed " + (source.accessed || "") + ".");
      })));
  }

  var PagePreview = window.createClass({
    render: function () {
      var data = plain(this.props.entry.get("data")) || {};
      var numbers = {};
      var body = markdown(data.body, numbers);
      return h("main", {className: "preview"},
        h("article", {className: "article article-" + (data.type || "")},
          data.status !== "published" ?
            h("p", {className: "notice notice-draft"}, h("strong", null, "Draft:"), " this page is " +
              (data.status || "draft") + " and is not published.") : null,
          h("h1", null, data.title || "", data.medical_name ?
            h("span", {className: "medical-name"}, " (" + data.medical_name + ")") : null),
          h("p", {className: "summary"}, data.summary || ""),
          careCards(data.care),
          data.aliases && data.aliases.length ?
            h("p", {className: "aliases"}, "Also called: " + data.aliases.join(", ") + ".") : null,
          h("div", {className: "body", dangerouslySetInnerHTML: {__html: body}}),
          sourceList(data.sources, numbers)));
    }
  });

  (tag.getAttribute("data-collections") || "").split(" ").filter(Boolean).forEach(function (name) {
    CMS.registerPreviewTemplate(name, PagePreview);
  });
})();
