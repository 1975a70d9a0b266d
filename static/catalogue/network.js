/* The correspondence network drawn with Cytoscape.js (static/vendor/cytoscape/), from the data
   in <script id="network-data" type="application/json"> (templates/catalogue/network.html).
   The table on the page holds the same edges; this only adds the drawing:
   click (or tap) an arrow to get a link to its letters, a name for that person's network. */
(function () {
  "use strict";
  var container = document.getElementById("network-graph");
  var source = document.getElementById("network-data");
  if (!container || !source || typeof window.cytoscape !== "function") return;
  var data = JSON.parse(source.textContent);
  var selection = document.getElementById("network-selection");
  var help = document.querySelector(".network-help");

  var maxLetters = 1;
  data.edges.forEach(function (edge) { maxLetters = Math.max(maxLetters, edge.letters); });
  var maxNode = 1;
  data.nodes.forEach(function (node) { maxNode = Math.max(maxNode, node.letters); });

  function scaled(value, max, low, high) {
    return low + (high - low) * Math.sqrt(value / max);
  }

  var elements = data.nodes.map(function (node) {
    return { group: "nodes", data: {
      id: node.id, label: node.label, kind: node.kind, url: node.url, network_url: node.network_url,
      size: scaled(node.letters, maxNode, 18, 56)
    } };
  }).concat(data.edges.map(function (edge) {
    return { group: "edges", data: {
      id: edge.id, source: edge.source, target: edge.target, letters: edge.letters,
      label: String(edge.letters), first: edge.first, last: edge.last, letters_url: edge.letters_url,
      width: scaled(edge.letters, maxLetters, 1.5, 9)
    } };
  }));

  container.hidden = false;
  if (help) help.hidden = false;
  var cy = window.cytoscape({
    container: container,
    elements: elements,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "width": "data(size)", "height": "data(size)",
        "background-color": "#4a6b8a", "color": "#1a1a1a", "font-size": 12,
        "font-family": "\"Noto Sans\", sans-serif", "text-valign": "bottom", "text-margin-y": 3,
        "text-wrap": "wrap", "text-max-width": 110, "text-background-color": "#fff",
        "text-background-opacity": 0.8, "text-background-padding": 1
      } },
      { selector: "node[kind = 'organisation']", style: { "shape": "round-rectangle", "background-color": "#8a6b4a" } },
      { selector: "edge", style: {
        "width": "data(width)", "line-color": "#9aa8b5", "target-arrow-color": "#9aa8b5",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)",
        "font-size": 10, "text-background-color": "#fff", "text-background-opacity": 1
      } },
      { selector: ":selected", style: { "line-color": "#b3261e", "target-arrow-color": "#b3261e", "background-color": "#b3261e" } }
    ],
    layout: data.nodes.length > 2 ? {
      name: "cose", animate: false, padding: 30, randomize: false, nodeRepulsion: function () { return 60000; },
      idealEdgeLength: function () { return 70; }, nodeOverlap: 30, componentSpacing: 50
    } : { name: "circle", animate: false, padding: 30 }
  });

  function formatDate(iso) {
    if (!iso) return "";
    var date = new Date(iso + "T00:00:00Z");
    return date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function show(parts) {
    selection.textContent = "";
    parts.forEach(function (part) {
      if (typeof part === "string") {
        selection.appendChild(document.createTextNode(part));
      } else {
        var link = document.createElement("a");
        link.href = part.href;
        link.textContent = part.text;
        selection.appendChild(link);
      }
    });
    selection.hidden = false;
  }

  cy.on("tap", "edge", function (event) {
    var edge = event.target.data();
    var from = cy.getElementById(edge.source).data("label");
    var to = cy.getElementById(edge.target).data("label");
    var period = edge.first ? " (" + formatDate(edge.first) +
      (edge.last && edge.last !== edge.first ? " – " + formatDate(edge.last) : "") + ")" : "";
    show([from + " to " + to + ": ", { href: edge.letters_url,
      text: edge.letters + (edge.letters === 1 ? " document" : " documents") }, period]);
    var link = selection.querySelector("a");
    if (link) link.focus();
  });

  cy.on("tap", "node", function (event) {
    var node = event.target.data();
    show([node.label + ": ", { href: node.network_url, text: "show this correspondent's network" },
      " · ", { href: node.url, text: "page" }]);
  });
})();
